import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens, apiUsage, auditEvents, ticketMessages, tickets, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { now, testClock } from "~/lib/clock";
import { createApiToken, revokeApiToken } from "~/modules/api/tokens.server";
import { loader as listLoader, action as createAction } from "~/routes/api/tickets";
import { loader as ticketLoader, action as ticketAction } from "~/routes/api/ticket";
import { action as replyAction } from "~/routes/api/ticket-replies";
import { loader as slaLoader } from "~/routes/api/ticket-sla";
import { loader as betaDealsLoader } from "~/routes/api/beta-deals";
import { loader as kbSearchLoader } from "~/routes/api/kb-search";
import { loader as kbArticleLoader } from "~/routes/api/kb-article";
import { loader as meLoader } from "~/routes/api/me";
import { createKbArticle } from "../../db/seed/kb";
import { createOrganization } from "../support/factories";
import { call } from "../support/requests";
import { apiRequest, userWithToken } from "../support/api";

type Ticket = { number: number; version: number; status: string; priority: string; messages: { body: string; visibility: string; author: { staff: boolean } }[]; assignee: { id: string } | null };
type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: { path: string; message: string }[] };

let acmeId: string, globexId: string;
let alice: Awaited<ReturnType<typeof userWithToken>>;
let bob: Awaited<ReturnType<typeof userWithToken>>;
let carol: Awaited<ReturnType<typeof userWithToken>>;
let agent: Awaited<ReturnType<typeof userWithToken>>;
let admin: Awaited<ReturnType<typeof userWithToken>>;
let sales: Awaited<ReturnType<typeof userWithToken>>;

beforeAll(async () => {
  acmeId = (await createOrganization(db(), { name: "Acme", plan: "enterprise", shareTickets: true })).id;
  globexId = (await createOrganization(db(), { name: "Globex", plan: "standard" })).id;
  alice = await userWithToken("customer", { organizationId: acmeId, name: "Alice" });
  bob = await userWithToken("customer", { organizationId: acmeId, name: "Bob", scopes: ["tickets:read", "kb:read"] });
  carol = await userWithToken("customer", { organizationId: globexId, name: "Carol" });
  agent = await userWithToken("agent", { name: "Agent Sam" });
  admin = await userWithToken("admin");
  sales = await userWithToken("sales");
  await createKbArticle(db(), { slug: "api-public", title: "Exporting reports", body: "Export reports as CSV." });
  await createKbArticle(db(), { slug: "api-customers", title: "Enterprise export limits", body: "Export limits for enterprise.", visibility: "customers" });
  await createKbArticle(db(), { slug: "api-internal", title: "Export incident playbook", body: "Internal export runbook.", visibility: "internal" });
});

async function fileTicket(token: string, key: string = randomUUID(), body: Record<string, unknown> = {}) {
  return call(createAction, apiRequest("POST", "/api/v1/tickets", token, { headers: { "idempotency-key": key }, body: { subject: "Export fails", description: "CSV export fails with 500.", ...body } }));
}

function expectProblem(res: { status: number; headers: Headers; data: unknown }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.data)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const p = res.data as Problem;
  expect(p).toMatchObject({ status, code });
  expect(typeof p.title).toBe("string");
  expect(typeof p.detail).toBe("string");
  expect(p.type).toMatch(/^\/docs\/api#error-/);
  expect(JSON.stringify(p)).not.toMatch(/\bat .*\.ts:\d+|Error:/);
  return p;
}

describe("tickets through the API", () => {
  it("files a ticket once per Idempotency-Key (201, then 200 with the same ticket) on the api channel", async () => {
    const key = randomUUID();
    const first = await fileTicket(alice.token, key);
    expect(first.status, JSON.stringify(first.data)).toBe(201);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    const ticket = first.data as Ticket;
    expect(first.headers.get("location")).toBe(`/api/v1/tickets/${ticket.number}`);
    expect(first.headers.get("etag")).toBe(`"${ticket.version}"`);
    const again = await fileTicket(alice.token, key);
    expect(again.status).toBe(200);
    expect((again.data as Ticket).number).toBe(ticket.number);
    const rows = await db().select().from(tickets).where(eq(tickets.number, ticket.number));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.channel).toBe("api");
    // Another key files another ticket.
    expect(((await fileTicket(alice.token)).data as Ticket).number).not.toBe(ticket.number);
  });

  it("requires an Idempotency-Key, JSON, and known fields only", async () => {
    expectProblem(await call(createAction, apiRequest("POST", "/api/v1/tickets", alice.token, { body: { subject: "No key", description: "x" } })), 400, "idempotency_key_required");
    const unknown = expectProblem(await fileTicket(alice.token, randomUUID(), { colour: "red" }), 422, "validation_failed");
    expect(unknown.errors).toEqual([{ path: "body", message: "Unknown field: colour" }]);
    const short = expectProblem(await fileTicket(alice.token, randomUUID(), { subject: "x" }), 422, "validation_failed");
    expect(short.errors?.[0]?.path).toBe("body.subject");
    expectProblem(await call(createAction, apiRequest("POST", "/api/v1/tickets", alice.token, { headers: { "idempotency-key": randomUUID(), "content-type": "text/plain" }, rawBody: "hi" })), 415, "unsupported_media_type");
    expectProblem(await call(createAction, apiRequest("POST", "/api/v1/tickets", alice.token, { headers: { "idempotency-key": randomUUID(), "content-type": "application/json" }, rawBody: "{not json" })), 400, "invalid_json");
    // urgent is not part of the standard plan: a validation problem on the field.
    const urgent = expectProblem(await fileTicket(carol.token, randomUUID(), { priority: "urgent" }), 422, "validation_failed");
    expect(urgent.errors?.[0]?.path).toBe("body.priority");
  });

  it("lists with filters and cursor pagination, only what the owner may see", async () => {
    // A colleague of Alice's files 26 tickets (own token: its own rate-limit bucket).
    const dora = await userWithToken("customer", { organizationId: acmeId, name: "Dora" });
    for (let i = 0; i < 26; i++) await fileTicket(dora.token, randomUUID(), { subject: `Paged ticket ${i}` });
    const page1 = await call(listLoader, apiRequest("GET", "/api/v1/tickets?status=all", alice.token));
    expect(page1.status).toBe(200);
    const body1 = page1.data as { tickets: Ticket[]; nextCursor: string | null };
    expect(body1.tickets).toHaveLength(25);
    expect(body1.nextCursor).toBeTruthy();
    const page2 = await call(listLoader, apiRequest("GET", `/api/v1/tickets?status=all&cursor=${encodeURIComponent(body1.nextCursor!)}`, alice.token));
    const numbers2 = (page2.data as { tickets: Ticket[] }).tickets.map((t) => t.number);
    expect(numbers2.length).toBeGreaterThan(0);
    expect(numbers2.some((n) => body1.tickets.some((t) => t.number === n))).toBe(false);
    const search = await call(listLoader, apiRequest("GET", "/api/v1/tickets?status=all&q=Paged%20ticket%2017", alice.token));
    expect((search.data as { tickets: Ticket[] }).tickets.length).toBeGreaterThan(0);
    // Carol (Globex) sees none of Acme's tickets.
    const carolList = await call(listLoader, apiRequest("GET", "/api/v1/tickets?status=all", carol.token));
    expect((carolList.data as { tickets: Ticket[] }).tickets.every((t) => !body1.tickets.some((a) => a.number === t.number))).toBe(true);
    expectProblem(await call(listLoader, apiRequest("GET", "/api/v1/tickets?status=weird", alice.token)), 422, "validation_failed");
    expectProblem(await call(listLoader, apiRequest("GET", "/api/v1/tickets?limit=5", alice.token)), 422, "validation_failed");
  });

  it("refuses another organization's ticket with 404, like a missing one", async () => {
    const number = ((await fileTicket(alice.token)).data as Ticket).number;
    expectProblem(await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/${number}`, carol.token), { number: String(number) }), 404, "not_found");
    expectProblem(await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/999999`, carol.token), { number: "999999" }), 404, "not_found");
    expectProblem(await call(replyAction, apiRequest("POST", `/api/v1/tickets/${number}/replies`, carol.token, { body: { body: "Hi" } }), { number: String(number) }), 404, "not_found");
    expectProblem(await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${number}`, carol.token, { body: { status: "solved", version: 1 } }), { number: String(number) }), 404, "not_found");
    // A colleague in a sharing organization sees it.
    expect((await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/${number}`, bob.token), { number: String(number) })).status).toBe(200);
    expectProblem(await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/abc`, alice.token), { number: "abc" }), 422, "validation_failed");
  });

  it("shows internal notes to staff tokens only", async () => {
    const number = ((await fileTicket(alice.token)).data as Ticket).number;
    const note = await call(replyAction, apiRequest("POST", `/api/v1/tickets/${number}/replies`, admin.token, { body: { body: "Internal: check logs", visibility: "internal" } }), { number: String(number) });
    expect(note.status, JSON.stringify(note.data)).toBe(201);
    const reply = await call(replyAction, apiRequest("POST", `/api/v1/tickets/${number}/replies`, admin.token, { body: { body: "We are on it." } }), { number: String(number) });
    expect(reply.status).toBe(201);
    const staffView = (await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/${number}`, admin.token), { number: String(number) })).data as Ticket;
    expect(staffView.messages.map((m) => m.visibility)).toEqual(["public", "internal", "public"]);
    const customerView = (await call(ticketLoader, apiRequest("GET", `/api/v1/tickets/${number}`, alice.token), { number: String(number) })).data as Ticket;
    expect(customerView.messages.map((m) => m.body)).toEqual(["CSV export fails with 500.", "We are on it."]);
    expect(customerView.messages[1]!.author.staff).toBe(true);
    // Customers cannot write notes; their reply is public.
    expectProblem(await call(replyAction, apiRequest("POST", `/api/v1/tickets/${number}/replies`, alice.token, { body: { body: "secret", visibility: "internal" } }), { number: String(number) }), 403, "forbidden");
    const customerReply = await call(replyAction, apiRequest("POST", `/api/v1/tickets/${number}/replies`, alice.token, { body: { body: "Thanks!" } }), { number: String(number) });
    expect(customerReply.status).toBe(201);
    const stored = await db().select().from(ticketMessages).where(eq(ticketMessages.body, "Thanks!"));
    expect(stored[0]!.visibility).toBe("public");
  });

  it("updates with If-Match or version, 409 on a stale version, 428 without one; roles limit the fields", async () => {
    const created = (await fileTicket(alice.token)).data as Ticket;
    const n = String(created.number);
    expectProblem(await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, agent.token, { body: { priority: "high" } }), { number: n }), 428, "precondition_required");
    const ok = await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, agent.token, { body: { priority: "high", assigneeId: agent.user.id }, headers: { "if-match": `"${created.version}"` } }), { number: n });
    expect(ok.status, JSON.stringify(ok.data)).toBe(200);
    const updated = ok.data as Ticket;
    expect(updated).toMatchObject({ priority: "high", assignee: { id: agent.user.id } });
    expect(updated.version).toBeGreaterThan(created.version);
    expect(ok.headers.get("etag")).toBe(`"${updated.version}"`);
    // The stale version again: 409, nothing written.
    expectProblem(await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, agent.token, { body: { status: "pending", version: created.version } }), { number: n }), 409, "version_conflict");
    const [row] = await db().select().from(tickets).where(eq(tickets.number, created.number));
    expect(row!.status).not.toBe("pending");
    // Customers: status only (solved / reopen), never priority or assignee.
    expectProblem(await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, alice.token, { body: { priority: "low", version: updated.version } }), { number: n }), 403, "forbidden");
    const solved = await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, alice.token, { body: { status: "solved", version: updated.version } }), { number: n });
    expect(solved.status, JSON.stringify(solved.data)).toBe(200);
    expect((solved.data as Ticket).status).toBe("solved");
    // Assigning a customer is refused as a validation problem.
    const v = (solved.data as Ticket).version;
    const bad = expectProblem(await call(ticketAction, apiRequest("PATCH", `/api/v1/tickets/${n}`, agent.token, { body: { assigneeId: alice.user.id, version: v } }), { number: n }), 422, "validation_failed");
    expect(bad.errors?.[0]?.path).toBe("body.assigneeId");
  });
});

describe("SLA clocks through the API", () => {
  it("gives staff the clocks, customers only the promise, strangers 404", async () => {
    const number = String(((await fileTicket(alice.token)).data as Ticket).number);
    const staff = await call(slaLoader, apiRequest("GET", `/api/v1/tickets/${number}/sla`, admin.token), { number });
    expect(staff.status, JSON.stringify(staff.data)).toBe(200);
    const clocks = (staff.data as { clocks: { metrics: unknown[] } | null }).clocks;
    expect(clocks).not.toBeNull();
    const customer = await call(slaLoader, apiRequest("GET", `/api/v1/tickets/${number}/sla`, alice.token), { number });
    expect(customer.status).toBe(200);
    expect((customer.data as { clocks: unknown }).clocks).toBeNull();
    expect(JSON.stringify(customer.data)).not.toMatch(/dueAt|policyName/);
    expectProblem(await call(slaLoader, apiRequest("GET", `/api/v1/tickets/${number}/sla`, carol.token), { number }), 404, "not_found");
  });
});

describe("scopes and roles", () => {
  it("refuses operations outside the token's scopes with 403 insufficient_scope", async () => {
    const res = await fileTicket(bob.token);
    expectProblem(res, 403, "insufficient_scope");
    expect(res.headers.get("www-authenticate")).toContain('scope="tickets:write"');
    const kbOnly = await userWithToken("agent", { scopes: ["kb:read"] });
    expectProblem(await call(listLoader, apiRequest("GET", "/api/v1/tickets", kbOnly.token)), 403, "insufficient_scope");
    expect((await call(kbSearchLoader, apiRequest("GET", "/api/v1/kb/search?q=export", kbOnly.token))).status).toBe(200);
  });

  it("lets a role grant only the scopes it allows", async () => {
    await expect(createApiToken(alice.actor, { name: "x", scopes: ["admin"], lifetimeDays: 30 })).rejects.toThrow(/cannot grant admin/);
    await expect(createApiToken(sales.actor, { name: "x", scopes: ["tickets:read"], lifetimeDays: 30 })).rejects.toThrow(/cannot grant/);
    await expect(createApiToken(agent.actor, { name: "x", scopes: ["beta:read"], lifetimeDays: 30 })).rejects.toThrow(/cannot grant/);
    await expect(createApiToken(admin.actor, { name: "x", scopes: ["admin", "beta:write"], lifetimeDays: 30 })).resolves.toBeTruthy();
  });

  it("drops scopes the owner's role no longer allows", async () => {
    const demoted = await userWithToken("admin");
    await db().update(users).set({ role: "sales" }).where(eq(users.id, demoted.user.id));
    expectProblem(await call(listLoader, apiRequest("GET", "/api/v1/tickets", demoted.token)), 403, "insufficient_scope");
    const me = await call(meLoader, apiRequest("GET", "/api/v1/me", demoted.token));
    expect((me.data as { token: { scopes: string[] } }).token.scopes).toEqual(["kb:read", "beta:read", "beta:write"]);
  });

  it("lets sales read beta deals, and refuses other roles even with the scope", async () => {
    const res = await call(betaDealsLoader, apiRequest("GET", "/api/v1/beta/deals", sales.token));
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    expectProblem(await call(betaDealsLoader, apiRequest("GET", "/api/v1/beta/deals", alice.token)), 403, "insufficient_scope");
    // A token that kept beta:read after its owner became an agent loses it.
    const moved = await userWithToken("sales");
    await db().update(users).set({ role: "agent" }).where(eq(users.id, moved.user.id));
    expectProblem(await call(betaDealsLoader, apiRequest("GET", "/api/v1/beta/deals", moved.token)), 403, "insufficient_scope");
  });

  it("answers KB reads by the owner's role", async () => {
    const slugsFor = async (token: string) =>
      ((await call(kbSearchLoader, apiRequest("GET", "/api/v1/kb/search?q=export", token))).data as { hits: { slug: string }[] }).hits.map((h) => h.slug).sort();
    expect(await slugsFor(alice.token)).toEqual(["api-customers", "api-public"]);
    expect(await slugsFor(agent.token)).toEqual(["api-customers", "api-internal", "api-public"]);
    expect(await slugsFor(sales.token)).toEqual(["api-customers", "api-internal", "api-public"]);
    expectProblem(await call(kbArticleLoader, apiRequest("GET", "/api/v1/kb/articles/api-internal", alice.token), { slug: "api-internal" }), 404, "not_found");
    const article = await call(kbArticleLoader, apiRequest("GET", "/api/v1/kb/articles/api-internal", agent.token), { slug: "api-internal" });
    expect(article.status).toBe(200);
    expect(article.data).toMatchObject({ slug: "api-internal", visibility: "internal", body: "Internal export runbook." });
    expectProblem(await call(kbSearchLoader, apiRequest("GET", "/api/v1/kb/search", alice.token)), 422, "validation_failed");
  });
});

describe("bearer tokens", () => {
  it("refuses a missing, malformed or unknown token with 401", async () => {
    const missing = expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", null)), 401, "missing_token");
    expect(missing.detail).toMatch(/Bearer/);
    expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", "not-a-token")), 401, "invalid_token");
    expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", `pt_${"a".repeat(32)}`)), 401, "invalid_token");
    // A session cookie is not an API credential.
    expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", null, { headers: { cookie: "session=abc" } })), 401, "missing_token");
  });

  it("refuses a token in the query string with 400 token_in_query", async () => {
    expectProblem(await call(meLoader, apiRequest("GET", `/api/v1/me?access_token=${alice.token}`, null)), 400, "token_in_query");
    expectProblem(await call(listLoader, apiRequest("GET", `/api/v1/tickets?q=${alice.token}`, alice.token)), 400, "token_in_query");
  });

  it("refuses revoked and expired tokens", async () => {
    const owner = await userWithToken("customer", { organizationId: acmeId });
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", owner.token))).status).toBe(200);
    // Only the owner (or an admin) revokes.
    expect(await revokeApiToken(alice.actor, owner.tokenId)).toBe(false);
    expect(await revokeApiToken(owner.actor, owner.tokenId)).toBe(true);
    expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", owner.token)), 401, "token_revoked");
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, owner.tokenId));
    expect(audit).toBeTruthy();

    const expiring = await userWithToken("customer", { organizationId: acmeId });
    try {
      testClock.freeze(now().getTime() + 31 * 86_400_000);
      expectProblem(await call(meLoader, apiRequest("GET", "/api/v1/me", expiring.token)), 401, "token_expired");
    } finally {
      testClock.reset();
    }
  });

  it("stores only a hash, records last use at most once a minute, and counts usage per day", async () => {
    const owner = await userWithToken("customer", { organizationId: acmeId });
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, owner.tokenId));
    expect(row!.tokenHash).not.toContain(owner.token);
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(owner.token.startsWith(row!.prefix)).toBe(true);
    expect(row!.lastUsedAt).toBeNull();
    try {
      testClock.freeze(Date.parse("2026-11-24T10:00:00Z"));
      await call(meLoader, apiRequest("GET", "/api/v1/me", owner.token));
      const first = (await db().select().from(apiTokens).where(eq(apiTokens.id, owner.tokenId)))[0]!.lastUsedAt;
      expect(first?.toISOString()).toBe("2026-11-24T10:00:00.000Z");
      testClock.advance(30_000);
      await call(meLoader, apiRequest("GET", "/api/v1/me?x=1", owner.token)); // 422: an error
      expect((await db().select().from(apiTokens).where(eq(apiTokens.id, owner.tokenId)))[0]!.lastUsedAt?.toISOString()).toBe("2026-11-24T10:00:00.000Z");
      testClock.advance(31_000);
      await call(meLoader, apiRequest("GET", "/api/v1/me", owner.token));
      expect((await db().select().from(apiTokens).where(eq(apiTokens.id, owner.tokenId)))[0]!.lastUsedAt?.toISOString()).toBe("2026-11-24T10:01:01.000Z");
      const usage = await db().select().from(apiUsage).where(eq(apiUsage.tokenId, owner.tokenId));
      expect(usage).toEqual([expect.objectContaining({ day: "2026-11-24", requests: 3, errors: 1 })]);
    } finally {
      testClock.reset();
    }
  });
});
