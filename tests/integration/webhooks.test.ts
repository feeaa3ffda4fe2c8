import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, betaPrograms, tickets, webhookDeliveries, webhooks } from "../../db/schema";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { now, testClock } from "~/lib/clock";
import { createTicketAsCustomer, setStatusAsCustomer } from "~/modules/tickets/tickets.server";
import { autoCloseSolvedTickets } from "~/modules/tickets/auto-close.server";
import { AUTO_CLOSE_AFTER_MS } from "~/modules/tickets/model";
import { createDeal, moveDeal } from "~/modules/beta/deals.server";
import { submitFeedback } from "~/modules/beta/feedback.server";
import { createOrganization as newOrg } from "../support/factories";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import { dispatchWebhooks } from "~/modules/webhooks/deliver.server";
import { emitWebhookEvent } from "~/modules/webhooks/emit.server";
import { WEBHOOK_MAX_ATTEMPTS } from "~/modules/webhooks/events";
import { checkedLookup, safePost, TargetRefused } from "~/modules/webhooks/safe-fetch.server";
import { generateWebhookSecret, verifySignature } from "~/modules/webhooks/signing";
import { action as listAction, loader as listLoader } from "~/routes/admin/webhooks";
import { action as hookAction, loader as hookLoader } from "~/routes/admin/webhook";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

// A local receiver: records every request; answers from a queue of responses (default 200).
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let port: number;
let received: Received[] = [];
let responses: { status: number; headers?: Record<string, string>; body?: string }[] = [];

let admin: SignedIn;
let agent: SignedIn;
let customer: { id: string; role: "customer"; organizationId: string };
let agentActor: { id: string; role: "agent"; organizationId: null };
let n = 0;

type Failure = { ok: false; fieldErrors: Record<string, string>; formError?: string };
type Created = { ok: true; created: { id: string; secret: string; url: string } };
type Outcome = { ok: true; kind: "delivery"; outcome: { status: string; responseStatus: number | null; error: string | null } };

function allowPrivate(on: boolean) {
  if (on) process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = "true";
  else delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  resetEnvForTests();
}

async function createHook(events: string[], format = "standard", url = `http://127.0.0.1:${port}/hook`) {
  const res = await call(listAction, postForm("/admin/webhooks", { intent: "create", url, description: "Receiver", events, format, enabled: "on" }, admin));
  expect(res.status).toBe(200);
  return (res.data as Created).created;
}

async function newTicket(subject = "Export fails") {
  return createTicketAsCustomer(customer, { subject, description: "The CSV export stops at 1000 rows. secret-internal-word-absent", priority: "normal", category: null, idempotencyKey: `k-${++n}`, files: [] });
}

function verify(r: Received, secret: string): boolean {
  return verifySignature(r.headers["x-portal-signature"] as string, r.body, secret, { nowSeconds: Math.floor(now().getTime() / 1000) });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const next = responses.shift() ?? { status: 200, body: "ok" };
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  const org = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  admin = await signInAs(await createUser(db(), { email: "admin@staff.test", name: "Ada Admin", role: "admin" }));
  const agentUser = await createUser(db(), { email: "agent@staff.test", name: "Sam Agent", role: "agent" });
  agent = await signInAs(agentUser);
  agentActor = { id: agentUser.id, role: "agent", organizationId: null };
  const c = await createUser(db(), { email: "alice@acme.test", name: "Alice", organizationId: org.id });
  customer = { id: c.id, role: "customer", organizationId: org.id };
});

afterAll(async () => {
  allowPrivate(false);
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(async () => {
  allowPrivate(true);
  received = [];
  responses = [];
  testClock.reset();
  await db().delete(webhooks);
});

afterEach(() => {
  testClock.reset();
});

describe("outgoing webhooks", () => {
  it("delivers ticket.created from a real ticket creation, signed, with stable ids", async () => {
    const hook = await createHook(["ticket.created"]);
    expect(hook.secret).toMatch(/^whsec_/);
    const { number } = await newTicket();
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(row).toMatchObject({ eventType: "ticket.created", status: "pending", attempts: 0 });

    const result = await dispatchWebhooks(db());
    expect(result).toMatchObject({ claimed: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.path).toBe("/hook");
    expect(r.headers["x-portal-event"]).toBe("ticket.created");
    expect(r.headers["x-portal-delivery"]).toBe(row!.id);
    expect(r.headers["x-portal-event-id"]).toBe(row!.eventId);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(verify(r, hook.secret)).toBe(true);
    expect(verify(r, generateWebhookSecret())).toBe(false);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ id: row!.eventId, type: "ticket.created", data: { ticket: { number, subject: "Export fails", status: "new", organization: { name: "Acme" } } } });
    expect(r.body).not.toContain("secret-internal-word-absent"); // no message bodies in ticket.created

    const [done] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row!.id));
    expect(done).toMatchObject({ status: "delivered", attempts: 1, lastResponseStatus: 200, lastResponseBody: "ok", lastError: null });
    // Nothing more to send.
    expect((await dispatchWebhooks(db())).claimed).toBe(0);
    expect(received).toHaveLength(1);

    // The list shows the last delivery.
    const list = await call(listLoader, getRequest("/admin/webhooks", admin));
    expect((list.data as { webhooks: { id: string; lastDelivery: { status: string } | null }[] }).webhooks[0]).toMatchObject({ id: hook.id, lastDelivery: { status: "delivered" } });
  });

  it("writes nothing when no endpoint subscribes, and nothing when the change rolls back", async () => {
    await createHook(["feedback.created"]);
    await newTicket();
    expect(await db().select().from(webhookDeliveries)).toHaveLength(0);
    const hook = await createHook(["ticket.created"]);
    await expect(
      db().transaction(async (tx) => {
        await emitWebhookEvent(tx, "ticket.created", { ticket: { id: "x" } });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id))).toHaveLength(0);
  });

  it("retries after a 500 with backoff, then delivers exactly once", async () => {
    const hook = await createHook(["ticket.created"]);
    testClock.freeze(new Date("2026-03-02T09:00:00Z"));
    responses = [{ status: 500, body: "boom" }];
    await newTicket();
    expect(await dispatchWebhooks(db())).toMatchObject({ claimed: 1, retried: 1 });
    const [first] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(first).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 500, lastResponseBody: "boom", lastError: "The endpoint answered 500." });
    expect(first!.nextAttemptAt.getTime()).toBeGreaterThan(now().getTime() + 20_000);
    // Not due yet.
    expect((await dispatchWebhooks(db())).claimed).toBe(0);
    testClock.advance(60_000);
    expect(await dispatchWebhooks(db())).toMatchObject({ claimed: 1, delivered: 1 });
    expect(verify(received[1]!, hook.secret)).toBe(true);
    testClock.advance(24 * 60 * 60_000);
    expect((await dispatchWebhooks(db())).claimed).toBe(0);
    expect(received).toHaveLength(2);
    expect(received[0]!.headers["x-portal-delivery"]).toBe(received[1]!.headers["x-portal-delivery"]);
    expect(received[0]!.body).toBe(received[1]!.body);
    const [done] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(done).toMatchObject({ status: "delivered", attempts: 2, lastResponseStatus: 200 });
  });

  it("sends again a delivery whose process died mid-send (lease expired), with the same delivery id", async () => {
    const hook = await createHook(["ticket.created"]);
    testClock.freeze(new Date("2026-03-02T09:00:00Z"));
    await newTicket();
    // A process claimed it and crashed: the row carries a lease and one attempt, never finished.
    await db().update(webhookDeliveries).set({ attempts: 1, lockedUntil: new Date(now().getTime() + 60_000), nextAttemptAt: new Date(now().getTime() + 60_000) });
    expect((await dispatchWebhooks(db())).claimed).toBe(0);
    testClock.advance(61_000);
    expect(await dispatchWebhooks(db())).toMatchObject({ claimed: 1, delivered: 1 });
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    expect(received.map((r) => r.headers["x-portal-delivery"])).toEqual([row!.id]);
  });

  it("gives up after the last attempt, then an admin redelivers it", async () => {
    const hook = await createHook(["ticket.created"]);
    testClock.freeze(new Date("2026-03-02T09:00:00Z"));
    responses = Array.from({ length: WEBHOOK_MAX_ATTEMPTS }, () => ({ status: 503 }));
    await newTicket();
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
      await dispatchWebhooks(db());
      testClock.advance(3 * 60 * 60_000);
    }
    const [failed] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(failed).toMatchObject({ status: "failed", attempts: WEBHOOK_MAX_ATTEMPTS, lastResponseStatus: 503 });
    expect(received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect((await dispatchWebhooks(db())).claimed).toBe(0);

    const res = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "redeliver", deliveryId: failed!.id }, admin), { id: hook.id });
    expect(res.status).toBe(200);
    expect((res.data as Outcome).outcome).toMatchObject({ status: "delivered", responseStatus: 200 });
    expect(received.at(-1)!.headers["x-portal-delivery"]).toBe(failed!.id);
    // A delivered one cannot be redelivered.
    const again = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "redeliver", deliveryId: failed!.id }, admin), { id: hook.id });
    expect(again.status).toBe(409);
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "webhook.redelivered"), eq(auditEvents.targetId, hook.id)));
    expect(audits).toHaveLength(1);
  });

  it("does not follow redirects", async () => {
    const hook = await createHook(["ticket.created"]);
    responses = [{ status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } }];
    await newTicket();
    await dispatchWebhooks(db());
    expect(received.map((r) => r.path)).toEqual(["/hook"]);
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(row).toMatchObject({ status: "pending", lastResponseStatus: 302 });
    expect(row!.lastError).toMatch(/Redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere not followed/);
  });

  it("sends ticket.replied for public replies only, never for internal notes, and ticket.updated for field changes", async () => {
    const hook = await createHook(["ticket.replied", "ticket.updated"]);
    const { number } = await newTicket();
    const version = async () => (await db().query.tickets.findFirst({ where: (t, { eq: e }) => e(t.number, number) }))!.version;
    await updateTicketAsAgent(agentActor, number, { version: await version(), reply: { body: "INTERNAL-NOTE-TEXT do not share", visibility: "internal" } });
    let rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(rows).toHaveLength(0);

    await updateTicketAsAgent(agentActor, number, { version: await version(), reply: { body: "We are on it.", visibility: "public" }, priority: "high" });
    rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(rows.map((r) => r.eventType).sort()).toEqual(["ticket.replied", "ticket.updated"]);
    const replied = rows.find((r) => r.eventType === "ticket.replied")!.payload as { data: { message: { body: string; author: { name: string } } } };
    expect(replied.data.message).toMatchObject({ body: "We are on it.", author: { name: "Sam Agent" } });
    const updated = rows.find((r) => r.eventType === "ticket.updated")!.payload as { data: { changes: Record<string, unknown> } };
    expect(updated.data.changes).toEqual({ status: { from: "new", to: "open" }, priority: { from: "normal", to: "high" } });

    await dispatchWebhooks(db());
    expect(received).toHaveLength(2);
    for (const r of received) expect(r.body).not.toContain("INTERNAL-NOTE-TEXT");
  });

  it("sends the Slack format as {text}", async () => {
    const hook = await createHook(["ticket.created"], "slack");
    const { number } = await newTicket("Login <broken>");
    await dispatchWebhooks(db());
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: `New ticket <http://portal.test/desk/tickets/${number}|#${number} Login &lt;broken&gt;> from Acme (priority normal)` });
    expect(verify(received[0]!, hook.secret)).toBe(true);
  });

  it("rotates the secret: both sign during the grace period, then only the new one", async () => {
    const hook = await createHook(["ticket.created"]);
    const res = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "rotate" }, admin), { id: hook.id });
    const rotated = res.data as { ok: true; secret: string; previousValidUntil: string };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    await newTicket();
    await dispatchWebhooks(db());
    expect((received[0]!.headers["x-portal-signature"] as string).match(/v1=/g)).toHaveLength(2);
    expect(verify(received[0]!, hook.secret)).toBe(true);
    expect(verify(received[0]!, rotated.secret)).toBe(true);

    testClock.advance(24 * 60 * 60_000 + 1000);
    await newTicket("Second");
    await dispatchWebhooks(db());
    expect((received[1]!.headers["x-portal-signature"] as string).match(/v1=/g)).toHaveLength(1);
    expect(verify(received[1]!, rotated.secret)).toBe(true);
    expect(verify(received[1]!, hook.secret)).toBe(false);
    // The page never shows the secret again.
    const page = await call(hookLoader, getRequest(`/admin/webhooks/${hook.id}`, admin), { id: hook.id });
    expect(JSON.stringify(page.data)).not.toContain(rotated.secret);
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "webhook.secret_rotated"), eq(auditEvents.targetId, hook.id)));
    expect(audits).toHaveLength(1);
  });

  it("sends a test ping at once and shows it in the delivery log", async () => {
    const hook = await createHook(["ticket.created"]);
    const res = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "test" }, admin), { id: hook.id });
    expect((res.data as Outcome).outcome).toMatchObject({ status: "delivered", responseStatus: 200, error: null });
    expect(received).toHaveLength(1);
    expect(received[0]!.headers["x-portal-event"]).toBe("ping");
    expect(verify(received[0]!, hook.secret)).toBe(true);
    const page = await call(hookLoader, getRequest(`/admin/webhooks/${hook.id}`, admin), { id: hook.id });
    const data = page.data as { deliveries: { eventType: string; status: string; lastResponseStatus: number; attempts: number }[]; counts: { delivered: number } };
    expect(data.deliveries).toEqual([expect.objectContaining({ eventType: "ping", status: "delivered", lastResponseStatus: 200, attempts: 1 })]);
    expect(data.counts.delivered).toBe(1);
  });

  it("edits, validates and deletes an endpoint, auditing each change", async () => {
    const hook = await createHook(["ticket.created"]);
    const bad = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "save", url: "ftp://x", description: "", format: "standard" }, admin), { id: hook.id });
    expect(bad.status).toBe(400);
    expect((bad.data as Failure).fieldErrors.events).toBe("Choose at least one event.");
    const ok = await call(
      hookAction,
      postForm(`/admin/webhooks/${hook.id}`, { intent: "save", url: `http://127.0.0.1:${port}/v2`, description: "CRM", events: ["sla.breached", "deal.stage_changed"], format: "slack" }, admin),
      { id: hook.id },
    );
    expect(ok.status).toBe(302);
    const [row] = await db().select().from(webhooks).where(eq(webhooks.id, hook.id));
    expect(row).toMatchObject({ url: `http://127.0.0.1:${port}/v2`, description: "CRM", events: ["sla.breached", "deal.stage_changed"], format: "slack", enabled: false });
    const del = await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "delete" }, admin), { id: hook.id });
    expect(del.location).toBe("/admin/webhooks?done=deleted");
    expect(await db().select().from(webhooks).where(eq(webhooks.id, hook.id))).toHaveLength(0);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.targetId, hook.id))).map((a) => a.action).sort();
    expect(actions).toEqual(["webhook.created", "webhook.deleted", "webhook.updated"]);
  });

  it("is for admins only: agents get 403 on the pages and their actions", async () => {
    const hook = await createHook(["ticket.created"]);
    expect((await call(listLoader, getRequest("/admin/webhooks", agent))).status).toBe(403);
    expect((await call(hookLoader, getRequest(`/admin/webhooks/${hook.id}`, agent), { id: hook.id })).status).toBe(403);
    const create = await call(listAction, postForm("/admin/webhooks", { intent: "create", url: "https://example.com/x", events: "ticket.created", format: "standard" }, agent));
    expect(create.status).toBe(403);
    expect((await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "rotate" }, agent), { id: hook.id })).status).toBe(403);
    expect((await call(hookAction, postForm(`/admin/webhooks/${hook.id}`, { intent: "test" }, agent), { id: hook.id })).status).toBe(403);
    expect((await call(listLoader, getRequest("/admin/webhooks", null))).status).toBe(302);
    expect((await call(hookLoader, getRequest("/admin/webhooks/00000000-0000-4000-8000-000000000000", admin), { id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect(received).toHaveLength(0);
  });
});

describe("events from the other capabilities", () => {
  beforeEach(() => allowPrivate(true));

  it("emits deal.stage_changed, feedback.created, and ticket.updated when auto-close closes a ticket", async () => {
    const hook = await createHook(["deal.stage_changed", "feedback.created", "ticket.updated"]);
    await db().insert(betaPrograms).values({ name: "Beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true });
    const salesUser = await createUser(db(), { role: "sales", name: "Morgan Sales", email: "sales@staff.test" });
    const deal = await createDeal({ id: salesUser.id, name: "Morgan" }, { company: "Hooli", website: "hooli.example", source: "test", ownerId: salesUser.id });
    await moveDeal({ id: salesUser.id, name: "Morgan" }, deal.id, { to: "lost", lostReason: "No budget" });

    const betaOrg = await newOrg(db(), { name: "Globex", plan: "beta" });
    const carol = await createUser(db(), { email: "carol@globex.test", name: "Carol", organizationId: betaOrg.id });
    await submitFeedback({ id: carol.id, role: "customer", organizationId: betaOrg.id }, { kind: "feature_request", title: "Dark mode", body: "Please." });

    const { number } = await newTicket("Solve me");
    await setStatusAsCustomer(customer, number, "solved");
    testClock.advance(AUTO_CLOSE_AFTER_MS + 60_000);
    expect(await autoCloseSolvedTickets(db())).toBeGreaterThanOrEqual(1);
    const [closed] = await db().select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number));

    const rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    const byType = (t: string) => rows.filter((r) => r.eventType === t).map((r) => (r.payload as { data: Record<string, unknown> }).data);
    expect(byType("deal.stage_changed")).toEqual([expect.objectContaining({ deal: expect.objectContaining({ id: deal.id, company: "Hooli" }), from: "prospect", to: "lost", lostReason: "No budget" })]);
    expect(byType("feedback.created")).toEqual([expect.objectContaining({ feedback: expect.objectContaining({ title: "Dark mode", kind: "feature_request", organization: { id: betaOrg.id, name: "Globex" } }) })]);
    const updates = byType("ticket.updated").filter((d) => (d.ticket as { id: string }).id === closed!.id);
    expect(updates.map((d) => d.changes)).toEqual([{ status: { from: "new", to: "solved" } }, { status: { from: "solved", to: "closed" } }]);

    await dispatchWebhooks(db());
    expect(received.map((r) => r.headers["x-portal-event"]).sort()).toEqual(["deal.stage_changed", "feedback.created", "ticket.updated", "ticket.updated"]);
  });
});

describe("SSRF protection (private targets not allowed)", () => {
  beforeEach(() => allowPrivate(false));

  it.each([
    ["http://localhost:PORT/hook", /loopback/],
    ["http://127.0.0.1:PORT/hook", /loopback/],
    ["http://2130706433:PORT/", /loopback/],
    ["http://0x7f.1:PORT/", /loopback/],
    ["http://[::ffff:127.0.0.1]:PORT/", /loopback/],
    ["http://169.254.169.254/latest/meta-data/", /metadata/],
    ["http://10.1.2.3/hook", /private/],
    ["gopher://example.com/", /https/],
  ])("refuses %s when saving, saying why", async (template, message) => {
    const url = template.replace("PORT", String(port));
    const res = await call(listAction, postForm("/admin/webhooks", { intent: "create", url, events: ["ticket.created", "sla.breached"], format: "standard", enabled: "on" }, admin));
    expect(res.status).toBe(400);
    const failure = res.data as Failure & { values: Record<string, string> };
    expect(failure.fieldErrors.url).toMatch(message);
    expect(failure.values.url).toBe(url); // what was typed is kept
    expect(failure.values.events).toBe("ticket.created,sla.breached");
    expect(await db().select().from(webhooks)).toHaveLength(0);
  });

  it("refuses a host name that resolves to a loopback address, at save and at send", async () => {
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    const loopbackName = addresses.length > 0 && addresses.every((a) => a.address.startsWith("127.") || a.address === "::1");
    if (loopbackName) {
      const res = await call(listAction, postForm("/admin/webhooks", { intent: "create", url: `http://${name}:${port}/hook`, events: "ticket.created", format: "standard" }, admin));
      expect(res.status).toBe(400);
      expect((res.data as Failure).fieldErrors.url).toMatch(new RegExp(`${name} resolves to 127\\.`));
      await expect(safePost(`http://${name}:${port}/hook`, "{}", {})).rejects.toBeInstanceOf(TargetRefused);
    }
    // The connection's own lookup refuses it (so a DNS answer that changes after the save-time check cannot slip through).
    const refused = await new Promise<Error | null>((resolve) => checkedLookup(false)("localhost", { all: true }, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(TargetRefused);
    expect(refused!.message).toMatch(/localhost resolves to 127\.0\.0\.1, a loopback address/);

    // An endpoint saved while private targets were allowed is refused at send time once they are not.
    const [hook] = await db().insert(webhooks).values({ url: `http://localhost:${port}/hook`, events: ["ticket.created"], secret: generateWebhookSecret() }).returning();
    const test = await call(hookAction, postForm(`/admin/webhooks/${hook!.id}`, { intent: "test" }, admin), { id: hook!.id });
    expect((test.data as Outcome).outcome).toMatchObject({ status: "failed", responseStatus: null });
    expect((test.data as Outcome).outcome.error).toMatch(/Refused: localhost/);
    await db().update(webhooks).set({ url: `http://${loopbackName ? name : "localhost"}:${port}/hook` });
    await newTicket();
    await dispatchWebhooks(db());
    const rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "ticket.created"));
    expect(rows[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(rows[0]!.lastError).toMatch(/Refused/);
    expect(received).toHaveLength(0);
  });
});
