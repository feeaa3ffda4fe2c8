// The SLA dashboard reads rollups (app/modules/sla/rollups.server.ts) kept in step by triggers.
// These tests build a realistic history through the app's own write paths — a business calendar
// with a holiday, pauses, several next-response cycles, reopen after solve, moves between
// priorities, groups, assignees, a merge, a deletion, CSAT — and hold the rollup-based report to
// the live computation it replaced (slaReportLive) for several ranges and filters, then again
// after every ticket's history is recomputed under changed targets, and against a full rebuild.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { businessCalendars, groups, slaPolicies, tickets } from "../../db/schema";
import { db, rowsOf } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { slaReport, slaReportLive, type ReportFilters, type SlaReport } from "~/modules/sla/reports.server";
import { blocksOf, compactSlaDueCounts, rebuildSlaRollups } from "~/modules/sla/rollups.server";
import { recomputeTickets } from "~/modules/sla/apply.server";
import { createTicketAsCustomer, rateTicket, replyAsCustomer, setStatusAsCustomer } from "~/modules/tickets/tickets.server";
import { updateTicketAsAgent, type AgentUpdate } from "~/modules/tickets/desk.server";
import { mergeTicket } from "~/modules/tickets/merge.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs } from "../support/requests";
import { loader as reportsLoader } from "~/routes/desk/reports-sla";

type Actor = Awaited<ReturnType<typeof createUser>>;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse("2026-03-02T08:30:00Z"); // a Monday, 09:30 in Berlin

let admin: Actor;
let agents: Actor[];
let customers: Actor[];
let orgIds: string[];
let groupIds: string[];

/** Deterministic pseudo-random numbers (LCG), so the history is the same on every run. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function normalize(r: SlaReport) {
  const byLabel = (a: { label: string }, b: { label: string }) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  return {
    ...r,
    weekly: [...r.weekly].sort((a, b) => a.week.localeCompare(b.week) || a.metric.localeCompare(b.metric)),
    breakdowns: Object.fromEntries(Object.entries(r.breakdowns).map(([k, rows]) => [k, [...rows].sort(byLabel)])),
  };
}

async function expectSameReports(ranges: ReportFilters[]) {
  for (const f of ranges) {
    const fromRollups = normalize(await slaReport(f));
    const live = normalize(await slaReportLive(f));
    expect(fromRollups, JSON.stringify(f)).toEqual(live);
  }
}

function filterSets(from: string, to: string): ReportFilters[] {
  return [
    { from, to },
    { from, to, groupId: groupIds[0] },
    { from, to, organizationId: orgIds[1] },
    { from, to, groupId: groupIds[1], organizationId: orgIds[0] },
  ];
}

const allRanges = () => [
  ...filterSets("2026-02-23", "2026-04-30"),
  // Ranges that cut through tickets whose clocks ended on different days.
  ...filterSets("2026-03-04", "2026-03-12"),
  ...filterSets("2026-03-10", "2026-03-10"),
  { from: "2026-03-09", to: "2026-03-20" },
];

async function rollupRows() {
  const daily = rowsOf<Record<string, unknown>>(
    await db().execute(sql`select * from sla_daily_rollups where (fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets) <> (0,0,0,0,0,0,0,0,0)
      order by day, prev_day nulls first, priority, group_id nulls first, organization_id, assignee_id nulls first`),
  );
  const hist = rowsOf<Record<string, unknown>>(await db().execute(sql`select * from sla_elapsed_rollups where n <> 0 order by day, metric, bucket, group_id nulls first, organization_id`));
  const blocks = rowsOf<Record<string, unknown>>(
    await db().execute(sql`select * from sla_rollup_blocks where (fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets) <> (0,0,0,0,0,0,0,0,0)
      order by level, start, dim, key`),
  );
  const histBlocks = rowsOf<Record<string, unknown>>(await db().execute(sql`select * from sla_elapsed_blocks where n <> 0 order by level, start, metric, bucket`));
  // The "breached now" counters, with every delta folded in (app/modules/sla/rollups.server.ts dueNowCounts).
  await compactSlaDueCounts();
  const due = rowsOf<Record<string, unknown>>(await db().execute(sql`select dim, key, level, start::text, n from sla_due_counts order by dim, key, level, start`));
  return {
    daily: daily.map((r) => JSON.stringify(r)),
    hist: hist.map((r) => JSON.stringify(r)),
    blocks: blocks.map((r) => JSON.stringify(r)),
    histBlocks: histBlocks.map((r) => JSON.stringify(r)),
    due: due.map((r) => JSON.stringify(r)),
  };
}

beforeAll(async () => {
  const orgA = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  const orgB = await createOrganization(db(), { name: "Globex", plan: "beta" });
  orgIds = [orgA.id, orgB.id];
  customers = [await createUser(db(), { role: "customer", organizationId: orgA.id, name: "Alice" }), await createUser(db(), { role: "customer", organizationId: orgB.id, name: "Carol" })];
  admin = await createUser(db(), { role: "admin", name: "Ada" });
  agents = [await createUser(db(), { role: "agent", name: "Sam" }), await createUser(db(), { role: "agent", name: "Kim" })];
  const g = await db().insert(groups).values([{ name: "Billing" }, { name: "Tech" }]).returning();
  groupIds = g.map((x) => x.id);
  const hours = { start: "09:00", end: "17:00" };
  const [cal] = await db()
    .insert(businessCalendars)
    .values({ name: "Berlin office", timeZone: "Europe/Berlin", hours: { mon: [hours], tue: [hours], wed: [hours], thu: [hours], fri: [hours] }, holidays: ["2026-03-13"] })
    .returning();
  const targets = {
    low: { firstResponseMinutes: 480, resolutionMinutes: 2400 },
    normal: { firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 960 },
    high: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 480 },
    urgent: { firstResponseMinutes: 30, nextResponseMinutes: 30, resolutionMinutes: 240 },
  };
  await db().insert(slaPolicies).values({ name: "Business hours", position: 0, calendarId: cal!.id, targets });
});

async function version(number: number) {
  return (await db().select({ v: tickets.version }).from(tickets).where(eq(tickets.number, number)))[0]!.v;
}

async function agentUpdate(number: number, change: Omit<AgentUpdate, "version">) {
  await updateTicketAsAgent(admin, number, { ...change, version: await version(number) });
}

describe("SLA report rollups", () => {
  it("split a range into aligned blocks of 2^level days that cover it exactly", () => {
    for (const [from, to] of [["2026-09-07", "2026-11-24"], ["2026-03-10", "2026-03-10"], ["2024-01-01", "2026-12-31"], ["2026-02-28", "2026-03-01"]] as const) {
      const blocks = blocksOf(from, to);
      let next = Date.parse(`${from}T00:00:00Z`);
      for (const b of blocks) {
        const start = Date.parse(`${b.start}T00:00:00Z`);
        expect(start).toBe(next);
        expect((start / DAY) % (1 << b.level)).toBe(0);
        next = start + (1 << b.level) * DAY;
      }
      expect(next).toBe(Date.parse(`${to}T00:00:00Z`) + DAY);
      expect(blocks.length).toBeLessThanOrEqual(2 * 10 + Math.ceil((next - Date.parse(`${from}T00:00:00Z`)) / DAY / 512));
    }
    expect(blocksOf("2026-09-07", "2026-11-24").length).toBeLessThan(12);
  });

  it("give the live report's numbers through a realistic history, after a recompute and after a rebuild", async () => {
    const random = rng(8);
    const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    type Step = { at: number; run: () => Promise<void> };
    const steps: Step[] = [];
    const numbers: number[] = [];
    for (let i = 0; i < 14; i++) {
      const customerIndex = i % 2;
      let t = START + Math.floor(i / 2) * DAY + Math.floor(random() * 6 * HOUR);
      const slot = numbers.length;
      numbers.push(0);
      const priority = pick(["low", "normal", "high", "urgent"] as const);
      steps.push({
        at: t,
        run: async () => {
          const { number } = await createTicketAsCustomer(customers[customerIndex]!, { subject: `Case ${i}`, description: "Help", priority, category: null, idempotencyKey: randomUUID(), files: [] });
          numbers[slot] = number;
        },
      });
      const n = () => numbers[slot]!;
      const later = (minutes: number) => (t += minutes * MIN + Math.floor(random() * 60) * MIN);
      steps.push({ at: later(30), run: () => agentUpdate(n(), { groupId: pick(groupIds), assigneeId: pick(agents).id }) });
      steps.push({ at: later(60), run: () => agentUpdate(n(), { reply: { body: "Looking into it", visibility: "public" } }) });
      const exchanges = 1 + Math.floor(random() * 3);
      for (let k = 0; k < exchanges; k++) {
        steps.push({ at: later(90 + Math.floor(random() * 600)), run: () => replyAsCustomer(customers[customerIndex]!, n(), { body: `More detail ${k}`, files: [] }).then(() => undefined) });
        if (random() < 0.4) steps.push({ at: later(30), run: () => agentUpdate(n(), { reply: { body: "Internal", visibility: "internal" }, status: "pending" }) });
        if (random() < 0.3) steps.push({ at: later(20), run: () => agentUpdate(n(), { priority: pick(["normal", "high", "urgent"] as const) }) });
        steps.push({ at: later(120 + Math.floor(random() * 900)), run: () => agentUpdate(n(), { reply: { body: `Answer ${k}`, visibility: "public" }, status: random() < 0.5 ? "open" : "pending" }) });
      }
      steps.push({ at: later(200 + Math.floor(random() * 2000)), run: () => agentUpdate(n(), { status: "solved" }) });
      if (random() < 0.4) {
        steps.push({ at: later(600), run: () => setStatusAsCustomer(customers[customerIndex]!, n(), "open").then(() => undefined) });
        steps.push({ at: later(300), run: () => agentUpdate(n(), { reply: { body: "Fixed for real", visibility: "public" }, status: "solved" }) });
      }
      if (random() < 0.6) steps.push({ at: later(60), run: () => rateTicket(customers[customerIndex]!, n(), { rating: random() < 0.6 ? "good" : "bad", comment: null }).then(() => undefined) });
      if (random() < 0.5) steps.push({ at: later(24 * 60), run: () => agentUpdate(n(), { groupId: pick([...groupIds, null]), assigneeId: pick([...agents.map((a) => a.id), null]), priority: pick(["low", "normal", "high"] as const) }) });
    }
    steps.sort((a, b) => a.at - b.at);
    for (const s of steps) {
      testClock.freeze(s.at);
      await s.run();
    }
    // Two tickets left open at the report instant: one long breached, one due within the hour.
    testClock.freeze(Date.parse("2026-03-30T09:00:00Z"));
    await createTicketAsCustomer(customers[0]!, { subject: "Forgotten", description: "Help", priority: "low", category: null, idempotencyKey: randomUUID(), files: [] });
    testClock.freeze(Date.parse("2026-04-01T09:50:00Z"));
    await createTicketAsCustomer(customers[1]!, { subject: "Hurry", description: "Help", priority: "urgent", category: null, idempotencyKey: randomUUID(), files: [] });
    testClock.freeze(Date.parse("2026-04-01T10:00:00Z"));
    expect(await slaReportLive({ from: "2026-02-23", to: "2026-04-30" })).toMatchObject({ atRisk: 1, breached: 1 });
    const [{ count }] = rowsOf<{ count: number }>(await db().execute(sql`select count(*)::int as count from sla_cycle_results`)) as [{ count: number }];
    expect(Number(count)).toBeGreaterThan(10); // several next-response exchanges were achieved
    await expectSameReports(allRanges());

    // A merge takes the source out of the report; a deletion takes the ticket away entirely.
    await mergeTicket(admin, numbers[3]!, numbers[5]!, await version(numbers[3]!));
    await db().delete(tickets).where(eq(tickets.number, numbers[6]!));
    await expectSameReports(allRanges());
    // The "breached now" counters read the same folded in as pending deltas.
    await compactSlaDueCounts();
    await expectSameReports(allRanges());
    // A merge written without a recompute leaves the source's achieved clocks in sla_timers: the
    // percentiles must still skip them (the exact-value lookup joins tickets then).
    const [target] = await db().select({ id: tickets.id }).from(tickets).where(eq(tickets.number, numbers[1]!));
    await db().update(tickets).set({ mergedIntoId: target!.id }).where(eq(tickets.number, numbers[8]!));
    await expectSameReports(allRanges());

    // Recompute every ticket's history under other targets: old contributions out, new ones in.
    await db()
      .update(slaPolicies)
      .set({
        targets: {
          low: { firstResponseMinutes: 60, resolutionMinutes: 600 },
          normal: { firstResponseMinutes: 45, nextResponseMinutes: 90, resolutionMinutes: 600 },
          high: { firstResponseMinutes: 240, resolutionMinutes: 1200 },
          urgent: { firstResponseMinutes: 15, nextResponseMinutes: 20, resolutionMinutes: 120 },
        },
      })
      .where(eq(slaPolicies.name, "Business hours"));
    const ids = (await db().select({ id: tickets.id }).from(tickets)).map((r) => r.id);
    await db().transaction((tx) => recomputeTickets(tx, ids));
    await expectSameReports(allRanges());

    // Incremental maintenance leaves the same rows a rebuild from scratch computes.
    const incremental = await rollupRows();
    expect(incremental.daily.length).toBeGreaterThan(0);
    expect(incremental.due.length).toBeGreaterThan(0); // the two tickets left open
    await rebuildSlaRollups();
    expect(await rollupRows()).toEqual(incremental);
  });

  it("moves a ticket's whole contribution when it changes group, organization or priority", async () => {
    testClock.freeze(Date.parse("2026-05-04T08:00:00Z"));
    const { number } = await createTicketAsCustomer(customers[0]!, { subject: "Move me", description: "Help", priority: "high", category: null, idempotencyKey: randomUUID(), files: [] });
    testClock.freeze(Date.parse("2026-05-04T08:20:00Z"));
    await agentUpdate(number, { groupId: groupIds[0], reply: { body: "On it", visibility: "public" }, status: "solved" });
    testClock.freeze(Date.parse("2026-05-05T08:00:00Z"));
    const f = { from: "2026-05-04", to: "2026-05-04" };
    const before = await slaReport({ ...f, groupId: groupIds[0] });
    expect(before.breakdowns.priority).toEqual([expect.objectContaining({ label: "high", tickets: 1, firstResponse: { met: 1, total: 1 }, resolution: { met: 1, total: 1 } })]);
    await agentUpdate(number, { groupId: groupIds[1] });
    await db().update(tickets).set({ organizationId: orgIds[1] }).where(eq(tickets.number, number));
    expect((await slaReport({ ...f, groupId: groupIds[0] })).breakdowns.priority).toEqual([]);
    const moved = await slaReport({ ...f, groupId: groupIds[1], organizationId: orgIds[1] });
    expect(moved.breakdowns.organization).toEqual([expect.objectContaining({ label: "Globex", tickets: 1 })]);
    await expectSameReports(filterSets("2026-05-01", "2026-05-10"));
  });

  it("leave a merged ticket's clocks out of the exact percentiles, also when sla_timers still holds them", async () => {
    const created = Date.parse("2026-06-01T08:00:00Z"); // 10:00 in Berlin, a Monday
    const answeredAfter = [30 * MIN, 30 * MIN + 3_000, 30 * MIN + 12_000]; // 30, 30.05 and 30.2 business minutes: one bucket
    const made: number[] = [];
    for (const after of answeredAfter) {
      testClock.freeze(created);
      const { number } = await createTicketAsCustomer(customers[0]!, { subject: "Same bucket", description: "Help", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
      testClock.freeze(created + after);
      await agentUpdate(number, { reply: { body: "Here", visibility: "public" } });
      made.push(number);
    }
    testClock.freeze(Date.parse("2026-06-02T08:00:00Z"));
    const f = { from: "2026-06-01", to: "2026-06-01" };
    expect((await slaReport(f)).percentiles.firstResponse).toEqual({ median: 30.05, p90: expect.closeTo(30.17, 5), n: 3 });
    const [target] = await db().select({ id: tickets.id }).from(tickets).where(eq(tickets.number, made[0]!));
    await db().update(tickets).set({ mergedIntoId: target!.id }).where(eq(tickets.number, made[1]!));
    const after = await slaReport(f);
    expect(after.percentiles.firstResponse).toMatchObject({ median: expect.closeTo(30.1, 5), n: 2 });
    expect(normalize(after)).toEqual(normalize(await slaReportLive(f)));
  });

  it("show the ten busiest organizations on the page unless asked for all, with the same numbers", async () => {
    const created = Date.parse("2026-07-06T08:00:00Z");
    for (let i = 0; i < 11; i++) {
      const org = await createOrganization(db(), { name: `Org ${String(i).padStart(2, "0")}`, plan: "enterprise" });
      const customer = await createUser(db(), { role: "customer", organizationId: org.id, name: `Customer ${i}` });
      for (let k = 0; k <= (i % 3); k++) {
        testClock.freeze(created + k * MIN);
        const { number } = await createTicketAsCustomer(customer, { subject: "Busy", description: "Help", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
        testClock.freeze(created + (20 + k) * MIN);
        await agentUpdate(number, { reply: { body: "Here", visibility: "public" } });
      }
    }
    testClock.freeze(Date.parse("2026-07-07T08:00:00Z"));
    const agent = await signInAs(agents[0]!);
    type Data = { report: SlaReport; breakdownSizes: Record<string, number> };
    const top = (await call(reportsLoader, getRequest("/desk/reports/sla?from=2026-07-06&to=2026-07-06", agent))).data as Data;
    const all = (await call(reportsLoader, getRequest("/desk/reports/sla?from=2026-07-06&to=2026-07-06&all=organization", agent))).data as Data;
    expect(top.breakdownSizes.organization).toBe(11);
    expect(top.report.breakdowns.organization).toHaveLength(10);
    expect(all.report.breakdowns.organization).toHaveLength(11);
    // The busiest first (3 tickets: Org 02, 05, 08), each row as in the full table.
    expect(top.report.breakdowns.organization!.slice(0, 3).map((r) => r.label)).toEqual(["Org 02", "Org 05", "Org 08"]);
    for (const row of top.report.breakdowns.organization!) expect(all.report.breakdowns.organization).toContainEqual(row);
    expect(all.report.breakdowns.organization!.map((r) => r.label)).toEqual([...all.report.breakdowns.organization!.map((r) => r.label)].sort());
  });
});
