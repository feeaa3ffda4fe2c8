import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  businessCalendars,
  emailOutbox,
  escalationFirings,
  escalationRules,
  jobs,
  notifications,
  slaEvents,
  slaPolicies,
  slaTimers,
  ticketEvents,
  tickets,
} from "../../db/schema";
import { createDatabase, type DatabaseHandle } from "../../db/client";
import { db, rowsOf } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { testClock } from "~/lib/clock";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import { deliverWebhook } from "~/modules/sla/jobs.server";
import { createJobRunner } from "~/modules/jobs/runner.server";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import type { Actor } from "~/modules/auth/permissions";
import { createOrganization, createUser } from "../support/factories";
import { testDatabase } from "../support/integration-setup";

let alice: Actor, agent: Actor, admin: Actor, calendarId: string;
const T0 = new Date("2026-03-02T09:00:00Z");
const MIN = 60_000;

async function newTicket() {
  const { number } = await createTicketAsCustomer(alice, { subject: "Export fails", description: "Help", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
  const [t] = await db().select().from(tickets).where(eq(tickets.number, number));
  return t!;
}

async function counts() {
  const n = async (table: typeof slaEvents | typeof ticketEvents | typeof escalationFirings | typeof notifications | typeof emailOutbox | typeof jobs) =>
    Number((await db().select({ n: count() }).from(table))[0]!.n);
  const timers = rowsOf<{ h: string }>(await db().execute(sql`select md5(string_agg(ticket_id::text || metric || coalesce(warn_at::text,'') || coalesce(due_at::text,''), ',' order by ticket_id, metric)) as h from sla_timers`))[0]!.h;
  return {
    slaEvents: await n(slaEvents),
    ticketEvents: await n(ticketEvents),
    firings: await n(escalationFirings),
    notifications: await n(notifications),
    emails: await n(emailOutbox),
    jobs: await n(jobs),
    timers,
  };
}

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = (await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" })) as Actor;
  agent = (await createUser(db(), { role: "agent", name: "Sam" })) as Actor;
  admin = (await createUser(db(), { role: "admin", name: "Ada" })) as Actor;
  const cal = twentyFourSeven("UTC");
  const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: cal.timeZone, hours: cal.hours, holidays: [] }).returning();
  calendarId = c!.id;
  await db()
    .insert(slaPolicies)
    .values({ name: "All", position: 0, calendarId, targets: { normal: { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240 }, high: { firstResponseMinutes: 30 } } });
});

beforeEach(async () => {
  testClock.reset();
  await db().delete(tickets);
  await db().delete(escalationRules);
  await db().delete(emailOutbox);
  await db().delete(jobs);
});

afterAll(() => {
  delete process.env.ALLOW_PRIVATE_WEBHOOKS;
  resetEnvForTests();
});

describe("SLA sweep", () => {
  it("writes one warning and one breach per metric and cycle, and nothing when nothing is new", async () => {
    testClock.freeze(T0);
    const t = await newTicket();
    expect((await runSlaSweep(db(), new Date(T0.getTime() + 47 * MIN))).warnings).toBe(0);
    const before = await counts();
    await runSlaSweep(db(), new Date(T0.getTime() + 47 * MIN));
    expect(await counts()).toEqual(before); // nothing new, nothing written

    let r = await runSlaSweep(db(), new Date(T0.getTime() + 48 * MIN)); // 80 % of 60 min
    expect(r).toMatchObject({ warnings: 1, breaches: 0 });
    r = await runSlaSweep(db(), new Date(T0.getTime() + 61 * MIN));
    expect(r).toMatchObject({ warnings: 0, breaches: 1 });
    r = await runSlaSweep(db(), new Date(T0.getTime() + 62 * MIN));
    expect(r).toMatchObject({ warnings: 0, breaches: 0 });

    // First response, then a customer message opens next-response cycle 1 …
    testClock.freeze(T0.getTime() + 70 * MIN);
    await updateTicketAsAgent(agent, t.number, { version: t.version, reply: { body: "On it", visibility: "public" } });
    testClock.freeze(T0.getTime() + 80 * MIN);
    const { replyAsCustomer } = await import("~/modules/tickets/tickets.server");
    await replyAsCustomer(alice, t.number, { body: "Still broken", files: [] });
    r = await runSlaSweep(db(), new Date(T0.getTime() + 111 * MIN)); // 31 min later: warning + breach of cycle 1
    expect(r).toMatchObject({ warnings: 1, breaches: 1 });
    // … a pause and resume re-arms the due time but never fires the same cycle twice.
    testClock.freeze(T0.getTime() + 112 * MIN);
    let [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    await updateTicketAsAgent(agent, t.number, { version: row!.version, status: "on_hold" });
    testClock.freeze(T0.getTime() + 113 * MIN);
    [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    await updateTicketAsAgent(agent, t.number, { version: row!.version, status: "open" });
    r = await runSlaSweep(db(), new Date(T0.getTime() + 200 * MIN));
    expect(r).toMatchObject({ warnings: 1, breaches: 0 }); // resolution: 80 % of 240 min (1 min on hold)
    r = await runSlaSweep(db(), new Date(T0.getTime() + 242 * MIN));
    expect(r).toMatchObject({ warnings: 0, breaches: 1 });
    const events = await db().select().from(slaEvents).where(eq(slaEvents.ticketId, t.id));
    const keys = events.map((e) => `${e.metric}:${e.kind}:${e.cycle}`).sort();
    expect(keys).toEqual(
      ["firstResponse:breach:1", "firstResponse:warning:1", "nextResponse:breach:1", "nextResponse:warning:1", "resolution:breach:1", "resolution:warning:1"].sort(),
    );
    const timeline = await db().select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), sql`${ticketEvents.type} like 'sla_%'`));
    expect(timeline).toHaveLength(events.length);
  });

  it("runs a matching escalation rule once and delivers its webhook once to a local receiver", async () => {
    const received: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      testClock.freeze(T0);
      const t = await newTicket();
      await db().insert(escalationRules).values({
        name: "First response breached",
        metric: "firstResponse",
        trigger: "breach",
        conditions: { plans: ["enterprise"] },
        actions: { notifyAdmins: true, notifyUserIds: [agent.id], webhookUrl: `http://127.0.0.1:${port}/hook`, raisePriority: true, setEscalationLevel: 2, reassignUserId: agent.id },
      });
      await db().insert(escalationRules).values({ name: "Other plan", metric: "any", trigger: "breach", conditions: { plans: ["beta"] }, actions: { notifyAdmins: true } });

      // Refused while private targets are not allowed: nothing is sent, nothing retried.
      await deliverWebhook({ url: `http://127.0.0.1:${port}/hook`, text: "x" });
      expect(received).toHaveLength(0);

      const at = new Date(T0.getTime() + 61 * MIN);
      const first = await runSlaSweep(db(), at);
      expect(first.escalations).toBe(1);
      const second = await runSlaSweep(db(), new Date(at.getTime() + 5 * MIN));
      expect(second.escalations).toBe(0);
      const [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
      expect(row!.priority).toBe("high");
      expect(row!.escalationLevel).toBe(2);
      expect(row!.assigneeId).toBe(agent.id);
      // high has a 30-minute first-response target: the recompute after raising it moved the due time.
      expect(row!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T09:30:00.000Z");
      const notes = await db().select().from(notifications).where(eq(notifications.ticketId, t.id));
      expect(notes.map((n) => n.userId).sort()).toEqual([admin.id, agent.id].sort());
      const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "sla_escalation"));
      expect(mails).toHaveLength(2);
      expect(mails[0]!.subject).toMatch(/First response SLA breached/);

      process.env.ALLOW_PRIVATE_WEBHOOKS = "true";
      resetEnvForTests();
      const runner = createJobRunner({ db, outbox: false, tasks: [], handlers: { "sla.webhook": deliverWebhook }, pollMs: 50 });
      runner.start();
      await runner.tick();
      await runner.tick();
      await runner.stop();
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!)).toEqual({ text: expect.stringMatching(/^First response SLA breached on #\d+ Export fails/) });
      const timeline = await db().select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.type, "escalation")));
      expect(timeline).toHaveLength(1);
    } finally {
      server.close();
      delete process.env.ALLOW_PRIVATE_WEBHOOKS;
      resetEnvForTests();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)("SLA sweep on Postgres with three concurrent sweepers", () => {
  let handles: DatabaseHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it("escalates each breach exactly once", async () => {
    testClock.freeze(T0);
    const created = [];
    for (let i = 0; i < 40; i++) created.push(await newTicket());
    await db().insert(escalationRules).values({ name: "Breach", metric: "any", trigger: "breach", conditions: {}, actions: { notifyAdmins: true, setEscalationLevel: 1 } });
    handles = await Promise.all([1, 2, 3].map(() => createDatabase({ url: testDatabase().url!, max: 3 })));
    const at = new Date(T0.getTime() + 300 * MIN); // first response and resolution breached for all 40
    const results = await Promise.all(handles.map((h) => runSlaSweep(h.db, at)));
    const again = await Promise.all(handles.map((h) => runSlaSweep(h.db, at)));
    expect(results.reduce((s, r) => s + r.breaches, 0)).toBe(80);
    expect(again.reduce((s, r) => s + r.breaches + r.warnings + r.escalations, 0)).toBe(0);
    expect(results.reduce((s, r) => s + r.escalations, 0)).toBe(80);
    const [{ n }] = (await db().select({ n: count() }).from(escalationFirings)) as [{ n: number }];
    expect(Number(n)).toBe(80);
    const mails = await db().select({ n: count() }).from(emailOutbox).where(eq(emailOutbox.template, "sla_escalation"));
    expect(Number(mails[0]!.n)).toBe(80); // one admin, 80 escalations
    const dup = rowsOf(await db().execute(sql`select ticket_id, metric, kind, cycle from sla_events group by 1,2,3,4 having count(*) > 1`));
    expect(dup).toEqual([]);
    const timers = await db().select().from(slaTimers).where(sql`${slaTimers.dueAt} is not null and ${slaTimers.dueAt} < ${at.toISOString()}::timestamptz`);
    expect(timers).toEqual([]);
  });
});
