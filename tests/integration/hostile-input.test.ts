import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attachments, betaDeals, betaPrograms, emailOutbox, kbArticles, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { createApiToken } from "~/modules/api/tokens.server";
import { createOrganization, createUser } from "../support/factories";
import { fetchApp, dataUrl } from "../support/app-server";
import { signInAs, url, type SignedIn } from "../support/requests";

/**
 * Hostile input: XSS payloads in every user-supplied field, rendered through the portal, the
 * desk, the help center, emails and the CSV export, must stay inert; malformed requests are
 * answered with a 4xx (or made harmless), never a 500 or a stack trace.
 */
const PAYLOAD = [
  `<script>alert("x1")</script>`,
  `<img src=x onerror=alert("x2")>`,
  `<svg onload=alert("x3")>`,
  `<iframe srcdoc="<script>alert('x4')</script>"></iframe>`,
  `<meta http-equiv="refresh" content="0;url=https://evil.test/">`,
  `<a href="javascript:alert('x5')">a</a>`,
  `[m](javascript:alert('x6'))`,
  `![p](https://evil.test/pixel.gif)`,
  `"><script>alert("x7")</script>`,
].join(" ");
const SHORT = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;

/** No executable markup: every check is structural, so escaped text (&lt;script&gt;) passes. */
function assertInert(html: string, where: string, options: { remoteImages?: boolean } = {}) {
  const problems: string[] = [];
  // Quoted attribute values hold escaped text only; what is left of a tag is its real attributes.
  const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) if (!/\bnonce=|type="application\/(ld\+)?json"/.test(tag)) problems.push(`script without nonce: ${tag}`);
  for (const m of tags.filter((t) => /\son[a-z]+\s*=/i.test(t))) problems.push(`event handler: ${m}`);
  for (const m of html.match(/(href|src|action|formaction|srcdoc)\s*=\s*["']?\s*javascript:/gi) ?? []) problems.push(`javascript: URL: ${m}`);
  for (const m of html.match(/<(iframe|object|embed|base)\b[^>]*>/gi) ?? []) problems.push(`embedding element: ${m}`);
  for (const m of html.match(/<meta[^>]*http-equiv[^>]*>/gi) ?? []) problems.push(`meta refresh: ${m}`);
  if (!options.remoteImages) for (const m of html.match(/<img[^>]*src=["']?https?:\/\/evil\.test[^>]*>/gi) ?? []) problems.push(`remote image: ${m}`);
  // In the streamed loader data (inside a nonce'd script) a closing tag would break out.
  for (const block of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
    if (/alert\(["']?x\d/.test(block) && /<\/?(script|img|svg|iframe)/i.test(block.replace(/^<script\b[^>]*>|<\/script>$/gi, ""))) problems.push(`payload markup inside a script block`);
  }
  expect(problems, where).toEqual([]);
}

let customer: SignedIn;
let agent: SignedIn;
let admin: SignedIn;
let sales: SignedIn;
let customerToken: string;
let ticketNumber: number;

function post(path: string, fields: Record<string, string>, as: SignedIn | null): Promise<Response> {
  return fetchApp(
    new Request(url(path), {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test", ...(as ? { cookie: as.cookie } : {}) },
    }),
  );
}

async function get(path: string, as: SignedIn | null): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetchApp(new Request(url(path), { headers: as ? { cookie: as.cookie } : {} }));
  return { status: res.status, text: await res.text(), headers: res.headers };
}

beforeAll(async () => {
  const org = await createOrganization(db(), { name: `Org ${SHORT}`.slice(0, 100), plan: "beta", shareTickets: true });
  customer = await signInAs(await createUser(db(), { email: "eve@hostile.test", name: "Eve", organizationId: org.id }));
  agent = await signInAs(await createUser(db(), { email: "agent@hostile.test", name: "Agent", role: "agent" }));
  admin = await signInAs(await createUser(db(), { email: "admin@hostile.test", name: "Admin", role: "admin" }));
  sales = await signInAs(await createUser(db(), { email: "sales@hostile.test", name: "Sales", role: "sales" }));
  customerToken = (await createApiToken(customer.user, { name: "t", scopes: ["tickets:read", "tickets:write"], lifetimeDays: 30 })).token;

  // Every field a customer types: name, ticket subject and body, an attachment's file name.
  expect((await post("/account", { intent: "profile", name: SHORT, timeZone: "" }, customer)).status).toBeLessThan(400);
  const form = new FormData();
  form.set("subject", SHORT);
  form.set("description", PAYLOAD);
  form.set("priority", "normal");
  form.set("category", "Problem");
  form.set("idempotencyKey", crypto.randomUUID());
  form.append("attachments", new File(["hello"], `${SHORT.replace(/[/\\]/g, "")}.txt`, { type: "text/plain" }));
  const created = await fetchApp(new Request(url("/portal/tickets/new"), { method: "POST", body: form, headers: { origin: "http://portal.test", cookie: customer.cookie } }));
  expect(created.status, await created.clone().text()).toBeLessThan(400);
  const [ticket] = await db().select().from(tickets).orderBy(desc(tickets.number)).limit(1);
  ticketNumber = ticket!.number;
  // The agent answers with the payload and tags it.
  const reply = await post(`/desk/tickets/${ticketNumber}`, { intent: "save", version: String(ticket!.version), body: PAYLOAD, visibility: "public", tags: SHORT }, agent);
  expect(reply.status).toBeLessThan(400);
}, 60_000);

describe("XSS payloads stay inert", () => {
  it("in the portal and the desk (pages and .data)", async () => {
    for (const [path, as] of [
      [`/portal/tickets/${ticketNumber}`, customer],
      ["/portal", customer],
      [`/desk/tickets/${ticketNumber}`, agent],
      ["/desk/views/all-open", agent],
      ["/desk/customers", agent],
      ["/admin/users", admin],
      ["/admin/organizations", admin],
    ] as const) {
      const page = await get(path, as);
      expect(page.status, path).toBe(200);
      expect(page.text, `${path} shows the payload as text`).toMatch(/&lt;script&gt;|\\u003cscript|&lt;img/);
      assertInert(page.text, path);
      // A .data payload is not HTML (text/x-script; the server adds nosniff to every answer).
      const data = await get(dataUrl(path), as);
      expect(data.status).toBe(200);
      expect(data.headers.get("content-type")).toMatch(/^text\/x-script/);
    }
  });

  it("in the attachment download (a download, never rendered)", async () => {
    const [att] = await db().select({ id: attachments.id, fileName: attachments.fileName }).from(attachments);
    expect(att!.fileName).toContain("<script>");
    const attachmentId = att!.id;
    const res = await fetchApp(new Request(url(`/portal/tickets/${ticketNumber}/attachments/${attachmentId}`), { headers: { cookie: customer.cookie } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[^"\r\n]*"; filename\*=UTF-8''[^"<>\s]+$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("in the emails of the outbox", async () => {
    const mails = await db().select().from(emailOutbox);
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) {
      assertInert(m.html, `email ${m.template} to ${m.toAddress}`);
      expect(m.subject).not.toMatch(/[\r\n]/);
    }
  });

  it("in help-center articles (title, summary, body) and their search", async () => {
    const res = await post("/desk/kb/new", { intent: "save", title: SHORT, slug: "", summary: SHORT, body: PAYLOAD, tags: "", categoryId: "", visibility: "public", status: "published", note: "" }, agent);
    expect(res.status, await res.clone().text()).toBeLessThan(400);
    const [article] = await db().select().from(kbArticles).orderBy(desc(kbArticles.createdAt)).limit(1);
    expect(article!.title).toBe(SHORT.trim());
    for (const path of [`/help/articles/${article!.slug}`, "/help", "/help/search?q=script+img", `/desk/kb/articles/${article!.id}`]) {
      const as = path.startsWith("/desk") ? agent : null;
      const page = await get(path, as);
      expect(page.status, path).toBe(200);
      // Articles are written by staff: images from other sites are allowed there (sent without a referrer).
      assertInert(page.text, path, { remoteImages: true });
      expect((await get(dataUrl(path), as)).headers.get("content-type")).toMatch(/^text\/x-script/);
    }
    const suggest = await get("/help/suggest?q=script", null);
    assertInert(suggest.text, "/help/suggest");
  });

  it("in beta deals (board, deal page) and the CSV export, whose cells cannot start a formula", async () => {
    await db().insert(betaPrograms).values({ name: "Beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2027-01-01", active: true });
    const formula = `=HYPERLINK("https://evil.test","${SHORT}")`;
    const res = await post("/beta", { intent: "create", company: formula, website: "", source: `+cmd|' /C calc'!A0`, ownerId: "", contactName: `@SUM(1+1)`, contactEmail: "", notes: SHORT }, sales);
    expect(res.status, await res.clone().text()).toBeLessThan(400);
    const [deal] = await db().select().from(betaDeals).where(eq(betaDeals.company, formula));
    expect(deal).toBeDefined();
    for (const path of ["/beta", `/beta/deals/${deal!.id}`, "/beta/reports"]) {
      const page = await get(path, sales);
      expect(page.status, path).toBe(200);
      assertInert(page.text, path);
    }
    const csv = await get("/beta/reports/deals.csv", sales);
    expect(csv.status).toBe(200);
    const cells = csv.text.split(/\r?\n/).flatMap((line) => line.split(","));
    for (const cell of cells) expect(cell.replace(/^"/, ""), "a CSV cell starting a formula").not.toMatch(/^[=+\-@\t\r]/);
    expect(csv.text).toContain("HYPERLINK");
  });

  it("in beta feedback (portal and triage)", async () => {
    const res = await post("/portal/feedback", { intent: "submit", kind: "feedback", title: SHORT, body: PAYLOAD }, customer);
    expect(res.status, await res.clone().text()).toBeLessThan(400);
    for (const [path, as] of [
      ["/portal/feedback", customer],
      ["/beta/feedback", sales],
    ] as const) {
      const page = await get(path, as);
      expect(page.status, path).toBe(200);
      assertInert(page.text, path);
    }
  });
});

describe("malformed requests get a 4xx, never a 500 or a stack trace", () => {
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+|node_modules|TypeError|SyntaxError/);

  it("an oversized form body", async () => {
    const res = await post("/portal/tickets/new", { subject: "Big", description: "x".repeat(6 * 1024 * 1024), priority: "normal", category: "Problem", idempotencyKey: crypto.randomUUID() }, customer);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    noStack(await res.text());
  });

  it("wrong types, unknown keys and __proto__ in API JSON", async () => {
    const bodies = [
      `{"subject": 123, "body": ["x"]}`,
      `{"subject": "Hello there", "body": "A body long enough", "admin": true}`,
      `{"__proto__": {"role": "admin"}, "subject": "Hello there", "body": "A body long enough"}`,
      `{"constructor": {"prototype": {"polluted": 1}}}`,
      `[]`,
      `null`,
      `{"subject": "x"`,
      `"just a string"`,
    ];
    for (const body of bodies) {
      const res = await fetchApp(
        new Request(url("/api/v1/tickets"), { method: "POST", body, headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" } }),
      );
      const text = await res.text();
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
      noStack(text);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).role).toBeUndefined();
    }
  });

  it("__proto__ and unknown keys in a form", async () => {
    const res = await post("/account", { intent: "profile", name: "Eve", timeZone: "", __proto__: "x", "constructor[prototype][x]": "1", extra: "1" }, customer);
    expect(res.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("invalid UTF-8 in a form post and in API JSON", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("intent=profile&timeZone=&name=E"), 0xff, 0xfe, 0xc3, 0x28, 0x25, 0x46, 0x46]);
    const res = await fetchApp(
      new Request(url("/account"), { method: "POST", body: bytes, headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test", cookie: customer.cookie } }),
    );
    expect(res.status).toBeLessThan(500);
    const json = new Uint8Array([...new TextEncoder().encode('{"subject":"Hi '), 0xff, 0xfe, ...new TextEncoder().encode(' there","body":"A body long enough"}')]);
    const api = await fetchApp(new Request(url("/api/v1/tickets"), { method: "POST", body: json, headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" } }));
    expect(api.status).toBeLessThan(500);
    noStack(await api.text());
  });

  it("CR/LF aimed at email headers never reaches a header", async () => {
    await post("/account", { intent: "profile", name: "Eve\r\nBcc: victim@evil.test", timeZone: "" }, customer);
    const form = new FormData();
    form.set("subject", "Help\r\nBcc: victim@evil.test");
    form.set("description", "Injected headers should go nowhere at all.");
    form.set("priority", "normal");
    form.set("category", "Problem");
    form.set("idempotencyKey", crypto.randomUUID());
    const res = await fetchApp(new Request(url("/portal/tickets/new"), { method: "POST", body: form, headers: { origin: "http://portal.test", cookie: customer.cookie } }));
    expect(res.status).toBeLessThan(500);
    const [ticket] = await db().select().from(tickets).orderBy(desc(tickets.number)).limit(1);
    await post(`/desk/tickets/${ticket!.number}`, { intent: "save", version: String(ticket!.version), body: "Answer", visibility: "public" }, agent);
    for (const m of await db().select().from(emailOutbox)) {
      for (const header of [m.subject, m.toAddress, m.fromAddress, m.replyTo ?? ""]) expect(header).not.toMatch(/[\r\n]/);
    }
  });

  it("open redirects through redirectTo on /login", async () => {
    const attempts = ["https://evil.test/", "//evil.test", "/\\evil.test", "\\\\evil.test", "/%2F%2Fevil.test", " //evil.test", "javascript:alert(1)", "/\t/evil.test", "http:evil.test", "/.//evil.test"];
    const user = await createUser(db(), { email: "redirect@hostile.test", password: "correct-horse-battery", organizationId: customer.user.organizationId });
    for (const redirectTo of attempts) {
      const res = await fetchApp(
        new Request(url("/login"), {
          method: "POST",
          body: new URLSearchParams({ email: user.email, password: "correct-horse-battery", redirectTo }),
          headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test" },
        }),
        `198.51.100.${attempts.indexOf(redirectTo) + 1}`,
      );
      const location = res.headers.get("location") ?? "";
      expect(res.status, redirectTo).toBe(302);
      expect(new URL(location, "http://portal.test").origin, `${redirectTo} → ${location}`).toBe("http://portal.test");
      expect(location.startsWith("/") && !location.startsWith("//") && !location.startsWith("/\\"), location).toBe(true);
      // Signed in already: GET /login?redirectTo= sends on, still same-origin.
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
      const again = await fetchApp(new Request(url(`/login?redirectTo=${encodeURIComponent(redirectTo)}`), { headers: { cookie } }));
      expect(new URL(again.headers.get("location") ?? "/", "http://portal.test").origin).toBe("http://portal.test");
    }
  });

  it("unknown routes, bad params and bad methods", async () => {
    for (const path of ["/portal/tickets/abc", "/portal/tickets/99999999999999999999", "/desk/tickets/-1", "/help/articles/%E0%A4%A", "/beta/deals/not-a-uuid", "/admin/organizations/../../etc/passwd", "/nope"]) {
      const as = path.startsWith("/portal") ? customer : path.startsWith("/help") ? null : admin;
      const res = await get(path, as);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      noStack(res.text);
    }
  });
});
