import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { loader as searchLoader } from "~/routes/help/search";
import { loader as queueLoader } from "~/routes/desk/queue";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createKbArticle } from "../../db/seed/kb";
import reactRouterConfig from "../../react-router.config";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";
import { fetchApp } from "../support/app-server";
import { resultsOf } from "../support/kb-results";

// With future.v8_passThroughRequests a loader's or action's `request` is the HTTP request itself:
// for a client-side navigation `/page.data?…&_routes=<route ids>` (and `?index` for an index
// route's action). Handlers read the page's address from their `url` argument (normalized: no
// `.data`, no `_routes`); these tests fail when one reads `request.url` instead.

let alice: SignedIn, agent: SignedIn;
let ticketNumber: number;

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  await createKbArticle(db(), { slug: "quasar-setup", title: "Set up the Quasar connector", body: "Connect Quasar to your account." });
  ({ number: ticketNumber } = await createTicketAsCustomer(alice.user, { subject: "Export stops", description: "The export stops", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] }));
});

/** Where a response sends the browser: Location, or a single-fetch 202's turbo-stream redirect. */
async function redirectOf(res: Response): Promise<string | null> {
  if (res.status >= 300 && res.status < 400) return res.headers.get("location");
  if (res.status === 202) return /"redirect","([^"]*)"/.exec(await res.text())?.[1] ?? null;
  return null;
}

it("is on in react-router.config.ts (and so in the in-process app of tests/support/app-server.ts)", () => {
  expect(reactRouterConfig.future?.v8_passThroughRequests).toBe(true);
});

describe("handlers called with a raw single-fetch request and the normalized url", () => {
  it("help search answers the same as for the document URL", async () => {
    const document = await call(searchLoader, getRequest("/help/search?q=quasar"));
    const raw = await call(searchLoader, getRequest("/help/search.data?q=quasar&_routes=routes%2Fhelp%2Fsearch"), {}, undefined, new URL("http://portal.test/help/search?q=quasar"));
    expect(raw.status).toBe(200);
    expect(resultsOf(raw.data).map((h) => h.href)).toEqual(["/help/articles/quasar-setup"]);
    expect(raw.data).toEqual(document.data);
  });

  it("the sign-in redirect names the page, not the .data URL or its _routes", async () => {
    const res = await call(queueLoader, getRequest("/desk/views/all-open.data?sort=updated&_routes=desk-view"), { view: "all-open" }, undefined, new URL("http://portal.test/desk/views/all-open?sort=updated"));
    expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent("/desk/views/all-open?sort=updated")}`);
  });
});

describe("through React Router's request handler (.data requests as the browser sends them)", () => {
  it("help search finds the same articles on a client navigation as in the document", async () => {
    const body = await (await fetchApp(getRequest("/help/search.data?q=quasar&_routes=routes%2Fhelp%2Fsearch"))).text();
    expect(body).toContain("/help/articles/quasar-setup");
    expect(body).not.toContain("_routes");
    expect((await fetchApp(getRequest("/help/search?q=quasar"))).status).toBe(200);
  });

  it("a signed-out client navigation to a desk page goes to /login?redirectTo=<the page>", async () => {
    const document = await fetchApp(getRequest("/desk"));
    expect(await redirectOf(document)).toBe("/login?redirectTo=%2Fdesk");
    expect(await redirectOf(await fetchApp(getRequest("/desk.data?_routes=desk-home")))).toBe("/login?redirectTo=%2Fdesk");
    expect(await redirectOf(await fetchApp(getRequest("/desk/views/all-open.data?sort=updated&_routes=desk-view")))).toBe(`/login?redirectTo=${encodeURIComponent("/desk/views/all-open?sort=updated")}`);
  });

  it("the desk's bulk action redirects back to the page (with its query), not to the .data URL", async () => {
    const res = await fetchApp(postForm("/desk/views/all-open.data?sort=updated", { intent: "bulk", numbers: String(ticketNumber), priority: "high" }, agent));
    expect(await redirectOf(res)).toBe("/desk/views/all-open?sort=updated&bulk=1-0");
  });

  it("the SLA report's CSV link points at the page, not the .data URL", async () => {
    const body = await (await fetchApp(getRequest("/desk/reports/sla.data?_routes=routes%2Fdesk%2Freports-sla", agent))).text();
    expect(body).toMatch(/"\/desk\/reports\/sla\?[^"]*format=csv"/);
    expect(body).not.toContain("sla.data");
  });
});
