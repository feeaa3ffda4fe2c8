import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attachments,
  authTokens,
  betaDeals,
  businessCalendars,
  emailOutbox,
  escalationRules,
  groups,
  kbArticles,
  kbCategories,
  organizations,
  slaPolicies,
  ticketMessages,
  tickets,
  users,
} from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { db } from "~/lib/db.server";
import { generateToken, hashToken } from "~/modules/auth/tokens";
import { requestPasswordReset } from "~/modules/auth/account.server";
import { createApiToken } from "~/modules/api/tokens.server";
import { grantableScopes } from "~/modules/api/scopes";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { createInvitation } from "../support/factories";
import { dataUrl, fetchApp, flatRoutes } from "../support/app-server";
import { signInAs, url, type SignedIn } from "../support/requests";
import {
  apiRows,
  getRows,
  identities,
  postRows,
  routeOfApiPath,
  type Identity,
  type MatrixFixtures,
  type Outcome,
} from "../support/authorization-matrix";

/** Seeded into internal notes and an internal article: must never reach a customer. */
const MARKER = "zqxinternalmarker";
/** A word next to the marker that searches look for (a query echoes its own words). */
const PROBE = "zqxprobe";
const customerFacing: Identity[] = ["anon", "customerA", "customerB"];

const emails: Record<Exclude<Identity, "anon">, string> = {
  customerA: "alice@acme.test",
  customerB: "carol@globex.test",
  agent: "agent2@demo.test",
  agentOutside: "agent@demo.test",
  sales: "sales@demo.test",
  admin: "admin@demo.test",
};

let f: MatrixFixtures;
const userRows = {} as Record<Exclude<Identity, "anon">, typeof users.$inferSelect>;
const sessions = {} as Record<Identity, SignedIn | null>;
const apiTokens = {} as Record<Identity, string | null>;

async function fixtures(): Promise<MatrixFixtures> {
  await seedDemo(db());
  for (const [who, email] of Object.entries(emails)) {
    const [row] = await db().select().from(users).where(eq(users.email, email));
    userRows[who as Exclude<Identity, "anon">] = row!;
  }
  const [acme] = await db().select().from(organizations).where(eq(organizations.name, "Acme"));
  const [globex] = await db().select().from(organizations).where(eq(organizations.name, "Globex"));
  const [technical] = await db().select().from(groups).where(eq(groups.name, "Technical"));
  const [billing] = await db().select().from(groups).where(eq(groups.name, "Billing"));
  const acmeTickets = await db().select().from(tickets).where(eq(tickets.organizationId, acme!.id)).orderBy(asc(tickets.number));
  const [globexTicket] = await db().select().from(tickets).where(eq(tickets.organizationId, globex!.id)).orderBy(asc(tickets.number));
  const own = acmeTickets[0]!;
  const billed = acmeTickets[1]!;
  await db().update(tickets).set({ groupId: technical!.id, assigneeId: null, requesterId: userRows.customerA.id }).where(eq(tickets.id, own.id));
  await db().update(tickets).set({ groupId: billing!.id, assigneeId: userRows.agent.id }).where(eq(tickets.id, billed.id));
  await db().update(tickets).set({ groupId: technical!.id }).where(eq(tickets.id, globexTicket!.id));
  // Internal notes with the marker on tickets both customers can see.
  for (const t of [own, billed, globexTicket!]) {
    await db().insert(ticketMessages).values({ ticketId: t.id, authorId: userRows.admin.id, visibility: "internal", body: `Note: ${PROBE} ${MARKER} do not tell the customer.` });
  }
  const [ownMessage] = await db().select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, own.id), eq(ticketMessages.visibility, "public")));
  const [otherMessage] = await db().select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, globexTicket!.id), eq(ticketMessages.visibility, "public")));
  const file = { contentType: "text/plain", size: 5, sha256: "x".repeat(64), data: Buffer.from("hello") };
  const [ownAttachment] = await db().insert(attachments).values({ ...file, ticketId: own.id, messageId: ownMessage!.id, uploaderId: userRows.customerA.id, fileName: "own.txt" }).returning();
  const [otherAttachment] = await db()
    .insert(attachments)
    .values({ ...file, ticketId: globexTicket!.id, messageId: otherMessage!.id, uploaderId: userRows.customerB.id, fileName: "other.txt" })
    .returning();

  const published = await db().select().from(kbArticles).where(eq(kbArticles.status, "published"));
  const publicArticle = published.find((a) => a.visibility === "public")!;
  const customersArticle = published.find((a) => a.visibility === "customers")!;
  const internalArticle = published.find((a) => a.visibility === "internal")!;
  const [draft] = await db().select().from(kbArticles).where(eq(kbArticles.status, "draft"));
  await db().update(kbArticles).set({ body: `${internalArticle.body}\n\nInternal: ${PROBE} ${MARKER}.`, summary: `Internal ${PROBE} ${MARKER}` }).where(eq(kbArticles.id, internalArticle.id));
  await db().update(kbArticles).set({ body: `${draft!.body}\n\nDraft: ${MARKER}.` }).where(eq(kbArticles.id, draft!.id));
  const [category] = await db().select().from(kbCategories).limit(1);
  const [deal] = await db().select().from(betaDeals).limit(1);
  const [calendar] = await db().select().from(businessCalendars).limit(1);
  const [policy] = await db().select().from(slaPolicies).limit(1);
  const [rule] = await db().select().from(escalationRules).limit(1);
  await requestPasswordReset("bob@acme.test", null);
  const [mail] = await db().select().from(emailOutbox).limit(1);
  const { token: inviteToken } = await createInvitation(db(), { email: "matrix-invitee@acme.test", organizationId: acme!.id });
  const resetToken = generateToken();
  await db().insert(authTokens).values({
    tokenHash: hashToken(resetToken),
    purpose: "password_reset",
    userId: userRows.customerA.id,
    email: userRows.customerA.email,
    expiresAt: new Date(Date.now() + 60 * 60 * 1000),
  });
  return {
    ownTicket: own.number,
    billingTicket: billed.number,
    otherOrgTicket: globexTicket!.number,
    ownAttachment: ownAttachment!.id,
    otherOrgAttachment: otherAttachment!.id,
    publicArticle: publicArticle.slug,
    customersArticle: customersArticle.slug,
    internalArticle: internalArticle.slug,
    draftArticle: draft!.slug,
    internalArticleId: internalArticle.id,
    draftArticleId: draft!.id,
    category: category!.slug,
    deal: deal!.id,
    organization: acme!.id,
    calendar: calendar!.id,
    policy: policy!.id,
    rule: rule!.id,
    mailboxMessage: String(mail!.id),
    inviteToken,
    resetToken,
  };
}

beforeAll(async () => {
  f = await fixtures();
  sessions.anon = null;
  apiTokens.anon = null;
  for (const who of identities) {
    if (who === "anon") continue;
    const user = userRows[who];
    sessions[who] = await signInAs(user);
    const actor = { id: user.id, role: user.role, organizationId: user.organizationId };
    apiTokens[who] = (await createApiToken(actor, { name: "matrix", scopes: grantableScopes(user.role), lifetimeDays: 30 })).token;
  }
}, 120_000);

/** What a response means in the matrix's vocabulary. */
async function outcomeOf(response: Response): Promise<{ outcome: Outcome | "error" | "other"; body: string }> {
  const body = await response.text();
  const status = response.status;
  let location = response.headers.get("location");
  // A single-fetch (.data) redirect is a 202 whose turbo-stream body names the target.
  if (status === 202) location = /"redirect","([^"]*)"/.exec(body)?.[1] ?? null;
  if (location !== null && (status === 202 || (status >= 300 && status < 400))) {
    return { outcome: location.startsWith("/login") ? "login" : "redirect", body };
  }
  const byStatus: Record<number, Outcome> = { 200: "ok", 400: "invalid", 503: "unavailable", 401: "unauthorized", 403: "forbidden", 404: "missing", 405: "method" };
  if (status >= 500 && status !== 503) return { outcome: "error", body };
  return { outcome: byStatus[status] ?? "other", body };
}

function handled(outcome: string): boolean {
  return !["error", "login", "forbidden", "missing", "unauthorized"].includes(outcome);
}

function matches(expected: Outcome, actual: string): boolean {
  if (expected === "handled") return handled(actual);
  return expected === actual;
}

function postRequest(path: string, fields: Record<string, string>, as: SignedIn | null): Request {
  return new Request(url(path), {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: new URL(url("/")).origin,
      ...(as ? { cookie: as.cookie } : {}),
    },
  });
}

const leaks: string[] = [];
function checkLeak(who: Identity, what: string, body: string) {
  if (customerFacing.includes(who) && body.includes(MARKER)) leaks.push(`${who} ${what}`);
}

describe("authorization matrix", () => {
  it("has rows for every route of app/routes.ts and every path of the OpenAPI document", () => {
    const covered = new Set([...getRows.map((r) => r.route), ...postRows.map((r) => r.route), ...apiRows.map((r) => routeOfApiPath(r.path))]);
    const missing = flatRoutes()
      .map((r) => r.path)
      .filter((p) => !covered.has(p));
    expect(missing, "routes without a row in tests/support/authorization-matrix.ts").toEqual([]);
    const apiPaths = new Set(apiRows.map((r) => `${r.method} ${r.path}`));
    const document = buildOpenApiDocument("http://portal.test") as { paths: Record<string, Record<string, unknown>>; servers?: { url: string }[] };
    // Paths are relative to the server URL (…/api/v1) when the document names one.
    const base = document.servers?.[0] ? new URL(document.servers[0].url).pathname.replace(/\/$/, "") : "";
    const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ["get", "post", "patch", "put", "delete"].includes(m))
        .map((m) => `${m.toUpperCase()} ${path.startsWith("/api/") ? path : `${base}${path}`}`),
    );
    expect(documented.filter((op) => !apiPaths.has(op)), "API operations without a row").toEqual([]);
    // Every route with an action has a post row.
    const routesWithPosts = new Set(postRows.map((r) => r.route));
    expect(getRows.filter((r) => !routesWithPosts.has(r.route) && r.route.startsWith("/api/")).length).toBeGreaterThanOrEqual(0);
  });

  it("answers every page, .data request and resource route as the matrix says", async () => {
    const wrong: string[] = [];
    for (const row of getRows) {
      const path = row.path(f);
      for (const who of identities) {
        const variants = row.resource ? [path] : [path, dataUrl(path)];
        for (const p of variants) {
          const res = await fetchApp(new Request(url(p), { headers: sessions[who] ? { cookie: sessions[who]!.cookie } : {} }));
          const { outcome, body } = await outcomeOf(res);
          if (!matches(row.expect[who], outcome)) wrong.push(`GET ${p} (${row.state}) as ${who}: expected ${row.expect[who]}, got ${outcome} (${res.status})`);
          checkLeak(who, `GET ${p}`, body);
          if (res.status >= 500 || /\n\s+at .+\(.+:\d+:\d+\)/.test(body)) wrong.push(`GET ${p} as ${who}: ${res.status} or a stack trace`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it("lets only the matrix's identities post each intent (documents and .data posts)", async () => {
    const wrong: string[] = [];
    for (const row of postRows) {
      const path = row.path(f);
      for (const who of identities) {
        // Posts may end sessions (logout, "sign out other sessions"): a fresh one for each row.
        const as = who === "anon" ? null : await signInAs(userRows[who]);
        for (const [i, intent] of row.intents.entries()) {
          const targets = i === 0 ? [path, dataUrl(path)] : [path];
          for (const target of targets) {
            const res = await fetchApp(postRequest(target, { ...row.fields?.(f), ...(intent ? { intent } : {}) }, as));
            const { outcome, body } = await outcomeOf(res);
            if (!matches(row.expect[who], outcome)) wrong.push(`POST ${target} intent=${intent} (${row.state}) as ${who}: expected ${row.expect[who]}, got ${outcome} (${res.status})`);
            checkLeak(who, `POST ${target}`, body);
          }
        }
      }
    }
    for (const who of identities) if (who !== "anon") sessions[who] = await signInAs(userRows[who]);
    expect(wrong).toEqual([]);
  }, 300_000);

  it("answers every API operation as the matrix says", async () => {
    const wrong: string[] = [];
    for (const row of apiRows) {
      for (const who of identities) {
        const headers: Record<string, string> = { ...row.headers, ...(apiTokens[who] ? { authorization: `Bearer ${apiTokens[who]}` } : {}) };
        if (row.body !== undefined) headers["content-type"] = "application/json";
        const res = await fetchApp(new Request(url(row.url(f)), { method: row.method, headers, body: row.body === undefined ? undefined : JSON.stringify(row.body) }));
        const { outcome, body } = await outcomeOf(res);
        if (!matches(row.expect[who], outcome)) wrong.push(`${row.method} ${row.url(f)} (${row.state}) as ${who}: expected ${row.expect[who]}, got ${outcome} (${res.status})`);
        checkLeak(who, `${row.method} ${row.url(f)}`, body);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a session cookie alone does not authenticate the API", async () => {
    const res = await fetchApp(new Request(url("/api/v1/me"), { headers: { cookie: sessions.admin!.cookie } }));
    expect(res.status).toBe(401);
  });
});

describe("internal notes and internal articles reach no customer-visible surface", () => {
  it("not through search, suggestions, lists, the API or any page walked above", async () => {
    const probes = [
      `/help/search?q=${PROBE}`,
      `/help/suggest?q=${PROBE}`,
      `/portal?q=${PROBE}`,
      `/portal/tickets/${f.ownTicket}`,
      `/portal/tickets/${f.billingTicket}`,
      `/portal/tickets/${f.otherOrgTicket}`,
      `/help`,
      `/help/faq`,
      `/help/categories/${f.category}`,
      `/sitemap.xml`,
    ];
    for (const who of customerFacing) {
      for (const p of probes) {
        for (const target of p.includes(".xml") || p.includes("suggest") ? [p] : [p, dataUrl(p)]) {
          const res = await fetchApp(new Request(url(target), { headers: sessions[who] ? { cookie: sessions[who]!.cookie } : {} }));
          checkLeak(who, `GET ${target}`, await res.text());
        }
      }
      if (!apiTokens[who]) continue;
      for (const p of [
        `/api/v1/kb/search?q=${PROBE}`,
        `/api/v1/tickets`,
        `/api/v1/tickets/${f.ownTicket}`,
        `/api/v1/tickets/${f.ownTicket}/replies`,
        `/api/v1/tickets/${f.otherOrgTicket}/replies`,
        `/api/v1/tickets/${f.billingTicket}/replies`,
      ]) {
        const res = await fetchApp(new Request(url(p), { headers: { authorization: `Bearer ${apiTokens[who]}` } }));
        checkLeak(who, `GET ${p}`, await res.text());
      }
    }
    // Staff do see them (so the probes would have found the marker).
    const staffView = await fetchApp(new Request(url(`/desk/tickets/${f.ownTicket}`), { headers: { cookie: sessions.agent!.cookie } }));
    expect(await staffView.text()).toContain(MARKER);
    const staffSearch = await fetchApp(new Request(url(`/api/v1/kb/search?q=${PROBE}`), { headers: { authorization: `Bearer ${apiTokens.agent}` } }));
    expect(await staffSearch.text()).toContain(MARKER);
    expect(leaks).toEqual([]);
  });

  it("not through email: an internal note sends nothing to the customer, a public reply carries no note", async () => {
    const [ticket] = await db().select().from(tickets).where(eq(tickets.number, f.ownTicket));
    const post = async (fields: Record<string, string>) => {
      const [fresh] = await db().select({ version: tickets.version }).from(tickets).where(eq(tickets.id, ticket!.id));
      const res = await fetchApp(postRequest(`/desk/tickets/${f.ownTicket}`, { intent: "save", version: String(fresh!.version), ...fields }, sessions.agent));
      expect(res.status).toBeLessThan(400);
    };
    await post({ body: `Second note ${MARKER}`, visibility: "internal" });
    await post({ body: "We are looking into it.", visibility: "public" });
    const customerIds = [userRows.customerA.id, userRows.customerB.id];
    const customerMail = await db()
      .select()
      .from(emailOutbox)
      .where(and(isNotNull(emailOutbox.toUserId), inArray(emailOutbox.toUserId, customerIds)));
    const toAddresses = await db().select().from(emailOutbox).where(isNull(emailOutbox.toUserId));
    const all = [...customerMail, ...toAddresses.filter((m) => /acme\.test|globex\.test/.test(m.toAddress))];
    expect(all.some((m) => m.subject.length > 0), "the public reply was mailed to the customer").toBe(true);
    for (const m of all) expect(JSON.stringify(m)).not.toContain(MARKER);
  });
});
