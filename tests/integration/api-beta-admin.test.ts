/**
 * Beta deals (beta:write) and organizations/users (admin) through the running API with the
 * generated client: the pipeline's stage gates, versions and stage events apply exactly as on
 * the board; /admin's rules (unique domains, no self-demotion, the last admin) as on the admin
 * pages; cursor pagination.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { createPortalClient, type PortalClient } from "~/sdk/client";
import { agreements, auditEvents, betaDeals, betaPrograms, dealActivities, dealContacts, dealStageEvents, organizations, users } from "../../db/schema";
import { createOrganization, createUser } from "../support/factories";
import { startApiServer, type RunningServer } from "../support/api-server";
import { userWithToken } from "../support/api";

type Problem = { code: string; status: number; errors?: { path: string; message: string }[] };

let server: RunningServer;
let sales: PortalClient, agent: PortalClient, admin: PortalClient;
let salesUser: { id: string }, adminUser: { id: string };
let customerId = "";

beforeAll(async () => {
  server = await startApiServer();
  const s = await userWithToken("sales", { name: "Sally Sales" });
  const a = await userWithToken("admin", { name: "Ada Admin" });
  const g = await userWithToken("agent");
  salesUser = s.user;
  adminUser = a.user;
  sales = createPortalClient({ baseUrl: server.baseUrl, token: s.token });
  admin = createPortalClient({ baseUrl: server.baseUrl, token: a.token });
  agent = createPortalClient({ baseUrl: server.baseUrl, token: g.token });
  await db().insert(betaPrograms).values({ name: "API beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true });
  const org = await createOrganization(db(), { name: "Customer Org" });
  customerId = (await createUser(db(), { role: "customer", organizationId: org.id, name: "Cass Customer" })).id;
});

afterAll(async () => {
  await server?.close();
});

describe("beta deals", () => {
  it("creates a prospect with its first stage event and contact, owned by the token's owner by default", async () => {
    const { data, response } = await sales.POST("/beta/deals", { body: { company: "Initech", website: "initech.example", contact: { name: "Peter", email: "Peter@Initech.example" } } });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`/api/v1/beta/deals/${data!.id}`);
    expect(data).toMatchObject({ company: "Initech", stage: "prospect", owner: "Sally Sales", ownerId: salesUser.id, version: 1 });
    expect(data!.gates.find((g) => g.stage === "demo")!.items.every((i) => !i.met)).toBe(true);
    const events = await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, data!.id));
    expect(events).toMatchObject([{ fromStage: null, toStage: "prospect", actorId: salesUser.id }]);
    const contacts = await db().select().from(dealContacts).where(eq(dealContacts.dealId, data!.id));
    expect(contacts.map((c) => c.email)).toEqual(["peter@initech.example"]);
  });

  it("refuses an owner who is not sales or admin, and unknown fields", async () => {
    const owner = await sales.POST("/beta/deals", { body: { company: "Globex", ownerId: customerId } });
    expect(owner.response.status).toBe(422);
    expect((owner.error as Problem).errors![0]!.path).toBe("body.ownerId");
    const unknown = await sales.POST("/beta/deals", { body: { company: "Globex", stage: "onboarded" } as never });
    expect(unknown.response.status).toBe(422);
    expect((unknown.error as Problem).errors![0]!.message).toMatch(/Unknown field: stage/);
  });

  it("applies the stage gates: a refused move is 422 with the missing items and changes nothing", async () => {
    const { data: deal } = await sales.POST("/beta/deals", { body: { company: "Hooli" } });
    const id = deal!.id;
    const refused = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "demo", version: deal!.version } });
    expect(refused.response.status).toBe(422);
    const problem = refused.error as Problem;
    expect(problem.code).toBe("stage_gate_refused");
    expect(problem.errors).toEqual([
      { path: "body.to", message: "Demo date set" },
      { path: "body.to", message: "Demo attendees named" },
    ]);
    const lost = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "lost", version: deal!.version } });
    expect((lost.error as Problem).errors).toEqual([{ path: "body.to", message: "Reason for losing the deal" }]);
    expect(await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, id))).toHaveLength(1);

    // Meet the gate (If-Match), then the move goes through and is recorded.
    const updated = await sales.PATCH("/beta/deals/{id}", {
      params: { path: { id }, header: { "If-Match": `"${deal!.version}"` } },
      body: { demoAt: "2026-03-02T10:00:00Z", demoAttendees: "Gavin, Jared", nextStep: "Run the demo", nextStepDueAt: "2026-03-02T17:00:00Z" },
    });
    expect(updated.response.status, JSON.stringify(updated.error)).toBe(200);
    expect(updated.response.headers.get("etag")).toBe(`"${deal!.version + 1}"`);
    expect(updated.data).toMatchObject({ demoAttendees: "Gavin, Jared", nextStep: "Run the demo", demoAt: "2026-03-02T10:00:00.000Z" });
    const edits = await db().select().from(dealActivities).where(and(eq(dealActivities.dealId, id), eq(dealActivities.kind, "edit")));
    expect(edits.map((e) => (e.data as { field: string }).field).sort()).toEqual(["demoAt", "demoAttendees", "nextStep", "nextStepDueAt"]);

    const moved = await sales.POST("/beta/deals/{id}/move", { params: { path: { id }, header: { "If-Match": `"${updated.data!.version}"` } }, body: { to: "demo" } });
    expect(moved.response.status, JSON.stringify(moved.error)).toBe(200);
    expect(moved.data).toMatchObject({ moved: true, onboarding: null, deal: { stage: "demo", version: updated.data!.version + 1 } });
    const events = await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, id)).orderBy(asc(dealStageEvents.id));
    expect(events.map((e) => [e.fromStage, e.toStage, e.actorId])).toEqual([
      [null, "prospect", salesUser.id],
      ["prospect", "demo", salesUser.id],
    ]);

    // The same move again changes nothing.
    const again = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "demo", version: moved.data!.deal.version } });
    expect(again.data).toMatchObject({ moved: false, deal: { version: moved.data!.deal.version } });

    const toLost = await admin.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "lost", lostReason: "No budget", lostNote: "Next year", version: moved.data!.deal.version } });
    expect(toLost.data!.deal).toMatchObject({ stage: "lost", lostReason: "No budget" });
  });

  it("onboards through a move to onboarded once the agreement is signed, as the board does", async () => {
    const { data: deal } = await sales.POST("/beta/deals", { body: { company: "Vandelay", website: "vandelay.example", contact: { name: "Art", email: "art@vandelay.example" } } });
    const id = deal!.id;
    const refused = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "onboarded", version: deal!.version } });
    expect((refused.error as Problem).errors).toEqual([{ path: "body.to", message: "Agreement signed (signed date)" }]);
    await db().insert(agreements).values({ dealId: id, status: "signed", terms: "Beta terms", signedOn: "2026-03-01" });
    const moved = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "onboarded", version: deal!.version } });
    expect(moved.response.status, JSON.stringify(moved.error)).toBe(200);
    expect(moved.data!.onboarding).toMatchObject({ organizationCreated: true, invited: ["art@vandelay.example"] });
    expect(moved.data!.deal).toMatchObject({ stage: "onboarded", organization: "Vandelay", organizationId: moved.data!.onboarding!.organizationId });
    const [org] = await db().select().from(organizations).where(eq(organizations.id, moved.data!.onboarding!.organizationId));
    expect(org!.plan).toBe("beta");
  });

  it("refuses a stale version (409) and a missing one (428)", async () => {
    const { data: deal } = await sales.POST("/beta/deals", { body: { company: "Pied Piper" } });
    const id = deal!.id;
    await sales.PATCH("/beta/deals/{id}", { params: { path: { id } }, body: { notes: "First", version: deal!.version } });
    const stale = await sales.PATCH("/beta/deals/{id}", { params: { path: { id } }, body: { notes: "Second", version: deal!.version } });
    expect(stale.response.status).toBe(409);
    expect((stale.error as Problem).code).toBe("version_conflict");
    const staleMove = await sales.POST("/beta/deals/{id}/move", { params: { path: { id } }, body: { to: "lost", lostReason: "Other", version: deal!.version } });
    expect(staleMove.response.status).toBe(409);
    const none = await sales.PATCH("/beta/deals/{id}", { params: { path: { id } }, body: { notes: "No version" } });
    expect(none.response.status).toBe(428);
    expect((none.error as Problem).code).toBe("precondition_required");
    const [row] = await db().select().from(betaDeals).where(eq(betaDeals.id, id));
    expect(row!.notes).toBe("First");
  });

  it("is for sales and admins only", async () => {
    const res = await agent.GET("/beta/deals");
    expect(res.response.status).toBe(403);
    const write = await agent.POST("/beta/deals", { body: { company: "Nope" } });
    expect(write.response.status).toBe(403);
  });
});

describe("organizations", () => {
  it("creates and updates with /admin's rules and audit rows; a taken domain is a field error", async () => {
    const created = await admin.POST("/organizations", { body: { name: "Umbrella", domain: "Umbrella.Example" } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ name: "Umbrella", domain: "umbrella.example", plan: "standard", shareTickets: false, memberCount: 0 });
    const taken = await admin.POST("/organizations", { body: { name: "Umbrella 2", domain: "umbrella.example" } });
    expect(taken.response.status).toBe(422);
    expect((taken.error as Problem).errors).toEqual([{ path: "body.domain", message: "Another organization already uses this domain." }]);
    const id = created.data!.id;
    const updated = await admin.PATCH("/organizations/{id}", { params: { path: { id } }, body: { plan: "beta", shareTickets: true } });
    expect(updated.data).toMatchObject({ name: "Umbrella", domain: "umbrella.example", plan: "beta", shareTickets: true });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.targetId, id)).orderBy(asc(auditEvents.id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["organization.created", adminUser.id],
      ["organization.updated", adminUser.id],
    ]);
    const missing = await admin.PATCH("/organizations/{id}", { params: { path: { id: randomUUID() } }, body: { plan: "beta" } });
    expect(missing.response.status).toBe(404);
  });

  it("pages by name with a cursor, without gaps or repeats", async () => {
    await db()
      .insert(organizations)
      .values(Array.from({ length: 60 }, (_, i) => ({ name: `Paged ${String(i).padStart(2, "0")}`, plan: "standard" as const })));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data } = await admin.GET("/organizations", { params: { query: cursor ? { cursor } : {} } });
      expect(data!.organizations.length).toBeLessThanOrEqual(50);
      seen.push(...data!.organizations.map((o) => o.name));
      cursor = data!.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(2);
    const all = await db().select({ name: organizations.name }).from(organizations).orderBy(asc(organizations.name), asc(organizations.id));
    expect(seen).toEqual(all.map((o) => o.name));
  });
});

describe("users", () => {
  it("changes a staff member's role and disables them, with audit rows; lists by filter", async () => {
    const target = await createUser(db(), { role: "agent", name: "Zed Agent" });
    const role = await admin.PATCH("/users/{id}", { params: { path: { id: target.id } }, body: { role: "sales" } });
    expect(role.data).toMatchObject({ role: "sales", status: "active" });
    const disabled = await admin.PATCH("/users/{id}", { params: { path: { id: target.id } }, body: { disabled: true } });
    expect(disabled.data!.status).toBe("disabled");
    const again = await admin.PATCH("/users/{id}", { params: { path: { id: target.id } }, body: { disabled: true } });
    expect(again.response.status).toBe(200);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.targetId, target.id)).orderBy(asc(auditEvents.id));
    expect(audit.map((a) => a.action)).toEqual(["user.role_changed", "user.disabled"]);
    const list = await admin.GET("/users", { params: { query: { status: "disabled", q: "zed" } } });
    expect(list.data!.users.map((u) => u.id)).toEqual([target.id]);
    const enabled = await admin.PATCH("/users/{id}", { params: { path: { id: target.id } }, body: { disabled: false } });
    expect(enabled.data!.status).toBe("active");
  });

  it("refuses self-demotion, self-disabling, a staff role for a customer and an empty change", async () => {
    for (const body of [{ role: "agent" as const }, { disabled: true }]) {
      const res = await admin.PATCH("/users/{id}", { params: { path: { id: adminUser.id } }, body });
      expect(res.response.status).toBe(422);
      expect((res.error as Problem).code).toBe("change_refused");
    }
    const customer = await admin.PATCH("/users/{id}", { params: { path: { id: customerId } }, body: { role: "agent" } });
    expect((customer.error as Problem).code).toBe("change_refused");
    const empty = await admin.PATCH("/users/{id}", { params: { path: { id: customerId } }, body: {} });
    expect(empty.response.status).toBe(422);
    expect((empty.error as Problem).code).toBe("validation_failed");
    const [me] = await db().select().from(users).where(eq(users.id, adminUser.id));
    expect(me!.role).toBe("admin");
  });

  it("keeps the last active administrator (409 last_admin)", async () => {
    // Only one other active admin remains when the caller's own account is not active (invited).
    const { token, user } = await userWithToken("admin", { name: "Invited Admin" });
    await db().update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
    const others = await db().select({ id: users.id }).from(users).where(and(eq(users.role, "admin")));
    const keep = others.find((o) => o.id === adminUser.id)!;
    for (const o of others) if (o.id !== keep.id && o.id !== user.id) await db().update(users).set({ role: "agent" }).where(eq(users.id, o.id));
    const invited = createPortalClient({ baseUrl: server.baseUrl, token });
    const res = await invited.PATCH("/users/{id}", { params: { path: { id: keep.id } }, body: { role: "agent" } });
    expect(res.response.status).toBe(409);
    expect((res.error as Problem).code).toBe("last_admin");
  });
});
