// "Breached now" on the SLA dashboard comes from counters (sla_due_counts + sla_due_deltas,
// migration 0021) plus an index range over the current hour; "at risk" from an index range.
// These tests hold both to the live count over tickets (slaReportLive) at many instants — time
// passing with no write, due times crossing hour and day boundaries — through sweeps with
// escalations, status changes, pauses, moves, a merge, deletions, compactions and a rebuild.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { businessCalendars, escalationRules, groups, slaPolicies, tickets } from "../../db/schema";
import { createDatabase, type DatabaseHandle } from "../../db/client";
import { db, rowsOf } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { liveDueCounts, type ReportFilters } from "~/modules/sla/reports.server";
import { compactSlaDueCounts, dueNowCounts, rebuildSlaRollups } from "~/modules/sla/rollups.server";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import { createTicketAsCustomer, replyAsCustomer, setStatusAsCustomer } from "~/modules/tickets/tickets.server";
import { updateTicketAsAgent, type AgentUpdate } from "~/modules/tickets/desk.server";
import { mergeTicket } from "~/modules/tickets/merge.server";
import type { Actor } from "~/modules/auth/permissions";
import { createJobRunner } from "~/modules/jobs/runner.server";
import "~/modules/sla/jobs.server"; // registers the periodic task sla.due-counts
import { createOrganization, createUser } from "../support/factories";
import { testDatabase } from "../support/integration-setup";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-03-02T22:10:00Z"); // late evening: due times cross midnight

let admin: Actor;
let customers: Actor[];
let orgIds: string[];
let groupIds: string[];

beforeAll(async () => {
  const orgA = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  const orgB = await createOrganization(db(), { name: "Globex", plan: "beta" });
  orgIds = [orgA.id, orgB.id];
  customers = [
    (await createUser(db(), { role: "customer", organizationId: orgA.id, name: "Alice" })) as Actor,
    (await createUser(db(), { role: "customer", organizationId: orgB.id, name: "Carol" })) as Actor,
  ];
  admin = (await createUser(db(), { role: "admin", name: "Ada" })) as Actor;
  groupIds = (await db().insert(groups).values([{ name: "Billing" }, { name: "Tech" }]).returning()).map((g) => g.id);
  const cal = twentyFourSeven("UTC");
  const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: "UTC", hours: cal.hours, holidays: [] }).returning();
  await db()
    .insert(slaPolicies)
    .values({
      name: "All",
      position: 0,
      calendarId: c!.id,
      targets: {
        low: { firstResponseMinutes: 600, resolutionMinutes: 3000 },
        normal: { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240 },
        high: { firstResponseMinutes: 30, nextResponseMinutes: 20, resolutionMinutes: 120 },
        urgent: { firstResponseMinutes: 15, resolutionMinutes: 60 },
      },
    });
  // A breach of first response raises the priority and moves the ticket: the sweep itself changes due times and dimensions.
  await db().insert(escalationRules).values({ name: "Escalate", metric: "firstResponse", trigger: "breach", conditions: { plans: ["enterprise"] }, actions: { raisePriority: true, reassignGroupId: groupIds[1], setEscalationLevel: 1 } });
});

afterAll(() => testClock.reset());

const filters = (): ReportFilters[] => [
  { from: "2026-01-01", to: "2026-12-31" },
  { from: "2026-01-01", to: "2026-12-31", groupId: groupIds[0] },
  { from: "2026-01-01", to: "2026-12-31", groupId: groupIds[1] },
  { from: "2026-01-01", to: "2026-12-31", organizationId: orgIds[0] },
  { from: "2026-01-01", to: "2026-12-31", organizationId: orgIds[1] },
  ...[0, 1].flatMap((g) => [0, 1].map((o) => ({ from: "2026-01-01", to: "2026-12-31", groupId: groupIds[g], organizationId: orgIds[o] }))),
];

/** The live definition (slaReportLive's count over tickets) at `at`. */
const live = (f: ReportFilters, at: number) => liveDueCounts(f, new Date(at));

/** The due instants of the open tickets (each ±1 ms), hour and day boundaries around them, and a spread of instants. */
async function probeInstants(extra: number[] = []): Promise<number[]> {
  const dues = rowsOf<{ ms: string }>(
    await db().execute(
      sql`select (extract(epoch from least(first_response_due_at, next_response_due_at, resolution_due_at)) * 1000)::bigint::text as ms from tickets where least(first_response_due_at, next_response_due_at, resolution_due_at) is not null`,
    ),
  ).map((r) => Number(r.ms));
  const out = new Set<number>(extra);
  for (const d of dues) {
    for (const x of [d - 1, d, d + 1, Math.floor(d / HOUR) * HOUR, Math.floor(d / HOUR) * HOUR + HOUR, Math.floor(d / DAY) * DAY, Math.floor(d / DAY) * DAY + DAY, d - HOUR, d - HOUR + 1]) out.add(x);
  }
  return [...out].sort((a, b) => a - b);
}

async function expectExact(label: string, extra: number[] = []) {
  const instants = await probeInstants(extra);
  expect(instants.length).toBeGreaterThan(0);
  const seen = { atRisk: 0, breached: 0, filteredBreached: 0 };
  for (const at of instants) {
    for (const f of filters()) {
      const want = await live(f, at);
      const got = await dueNowCounts(f, new Date(at));
      expect(got, `${label} at ${new Date(at).toISOString()} ${JSON.stringify({ g: f.groupId, o: f.organizationId })}`).toEqual(want);
      seen.atRisk = Math.max(seen.atRisk, want.atRisk);
      seen.breached = Math.max(seen.breached, want.breached);
      if (f.groupId && f.organizationId) seen.filteredBreached = Math.max(seen.filteredBreached, want.breached);
    }
  }
  // Not trivially equal: tickets at risk and breached, also under the group and organization filter.
  expect(seen.atRisk, label).toBeGreaterThan(0);
  expect(seen.breached, label).toBeGreaterThan(1);
  expect(seen.filteredBreached, label).toBeGreaterThan(0);
}

async function countRows() {
  return rowsOf<{ r: string }>(await db().execute(sql`select dim || ':' || key || ':' || level || ':' || start::text || '=' || n as r from sla_due_counts order by 1`)).map((r) => r.r);
}

async function version(number: number) {
  return (await db().select({ v: tickets.version }).from(tickets).where(eq(tickets.number, number)))[0]!.v;
}
async function agentUpdate(number: number, change: Omit<AgentUpdate, "version">) {
  await updateTicketAsAgent(admin, number, { ...change, version: await version(number) });
}

describe("SLA dashboard: breached and at-risk counters", () => {
  it("equal the live counts at every instant through sweeps, status changes, moves, merges, deletions, compactions and a rebuild", { timeout: 120_000 }, async () => {
    const numbers: number[] = [];
    const priorities = ["low", "normal", "high", "urgent"] as const;
    for (let i = 0; i < 10; i++) {
      testClock.freeze(T0 + i * 37 * MIN);
      const { number } = await createTicketAsCustomer(customers[i % 2]!, { subject: `Case ${i}`, description: "Help", priority: priorities[i % 4]!, category: null, idempotencyKey: randomUUID(), files: [] });
      numbers.push(number);
      if (i % 3 === 0) await agentUpdate(number, { groupId: groupIds[i % 2] });
    }
    // Nothing folded yet: every ticket is still a delta.
    expect(Number(rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from sla_due_deltas`))[0]!.n)).toBeGreaterThan(0);
    await expectExact("deltas only");
    expect(await compactSlaDueCounts()).toBeGreaterThan(0);
    expect(Number(rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from sla_due_deltas`))[0]!.n)).toBe(0);
    await expectExact("compacted");

    // Sweeps as time passes: breaches recorded, escalations raise the priority (new targets, new due times).
    for (const minutes of [20, 45, 70, 130, 200]) {
      const swept = await runSlaSweep(db(), new Date(T0 + minutes * MIN));
      if (minutes === 200) expect(swept.breaches).toBeGreaterThan(0);
    }
    await expectExact("after sweeps");

    // Replies (first response achieved), a customer message (next response), pauses, solve, reopen.
    testClock.freeze(T0 + 210 * MIN);
    await agentUpdate(numbers[0]!, { reply: { body: "On it", visibility: "public" } });
    await agentUpdate(numbers[1]!, { reply: { body: "On it", visibility: "public" }, status: "pending" });
    await agentUpdate(numbers[2]!, { status: "on_hold" });
    await agentUpdate(numbers[3]!, { reply: { body: "Done", visibility: "public" }, status: "solved" });
    testClock.freeze(T0 + 220 * MIN);
    await replyAsCustomer(customers[0]!, numbers[0]!, { body: "Still broken", files: [] });
    await setStatusAsCustomer(customers[1]!, numbers[3]!, "open");
    await agentUpdate(numbers[2]!, { status: "open" });
    await expectExact("after status changes");
    await compactSlaDueCounts();
    await expectExact("after status changes, compacted");

    // Moves between groups and organizations, priority changes.
    testClock.freeze(T0 + 230 * MIN);
    await agentUpdate(numbers[4]!, { groupId: groupIds[1], priority: "urgent" });
    await agentUpdate(numbers[5]!, { groupId: null });
    await db().update(tickets).set({ organizationId: orgIds[0] }).where(eq(tickets.number, numbers[7]!));
    // A merge takes the source out; a deletion takes the ticket away.
    await mergeTicket(admin, numbers[6]!, numbers[8]!, await version(numbers[6]!));
    await db().delete(tickets).where(eq(tickets.number, numbers[9]!));
    await expectExact("after moves, a merge and a deletion");

    // Days later, no writes at all: every clock has breached by the passing of time alone.
    await expectExact("time passing", [T0 + 3 * DAY, T0 + 3 * DAY + 5 * HOUR + 1234]);
    await compactSlaDueCounts();
    const compacted = await countRows();
    await rebuildSlaRollups();
    expect(await countRows()).toEqual(compacted);
    await expectExact("after a rebuild");

    // Closing everything leaves nothing breached and no counter rows.
    for (const n of numbers.slice(0, 9)) {
      const [t] = await db().select({ merged: tickets.mergedIntoId }).from(tickets).where(eq(tickets.number, n));
      if (!t!.merged) await agentUpdate(n, { status: "solved" });
    }
    await compactSlaDueCounts();
    expect(await countRows()).toEqual([]);
    expect(await dueNowCounts(filters()[0]!, new Date(T0 + 10 * DAY))).toEqual({ atRisk: 0, breached: 0 });
  });

  it("a second compaction at the same time folds nothing twice", async () => {
    testClock.freeze(T0 + 20 * DAY);
    for (let i = 0; i < 3; i++) await createTicketAsCustomer(customers[0]!, { subject: `More ${i}`, description: "Help", priority: "high", category: null, idempotencyKey: randomUUID(), files: [] });
    const pending = Number(rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from sla_due_deltas`))[0]!.n);
    expect(pending).toBeGreaterThanOrEqual(3);
    const [a, b] = await Promise.all([compactSlaDueCounts(), compactSlaDueCounts()]);
    expect(a + b).toBe(pending);
    expect(await dueNowCounts(filters()[0]!, new Date(T0 + 21 * DAY))).toEqual(await live(filters()[0]!, T0 + 21 * DAY));
  });
});

describe("SLA dashboard counters: the periodic task", () => {
  it("sla.due-counts folds the deltas in when the job runner runs", async () => {
    testClock.freeze(T0 + 25 * DAY);
    await createTicketAsCustomer(customers[1]!, { subject: "Folded by the runner", description: "Help", priority: "urgent", category: null, idempotencyKey: randomUUID(), files: [] });
    const pending = async () => Number(rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from sla_due_deltas`))[0]!.n);
    expect(await pending()).toBeGreaterThan(0);
    const runner = createJobRunner({ outbox: false, id: "due-counts-test" });
    await runner.tick();
    expect(runner.counters.periodic["sla.due-counts"]).toEqual({ runs: 1, failures: 0 });
    expect(await pending()).toBe(0);
    for (const f of filters()) expect(await dueNowCounts(f, new Date(T0 + 26 * DAY))).toEqual(await live(f, T0 + 26 * DAY));
  });
});

describe.runIf(process.env.DATABASE_URL)("SLA dashboard counters on Postgres, with concurrent writers and compactions", () => {
  let handles: DatabaseHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it("stay exact", async () => {
    handles = await Promise.all([1, 2, 3].map(() => createDatabase({ url: testDatabase().url!, max: 3 })));
    testClock.freeze(T0 + 30 * DAY);
    const made: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { number } = await createTicketAsCustomer(customers[i % 2]!, { subject: `Load ${i}`, description: "Help", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
      made.push(number);
    }
    // Three connections: moves and status changes in transactions while the others compact.
    const priorities = ["low", "normal", "high", "urgent"];
    const statuses = ["open", "pending", "solved", "open", "on_hold"];
    await Promise.all(
      handles.map(async (h, k) => {
        for (let round = 0; round < 15; round++) {
          if ((round + k) % 4 === 0) {
            await h.db.execute(sql`select sla_due_counts_compact()`);
            continue;
          }
          const n = made[(round * 7 + k * 11) % made.length]!;
          await h.db.transaction(async (tx) => {
            await tx.execute(sql`update tickets set group_id = ${groupIds[(round + k) % 2]!}::uuid, priority = ${priorities[round % 4]}::ticket_priority,
              first_response_due_at = first_response_due_at + make_interval(mins => ${(round - 7) * 17}), status = ${statuses[(round + k) % 5]}::ticket_status where number = ${n}`);
            await tx.execute(sql`select sla_due_counts_compact()`);
          });
        }
      }),
    );
    for (const at of [T0 + 30 * DAY - HOUR, T0 + 30 * DAY + 30 * MIN, T0 + 30 * DAY + 3 * HOUR, T0 + 32 * DAY]) {
      for (const f of filters()) expect(await dueNowCounts(f, new Date(at))).toEqual(await live(f, at));
    }
    await compactSlaDueCounts();
    const compacted = await countRows();
    await rebuildSlaRollups();
    expect(await countRows()).toEqual(compacted);
  });
});
