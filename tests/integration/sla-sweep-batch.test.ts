// The SLA sweep in bulk: hundreds of warnings and breaches at once fire exactly once each, with
// their escalations (notifications, outbox mails, webhook and Slack jobs, ticket changes, timeline,
// webhook deliveries), in a number of SQL statements that does not grow with the batch — a sweep
// that went back to per-ticket round trips fails the statement bound here.
import { and, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import postgres from "postgres";
import * as schema from "../../db/schema";
import {
  businessCalendars,
  emailOutbox,
  escalationFirings,
  escalationRules,
  groupMembers,
  groups,
  jobs,
  notifications,
  slaEvents,
  slaPolicies,
  slaTimers,
  ticketEvents,
  tickets,
  webhookDeliveries,
  webhooks,
} from "../../db/schema";
import { createDatabase, type Database, type DatabaseHandle } from "../../db/client";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import { createOrganization, createUser } from "../support/factories";
import { testDatabase } from "../support/integration-setup";

const T = new Date("2026-03-02T12:00:00Z");
const HOUR = 3600_000;
const N = 300;

type User = Awaited<ReturnType<typeof createUser>>;
let customer: User, agents: User[], admin: User, orgId: string, betaOrgId: string, groupId: string, otherGroupId: string, policyId: string;

/** A Drizzle handle on the test database that counts the statements it sends (BEGIN/COMMIT aside). */
async function countingDatabase(): Promise<{ db: Database; statements: () => number; reset: () => void; close: () => Promise<void> }> {
  const counter = { n: 0 };
  const logger = { logQuery: () => void counter.n++ };
  const t = testDatabase();
  let database: Database;
  let close = async () => {};
  if (t.pglite) {
    const { drizzle } = await import("drizzle-orm/pglite");
    database = drizzle(t.pglite, { schema, casing: "snake_case", logger }) as unknown as Database;
  } else {
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(t.url!, { max: 2, onnotice: () => {} });
    database = drizzle(client, { schema, casing: "snake_case", logger }) as unknown as Database;
    close = () => client.end({ timeout: 5 });
  }
  return { db: database, statements: () => counter.n, reset: () => void (counter.n = 0), close };
}

/** `n` open tickets whose first response was due an hour ago (warning two hours ago), cycle 1. */
async function dueTickets(n: number, options: { organizationId?: string; priority?: "low" | "normal" | "high" | "urgent" } = {}) {
  const rows = await db()
    .insert(tickets)
    .values(
      Array.from({ length: n }, (_, i) => ({
        organizationId: options.organizationId ?? orgId,
        requesterId: customer.id,
        assigneeId: agents[i % agents.length]!.id,
        groupId,
        subject: `Batch ${i}`,
        status: "open" as const,
        priority: options.priority ?? ("normal" as const),
        slaPolicyId: policyId,
        createdAt: new Date(T.getTime() - 5 * HOUR),
      })),
    )
    .returning();
  await db()
    .insert(slaTimers)
    .values(
      rows.map((t) => ({
        ticketId: t.id,
        metric: "firstResponse",
        cycle: 1,
        policyId,
        targetMinutes: 240,
        warnAt: new Date(T.getTime() - 2 * HOUR),
        dueAt: new Date(T.getTime() - HOUR),
        state: "breached",
      })),
    );
  return rows;
}

/** Rows of a table (optionally matching `where`). */
async function countWhere(table: PgTable, where?: SQL) {
  return Number((await db().select({ n: count() }).from(table as typeof slaEvents).where(where))[0]!.n);
}
const n = countWhere;

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  const globex = await createOrganization(db(), { name: "Globex", plan: "beta" });
  orgId = acme.id;
  betaOrgId = globex.id;
  customer = await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice", password: null });
  agents = [];
  for (const name of ["Sam", "Kim", "Lee"]) agents.push(await createUser(db(), { role: "agent", name, password: null }));
  admin = await createUser(db(), { role: "admin", name: "Ada", password: null });
  await createUser(db(), { role: "admin", name: "Gone", password: null, disabledAt: new Date() });
  const [g] = await db().insert(groups).values({ name: "Tier 1" }).returning();
  const [g2] = await db().insert(groups).values({ name: "Tier 2" }).returning();
  groupId = g!.id;
  otherGroupId = g2!.id;
  // Sam and Kim are in Tier 1; Lee in Tier 2; a customer in a group is never notified.
  await db()
    .insert(groupMembers)
    .values([
      { groupId, userId: agents[0]!.id },
      { groupId, userId: agents[1]!.id },
      { groupId: otherGroupId, userId: agents[2]!.id },
    ]);
  const cal = twentyFourSeven("UTC");
  const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: cal.timeZone, hours: cal.hours, holidays: [] }).returning();
  const [p] = await db()
    .insert(slaPolicies)
    .values({ name: "All", position: 0, calendarId: c!.id, targets: { normal: { firstResponseMinutes: 240, nextResponseMinutes: 60, resolutionMinutes: 2400 }, high: { firstResponseMinutes: 60 } } })
    .returning();
  policyId = p!.id;
});

beforeEach(async () => {
  testClock.reset();
  await db().delete(tickets);
  await db().delete(escalationRules);
  await db().delete(emailOutbox);
  await db().delete(jobs);
  await db().delete(webhooks);
  await db().delete(notifications);
});

describe("SLA sweep in bulk", () => {
  it(`fires ${N} simultaneous warnings and breaches once each, with every escalation action, in a bounded number of statements`, async () => {
    const batch = await dueTickets(N);
    const reassignTo = agents[2]!; // Lee
    await db()
      .insert(escalationRules)
      .values([
        {
          name: "Breach: everyone",
          metric: "any",
          trigger: "breach",
          conditions: { plans: ["enterprise"] },
          actions: { notifyAssignee: true, notifyGroup: true, webhookUrl: "https://hooks.example.test/sla", slackChannelId: "C0ESCALATE", setEscalationLevel: 2, reassignUserId: reassignTo.id },
        },
        { name: "Warning: admins", metric: "firstResponse", trigger: "warning", conditions: { priorities: ["normal"] }, actions: { notifyAdmins: true } },
        { name: "Beta only", metric: "any", trigger: "breach", conditions: { plans: ["beta"] }, actions: { notifyAdmins: true, setEscalationLevel: 3 } },
      ]);
    await db()
      .insert(webhooks)
      .values({ url: "https://crm.example.test/hook", events: ["sla.breached", "sla.warning", "ticket.updated"], secret: "s".repeat(32) });

    const counting = await countingDatabase();
    try {
      counting.reset();
      const result = await runSlaSweep(counting.db, T);
      const statements = counting.statements();
      expect(result).toMatchObject({ warnings: N, breaches: N, escalations: 2 * N, batches: 1 });
      // Per batch: the probe, two claims, rules, tickets, existing firings, group members, admins,
      // firings, recipients, notifications (2 × 500 rows), mails (2 × 500), jobs, tickets update,
      // timeline, webhook subscribers, 3 for the tickets' data, deliveries (3 × 500), dispatch job.
      // A loop over tickets would need ≥ N statements.
      expect(statements).toBeLessThanOrEqual(40);

      // Nothing new: the probe only, nothing written.
      counting.reset();
      expect(await runSlaSweep(counting.db, new Date(T.getTime() + 60_000))).toMatchObject({ warnings: 0, breaches: 0, escalations: 0, batches: 0 });
      expect(counting.statements()).toBe(1);
    } finally {
      await counting.close();
    }

    const ids = batch.map((t) => t.id);
    expect(await n(slaEvents, sql`kind = 'breach'`)).toBe(N);
    expect(await n(slaEvents, sql`kind = 'warning'`)).toBe(N);
    expect(await countWhere(ticketEvents, sql`type = 'sla_breach'`)).toBe(N);
    expect(await countWhere(ticketEvents, sql`type = 'sla_warning'`)).toBe(N);
    expect(await n(escalationFirings)).toBe(2 * N);
    expect(await countWhere(ticketEvents, sql`type = 'escalation'`)).toBe(2 * N);

    // Breach: the assignee (before the reassignment) and Tier 1 (Sam, Kim): 2 people when the
    // assignee is Sam or Kim, 3 when it is Lee. Warning: the one active admin.
    const leeTickets = batch.filter((t) => t.assigneeId === reassignTo.id).length;
    const breachNotes = 2 * N + leeTickets;
    expect(await n(notifications, sql`text like '%SLA breached%'`)).toBe(breachNotes);
    expect(await n(notifications, sql`text like '%SLA at risk%'`)).toBe(N);
    expect(await n(notifications, sql`user_id = ${admin.id}`)).toBe(N);
    expect(await countWhere(emailOutbox, sql`template = 'sla_escalation'`)).toBe(breachNotes + N);
    const [mail] = await db().select().from(emailOutbox).where(eq(emailOutbox.toUserId, admin.id)).limit(1);
    expect(mail!.subject).toMatch(/First response SLA at risk/);

    expect(await countWhere(jobs, sql`type = 'sla.webhook'`)).toBe(N);
    expect(await countWhere(jobs, sql`type = 'slack.notify'`)).toBe(N);
    const [slack] = await db().select().from(jobs).where(eq(jobs.type, "slack.notify")).limit(1);
    expect(slack!.payload).toMatchObject({ channelId: "C0ESCALATE", text: expect.stringMatching(/^:rotating_light: First response SLA breached on #\d+ Batch \d+/) });
    expect(slack!.uniqueKey).toMatch(/^slack-notify:escalation:\d+$/);

    // Every ticket at level 2, assigned to Lee; the version moved once where something changed.
    const after = await db().select().from(tickets);
    expect(after.every((t) => t.escalationLevel === 2 && t.assigneeId === reassignTo.id)).toBe(true);
    expect(after.every((t) => t.version === 2)).toBe(true);
    expect(await countWhere(ticketEvents, sql`type = 'assignment'`)).toBe(N - leeTickets);

    // Webhook deliveries: one per fired event, plus ticket.updated for each reassignment.
    expect(await countWhere(webhookDeliveries, sql`event_type = 'sla.breached'`)).toBe(N);
    expect(await countWhere(webhookDeliveries, sql`event_type = 'sla.warning'`)).toBe(N);
    expect(await countWhere(webhookDeliveries, sql`event_type = 'ticket.updated'`)).toBe(N - leeTickets);
    const [delivery] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "sla.breached")).limit(1);
    const payload = delivery!.payload as { data: { ticket: { id: string; assignee: { name: string } | null; organization: { name: string } }; metric: string; cycle: number } };
    expect(ids).toContain(payload.data.ticket.id);
    expect(payload.data).toMatchObject({ metric: "firstResponse", cycle: 1, ticket: { assignee: { name: "Lee" }, organization: { name: "Acme" } } });
    const [update] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "ticket.updated")).limit(1);
    expect((update!.payload as { data: { changes: unknown } }).data.changes).toEqual({ assignee: { from: expect.any(String), to: reassignTo.id } });
  });

  it("evaluates a batch in order, as a per-event loop would: a warning's reassignment is seen by the breach rule, levels only rise, a firing that exists is not repeated", async () => {
    const [t1, t2] = await dueTickets(2);
    const [beta] = await dueTickets(1, { organizationId: betaOrgId, priority: "high" });
    const rules = await db()
      .insert(escalationRules)
      .values([
        { name: "Warning: to Tier 2", metric: "firstResponse", trigger: "warning", conditions: {}, actions: { reassignGroupId: otherGroupId, setEscalationLevel: 2 } },
        { name: "Breach in Tier 2", metric: "any", trigger: "breach", conditions: { groupIds: [otherGroupId] }, actions: { notifyGroup: true, setEscalationLevel: 1 } },
      ])
      .returning();
    // This breach escalation already happened for t2 (say, before its rule was edited): not again.
    await db().insert(escalationFirings).values({ ruleId: rules[1]!.id, ticketId: t2!.id, metric: "firstResponse", cycle: 1, at: new Date(T.getTime() - HOUR) });

    const r = await runSlaSweep(db(), T);
    expect(r).toMatchObject({ warnings: 3, breaches: 3, escalations: 5 });
    const rows = new Map((await db().select().from(tickets)).map((t) => [t.id, t]));
    for (const t of [t1!, t2!, beta!]) {
      expect(rows.get(t.id)!.groupId).toBe(otherGroupId);
      expect(rows.get(t.id)!.escalationLevel).toBe(2); // the breach rule's level 1 does not lower it
    }
    // Tier 2 (Lee) notified for t1 and the beta ticket, not for t2.
    const notes = await db().select().from(notifications);
    expect(notes.map((x) => x.ticketId).sort()).toEqual([t1!.id, beta!.id].sort());
    expect(notes.every((x) => x.userId === agents[2]!.id)).toBe(true);
    const timeline = await db()
      .select({ ticketId: ticketEvents.ticketId, type: ticketEvents.type, data: ticketEvents.data })
      .from(ticketEvents)
      .where(sql`${ticketEvents.type} in ('group', 'escalation')`)
      .orderBy(ticketEvents.id);
    expect(timeline.filter((e) => e.ticketId === t1!.id).map((e) => [e.type, (e.data as { actions?: string[] }).actions ?? null])).toEqual([
      ["group", null],
      ["escalation", ["level 2", "group"]],
      ["escalation", ["notified 1"]],
    ]);
    expect(timeline.filter((e) => e.ticketId === t2!.id).map((e) => e.type)).toEqual(["group", "escalation"]);
  });

  it("raises priority in bulk and recomputes the SLA of the tickets it changed, in one go", async () => {
    const batch = await dueTickets(50);
    await db().insert(escalationRules).values({ name: "Raise", metric: "firstResponse", trigger: "breach", conditions: {}, actions: { raisePriority: true, reassignGroupId: otherGroupId } });
    testClock.freeze(T);
    const counting = await countingDatabase();
    try {
      counting.reset();
      expect((await runSlaSweep(counting.db, T)).escalations).toBe(50);
      // The sweep's ~20 statements plus ~10 for recomputing all 50 tickets (not ~8 per ticket).
      expect(counting.statements()).toBeLessThanOrEqual(40);
    } finally {
      await counting.close();
    }
    const after = await db().select().from(tickets).where(inArray(tickets.id, batch.map((t) => t.id)));
    // high has a 60-minute first-response target: due an hour after creation.
    for (const t of after) {
      expect(t.priority).toBe("high");
      expect(t.firstResponseDueAt?.toISOString()).toBe(new Date(T.getTime() - 4 * HOUR).toISOString());
    }
    expect(after.every((t) => t.groupId === otherGroupId)).toBe(true);
    expect(await countWhere(ticketEvents, sql`type = 'priority'`)).toBe(50);
    expect(await countWhere(ticketEvents, sql`type = 'group'`)).toBe(50);
    // The recompute does not re-arm what already fired for the cycle.
    const [timer] = await db().select().from(slaTimers).where(and(eq(slaTimers.ticketId, batch[0]!.id), eq(slaTimers.metric, "firstResponse")));
    expect(timer!.dueAt).toBeNull();
    expect((await runSlaSweep(db(), new Date(T.getTime() + 60_000))).escalations).toBe(0);
  });
});

describe("SLA recompute in bulk", () => {
  /** Everything a recompute writes, in a stable order. */
  async function caches(ids: string[]) {
    const t = await db()
      .select({ id: tickets.id, policy: tickets.slaPolicyId, fr: tickets.firstResponseDueAt, nr: tickets.nextResponseDueAt, res: tickets.resolutionDueAt })
      .from(tickets)
      .where(inArray(tickets.id, ids))
      .orderBy(tickets.id);
    const timers = await db().select().from(slaTimers).where(inArray(slaTimers.ticketId, ids)).orderBy(slaTimers.ticketId, slaTimers.metric);
    const cycles = await db()
      .select({ ticketId: schema.slaCycleResults.ticketId, cycle: schema.slaCycleResults.cycle, target: schema.slaCycleResults.targetMinutes, elapsed: schema.slaCycleResults.elapsedMinutes, at: schema.slaCycleResults.achievedAt })
      .from(schema.slaCycleResults)
      .where(inArray(schema.slaCycleResults.ticketId, ids))
      .orderBy(schema.slaCycleResults.ticketId, schema.slaCycleResults.cycle);
    return { t, timers, cycles };
  }

  it("writes exactly what recomputing each ticket alone writes, with a fixed number of statements", async () => {
    const { createTicketAsCustomer, replyAsCustomer } = await import("~/modules/tickets/tickets.server");
    const { updateTicketAsAgent } = await import("~/modules/tickets/desk.server");
    const { recomputeTicketSla, recomputeTicketsSla } = await import("~/modules/sla/apply.server");
    const betaCustomer = await createUser(db(), { role: "customer", organizationId: betaOrgId, name: "Carol", password: null });
    const [berlin] = await db()
      .insert(businessCalendars)
      .values({ name: "Berlin", timeZone: "Europe/Berlin", hours: { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }] }, holidays: [] })
      .returning();
    const [betaPolicy] = await db()
      .insert(slaPolicies)
      .values({ name: "Beta", position: -1, plans: ["beta"], calendarId: berlin!.id, targets: { normal: { firstResponseMinutes: 120, nextResponseMinutes: 60, resolutionMinutes: 960 } } })
      .returning();
    try {
      const agent = agents[0]! as unknown as Parameters<typeof updateTicketAsAgent>[0];
      const open = async (who: User, subject: string) => {
        const { number } = await createTicketAsCustomer(who as never, { subject, description: "Help", priority: "normal", category: null, idempotencyKey: crypto.randomUUID(), files: [] });
        return (await db().select().from(tickets).where(eq(tickets.number, number)))[0]!;
      };
      const version = async (id: string) => (await db().select({ v: tickets.version }).from(tickets).where(eq(tickets.id, id)))[0]!.v;
      testClock.freeze(T);
      const exchanged = await open(customer, "Two exchanges");
      const paused = await open(customer, "On hold");
      const beta = await open(betaCustomer, "Business hours");
      const solved = await open(customer, "Solved");
      const merged = await open(customer, "Merged away");
      testClock.freeze(T.getTime() + 20 * 60_000);
      await updateTicketAsAgent(agent, exchanged.number, { version: await version(exchanged.id), reply: { body: "On it", visibility: "public" } });
      await updateTicketAsAgent(agent, paused.number, { version: await version(paused.id), status: "on_hold" });
      await updateTicketAsAgent(agent, solved.number, { version: await version(solved.id), reply: { body: "Fixed", visibility: "public" }, status: "solved" });
      testClock.freeze(T.getTime() + 40 * 60_000);
      await replyAsCustomer(customer as never, exchanged.number, { body: "Still broken", files: [] });
      testClock.freeze(T.getTime() + 70 * 60_000);
      await updateTicketAsAgent(agent, exchanged.number, { version: await version(exchanged.id), reply: { body: "Try this", visibility: "public" } });
      testClock.freeze(T.getTime() + 80 * 60_000);
      await replyAsCustomer(customer as never, exchanged.number, { body: "And now?", files: [] });
      await replyAsCustomer(betaCustomer as never, beta.number, { body: "Anyone?", files: [] });
      await db().update(tickets).set({ mergedIntoId: exchanged.id, status: "closed" }).where(eq(tickets.id, merged.id));
      const ids = [exchanged.id, paused.id, beta.id, solved.id, merged.id];

      const at = new Date(T.getTime() + 3 * HOUR);
      for (const id of ids) await recomputeTicketSla(db(), id, at);
      const one = await caches(ids);
      expect(one.cycles.length).toBeGreaterThan(0); // the first next-response exchange was achieved
      expect(one.t.find((t) => t.id === beta.id)!.policy).toBe(betaPolicy!.id);
      expect(one.t.find((t) => t.id === merged.id)!.policy).toBeNull();

      // Spoil every cache, then recompute all five in one go.
      await db().update(tickets).set({ slaPolicyId: null, firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null }).where(inArray(tickets.id, ids));
      await db().delete(slaTimers).where(inArray(slaTimers.ticketId, ids));
      await db().delete(schema.slaCycleResults).where(inArray(schema.slaCycleResults.ticketId, ids));
      const counting = await countingDatabase();
      try {
        counting.reset();
        await recomputeTicketsSla(counting.db, ids, at);
        // tickets, policies, calendars, messages, status events, the cache update, fired events,
        // timers, cycle results (delete + insert).
        expect(counting.statements()).toBeLessThanOrEqual(10);
      } finally {
        await counting.close();
      }
      expect(await caches(ids)).toEqual(one);
    } finally {
      await db().delete(tickets);
      await db().delete(slaPolicies).where(eq(slaPolicies.id, betaPolicy!.id));
      await db().delete(businessCalendars).where(eq(businessCalendars.id, berlin!.id));
    }
  });
});

describe.runIf(process.env.DATABASE_URL)(`SLA sweep in bulk on Postgres: two sweepers at once over ${N} breaches`, () => {
  let handles: DatabaseHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it("fires every warning, breach and escalation exactly once between them", async () => {
    await dueTickets(N);
    await db()
      .insert(escalationRules)
      .values({ name: "Breach", metric: "any", trigger: "breach", conditions: {}, actions: { notifyAssignee: true, notifyAdmins: true, setEscalationLevel: 1, webhookUrl: "https://hooks.example.test/x" } });
    handles = await Promise.all([1, 2].map(() => createDatabase({ url: testDatabase().url!, max: 2 })));
    const results = await Promise.all(handles.map((h) => runSlaSweep(h.db, T)));
    const again = await Promise.all(handles.map((h) => runSlaSweep(h.db, T)));
    expect(results.reduce((s, r) => s + r.breaches, 0)).toBe(N);
    expect(results.reduce((s, r) => s + r.warnings, 0)).toBe(N);
    expect(results.reduce((s, r) => s + r.escalations, 0)).toBe(N);
    expect(again.reduce((s, r) => s + r.breaches + r.warnings + r.escalations, 0)).toBe(0);
    expect(await n(escalationFirings)).toBe(N);
    expect(await n(notifications)).toBe(2 * N); // the assignee and the admin
    expect(await countWhere(emailOutbox, sql`template = 'sla_escalation'`)).toBe(2 * N);
    expect(await countWhere(jobs, sql`type = 'sla.webhook'`)).toBe(N);
    expect(await countWhere(ticketEvents, sql`type = 'escalation'`)).toBe(N);
    const versions = await db().select({ v: tickets.version, level: tickets.escalationLevel }).from(tickets);
    expect(versions.every((t) => t.v === 2 && t.level === 1)).toBe(true);
  });
});
