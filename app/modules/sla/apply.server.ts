// Applies the pure SLA functions to stored tickets: builds a ticket's timeline, picks its policy,
// computes the clocks and writes the caches (tickets.*_due_at, tickets.sla_policy_id, sla_timers).
//
// Call recomputeTicketSla(tx, ticketId) in the transaction of every change that affects a ticket's
// timeline, priority, group or organization (a new message, a status change, a merge, …).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { businessCalendars, organizations, slaCycleResults, slaEvents, slaPolicies, slaTimers, ticketEvents, ticketMessages, tickets, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { addBusinessMinutes, WEEKDAYS, type BusinessCalendar } from "./business-time";
import { computeSlaClocksWithHistory, type Clock, type NextResponseClock, type SlaClocks, type SlaEvent, type TicketStatus } from "./clock";
import {
  customerPromise,
  defaultPauseStatuses,
  selectPolicy,
  slaMetricLabels,
  slaMetrics,
  targetsFor,
  type SlaMetricName,
  type TargetSet,
} from "./policy";

type CalendarRow = typeof businessCalendars.$inferSelect;
type PolicyRow = typeof slaPolicies.$inferSelect;

// Calendar objects are cached by id and updated_at: business-time.ts caches its parsed form per
// object, so reusing the same object keeps the maths fast; an edit makes a new object.
const calendarCache = new Map<string, { stamp: number; calendar: BusinessCalendar }>();

export function calendarOf(row: Pick<CalendarRow, "id" | "timeZone" | "hours" | "holidays" | "updatedAt">): BusinessCalendar {
  const stamp = row.updatedAt.getTime();
  const hit = calendarCache.get(row.id);
  if (hit && hit.stamp === stamp) return hit.calendar;
  const calendar: BusinessCalendar = { timeZone: row.timeZone, hours: row.hours as BusinessCalendar["hours"], holidays: [...row.holidays] };
  if (calendarCache.size > 500) calendarCache.clear();
  calendarCache.set(row.id, { stamp, calendar });
  return calendar;
}

/** True for a calendar with every weekday 00:00–24:00 and no holidays. */
export function isAroundTheClock(cal: BusinessCalendar): boolean {
  return cal.holidays.length === 0 && WEEKDAYS.every((d) => cal.hours[d]?.length === 1 && cal.hours[d]![0]!.start === "00:00" && cal.hours[d]![0]!.end === "24:00");
}

const targetKey = { firstResponse: "firstResponseMinutes", nextResponse: "nextResponseMinutes", resolution: "resolutionMinutes" } as const;

export interface TicketSlaComputation {
  ticket: { id: string; status: TicketStatus; priority: string; createdAt: Date };
  policy: PolicyRow | null;
  calendar: BusinessCalendar | null;
  targets: TargetSet;
  clocks: SlaClocks | null;
  /** Earlier next-response cycles, each achieved (the current one is clocks.nextResponse). */
  nextResponseHistory?: NextResponseClock[];
  events: SlaEvent[];
  at: Date;
}

/** The ticket's timeline as SLA events: creation, public customer messages, public staff replies, status changes. */
async function timelineOf(tx: Executor, ticket: { id: string; status: TicketStatus; createdAt: Date }): Promise<SlaEvent[]> {
  const messages = await tx
    .select({ at: ticketMessages.createdAt, role: users.role })
    .from(ticketMessages)
    .leftJoin(users, eq(users.id, ticketMessages.authorId))
    .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.visibility, "public")))
    .orderBy(asc(ticketMessages.createdAt));
  const statusRows = await tx
    .select({ at: ticketEvents.at, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.type, "status")))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
  return timelineFrom(ticket, messages, statusRows);
}

/** The SLA events of a ticket from its public messages (in time order) and status rows (in order). */
function timelineFrom(
  ticket: { status: TicketStatus; createdAt: Date },
  messages: { at: Date; role: string | null }[],
  statusRows: { at: Date; data: Record<string, unknown> }[],
): SlaEvent[] {
  const initial = (statusRows[0]?.data.from as TicketStatus | undefined) ?? (statusRows.length ? "new" : ticket.status);
  const events: SlaEvent[] = [{ at: ticket.createdAt, type: "created", status: initial }];
  const merged: SlaEvent[] = [
    ...messages.map((m): SlaEvent => ({ at: m.at, type: m.role && m.role !== "customer" ? "agent_reply" : "customer_message" })),
    ...statusRows.filter((s) => typeof s.data.to === "string").map((s): SlaEvent => ({ at: s.at, type: "status", status: s.data.to as TicketStatus })),
  ];
  // Stable by time; at the same instant a message comes before the status change it caused.
  merged.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.type === "status" ? 1 : 0) - (b.type === "status" ? 1 : 0));
  return events.concat(merged);
}

/** The ticket fields policy selection and the clocks read (one ticket or a batch). */
const slaTicketColumns = {
  id: tickets.id,
  status: tickets.status,
  priority: tickets.priority,
  channel: tickets.channel,
  groupId: tickets.groupId,
  organizationId: tickets.organizationId,
  createdAt: tickets.createdAt,
  mergedIntoId: tickets.mergedIntoId,
  plan: organizations.plan,
};

/** Loads everything the clocks need and computes them (no writes). */
export async function computeTicketSla(tx: Executor, ticketId: string, at: Date = now()): Promise<TicketSlaComputation | null> {
  const [row] = await tx
    .select(slaTicketColumns)
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(eq(tickets.id, ticketId));
  if (!row) return null;
  const ticket = { id: row.id, status: row.status as TicketStatus, priority: row.priority, createdAt: row.createdAt };
  const policies = row.mergedIntoId ? [] : await tx.select().from(slaPolicies).where(eq(slaPolicies.active, true));
  const policy = policyOf(row, policies);
  if (!policy) return { ticket, policy: null, calendar: null, targets: {}, clocks: null, events: [], at };
  const [calRow] = await tx.select().from(businessCalendars).where(eq(businessCalendars.id, policy.calendarId));
  if (!calRow) return { ticket, policy: null, calendar: null, targets: {}, clocks: null, events: [], at };
  return computeFrom(ticket, row.priority, policy, calRow, await timelineOf(tx, ticket), at);
}

type TicketFactsRow = { id: string; status: string; priority: string; channel: string; groupId: string | null; organizationId: string; createdAt: Date; mergedIntoId: string | null; plan: string };

function policyOf(row: TicketFactsRow, policies: PolicyRow[]): PolicyRow | null {
  return selectPolicy(policies, { plan: row.plan, organizationId: row.organizationId, priority: row.priority, groupId: row.groupId, channel: row.channel });
}

/** The clocks of one ticket from its policy, calendar and timeline (pure). */
function computeFrom(ticket: TicketSlaComputation["ticket"], priority: string, policy: PolicyRow, calRow: CalendarRow, events: SlaEvent[], at: Date): TicketSlaComputation {
  const calendar = calendarOf(calRow);
  const targets = targetsFor(policy.targets, priority);
  const { clocks, nextResponseHistory } = computeSlaClocksWithHistory({
    calendar,
    targets,
    pauseStatuses: (policy.pauseStatuses.length ? policy.pauseStatuses : defaultPauseStatuses) as TicketStatus[],
    warnAtFraction: policy.warnFraction,
    events,
    now: at,
  });
  return { ticket, policy, calendar, targets, clocks, nextResponseHistory, events, at };
}

/** When a running clock's elapsed time reaches warnFraction × target (now, if already past). */
export function warningInstant(calendar: BusinessCalendar, clock: Clock, target: number | undefined, warnFraction: number, at: Date): Date | null {
  if (!target || clock.dueAt === null) return null;
  const remaining = warnFraction * target - clock.elapsedMinutes;
  return remaining > 0 ? addBusinessMinutes(calendar, at, remaining) : new Date(at.getTime());
}

/**
 * Recomputes a ticket's SLA clocks from its timeline and its (first matching) policy, and writes
 * the caches: tickets.sla_policy_id and *_due_at (null when achieved, paused or inactive), and one
 * sla_timers row per metric with the warning and breach instants the sweeper has still to fire
 * for the current cycle. Call it with the transaction of the change. Does not bump the ticket's version.
 */
export async function recomputeTicketSla(tx: Executor, ticketId: string, at: Date = now()): Promise<TicketSlaComputation | null> {
  const result = await computeTicketSla(tx, ticketId, at);
  if (!result) return null;
  const { clocks, policy } = result;
  await tx
    .update(tickets)
    .set({
      slaPolicyId: policy?.id ?? null,
      firstResponseDueAt: clocks?.firstResponse.dueAt ?? null,
      nextResponseDueAt: clocks?.nextResponse.dueAt ?? null,
      resolutionDueAt: clocks?.resolution.dueAt ?? null,
    })
    .where(eq(tickets.id, ticketId));
  const fired = new Set(
    (await tx.select({ metric: slaEvents.metric, kind: slaEvents.kind, cycle: slaEvents.cycle }).from(slaEvents).where(eq(slaEvents.ticketId, ticketId))).map(
      (e) => `${e.metric}:${e.kind}:${e.cycle}`,
    ),
  );
  await upsertTimers(tx, timerRows(ticketId, result, fired, at));
  await storeCycleResults(tx, ticketId, result);
  return result;
}

/** One sla_timers row per metric: the pending instants (unless fired for the cycle) and the last result. */
function timerRows(ticketId: string, result: TicketSlaComputation, fired: Set<string>, at: Date) {
  const { clocks, policy, calendar, targets } = result;
  return slaMetrics.map((metric) => {
    const clock = clocks?.[metric];
    const cycle = metric === "nextResponse" ? (clocks?.nextResponse.cycle ?? 0) : 1;
    const target = targets[targetKey[metric]];
    const warnAt = clock && calendar && policy ? warningInstant(calendar, clock, target, policy.warnFraction, at) : null;
    return {
      ticketId,
      metric,
      cycle,
      policyId: policy?.id ?? null,
      targetMinutes: clock && clock.state !== "inactive" ? (target ?? null) : null,
      warnAt: warnAt && !fired.has(`${metric}:warning:${cycle}`) ? warnAt : null,
      dueAt: clock?.dueAt && !fired.has(`${metric}:breach:${cycle}`) ? clock.dueAt : null,
      state: clock?.state ?? "inactive",
      elapsedMinutes: clock?.elapsedMinutes ?? 0,
      startedAt: clock && clock.state !== "inactive" && metric !== "nextResponse" ? result.ticket.createdAt : null,
      achievedAt: clock?.achievedAt ?? null,
      computedAt: at,
    };
  });
}

async function upsertTimers(tx: Executor, rows: ReturnType<typeof timerRows>) {
  await tx
    .insert(slaTimers)
    .values(rows)
    .onConflictDoUpdate({
      target: [slaTimers.ticketId, slaTimers.metric],
      set: {
        cycle: sqlExcluded("cycle"),
        policyId: sqlExcluded("policy_id"),
        targetMinutes: sqlExcluded("target_minutes"),
        warnAt: sqlExcluded("warn_at"),
        dueAt: sqlExcluded("due_at"),
        state: sqlExcluded("state"),
        elapsedMinutes: sqlExcluded("elapsed_minutes"),
        startedAt: sqlExcluded("started_at"),
        achievedAt: sqlExcluded("achieved_at"),
        computedAt: sqlExcluded("computed_at"),
      },
    });
}

/** The achieved next-response cycles (sla_cycle_results rows) of a computation. */
function cycleRows(ticketId: string, result: TicketSlaComputation) {
  const target = result.targets.nextResponseMinutes ?? null;
  const current = result.clocks?.nextResponse;
  const cycles = [...(result.nextResponseHistory ?? []), ...(current ? [current] : [])].filter(
    (c): c is NextResponseClock & { achievedAt: Date } => c.achievedAt !== null && c.state === "achieved" && c.cycle > 0,
  );
  if (cycles.length === 0 || target === null) return [];
  return cycles.map((c) => ({ ticketId, metric: "nextResponse", cycle: c.cycle, targetMinutes: target, elapsedMinutes: c.elapsedMinutes, achievedAt: c.achievedAt }));
}

/** Rewrites the ticket's achieved next-response cycles (sla_cycle_results) from a computation. */
async function storeCycleResults(tx: Executor, ticketId: string, result: TicketSlaComputation) {
  await tx.delete(slaCycleResults).where(and(eq(slaCycleResults.ticketId, ticketId), eq(slaCycleResults.metric, "nextResponse")));
  const rows = cycleRows(ticketId, result);
  if (rows.length) await tx.insert(slaCycleResults).values(rows);
}

const ROWS_PER_STATEMENT = 500;

/**
 * recomputeTicketSla for many tickets with a fixed number of statements (the SLA sweep after
 * escalations changed priorities or groups; the background recompute): tickets, policies,
 * calendars, public messages, status events and fired events are read with one statement each,
 * the clocks computed in memory with the same functions, and the caches written with multi-row
 * statements. Same results as calling recomputeTicketSla for each ticket.
 */
export async function recomputeTicketsSla(tx: Executor, ticketIds: string[], at: Date = now()): Promise<Map<string, TicketSlaComputation>> {
  const out = new Map<string, TicketSlaComputation>();
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return out;
  const rows = await tx
    .select(slaTicketColumns)
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(inArray(tickets.id, ids));
  if (rows.length === 0) return out;
  // Rows are written in id order: the lock order of the one-by-one recompute job.
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const policies = rows.some((r) => !r.mergedIntoId) ? await tx.select().from(slaPolicies).where(eq(slaPolicies.active, true)) : [];
  const chosen = new Map(rows.map((r) => [r.id, r.mergedIntoId ? null : policyOf(r, policies)]));
  const calendarIds = [...new Set([...chosen.values()].filter((p): p is PolicyRow => !!p).map((p) => p.calendarId))];
  const calendars = new Map((calendarIds.length ? await tx.select().from(businessCalendars).where(inArray(businessCalendars.id, calendarIds)) : []).map((c) => [c.id, c]));
  const timed = rows.filter((r) => {
    const p = chosen.get(r.id);
    return p && calendars.has(p.calendarId);
  });
  const timedIds = timed.map((r) => r.id);
  const messages = new Map<string, { at: Date; role: string | null }[]>();
  const statuses = new Map<string, { at: Date; data: Record<string, unknown> }[]>();
  if (timedIds.length) {
    for (const m of await tx
      .select({ ticketId: ticketMessages.ticketId, at: ticketMessages.createdAt, role: users.role })
      .from(ticketMessages)
      .leftJoin(users, eq(users.id, ticketMessages.authorId))
      .where(and(inArray(ticketMessages.ticketId, timedIds), eq(ticketMessages.visibility, "public")))
      .orderBy(asc(ticketMessages.ticketId), asc(ticketMessages.createdAt))) {
      messages.set(m.ticketId, [...(messages.get(m.ticketId) ?? []), { at: m.at, role: m.role }]);
    }
    for (const e of await tx
      .select({ ticketId: ticketEvents.ticketId, at: ticketEvents.at, data: ticketEvents.data })
      .from(ticketEvents)
      .where(and(inArray(ticketEvents.ticketId, timedIds), eq(ticketEvents.type, "status")))
      .orderBy(asc(ticketEvents.ticketId), asc(ticketEvents.at), asc(ticketEvents.id))) {
      statuses.set(e.ticketId, [...(statuses.get(e.ticketId) ?? []), { at: e.at, data: e.data }]);
    }
  }
  for (const row of rows) {
    const ticket = { id: row.id, status: row.status as TicketStatus, priority: row.priority, createdAt: row.createdAt };
    const policy = chosen.get(row.id);
    const calRow = policy ? calendars.get(policy.calendarId) : undefined;
    out.set(
      row.id,
      policy && calRow
        ? computeFrom(ticket, row.priority, policy, calRow, timelineFrom(ticket, messages.get(row.id) ?? [], statuses.get(row.id) ?? []), at)
        : { ticket, policy: null, calendar: null, targets: {}, clocks: null, events: [], at },
    );
  }

  const found = [...out.keys()];
  const caches = [...out].map(([id, r]) => ({
    id,
    sla_policy_id: r.policy?.id ?? null,
    first_response_due_at: r.clocks?.firstResponse.dueAt?.toISOString() ?? null,
    next_response_due_at: r.clocks?.nextResponse.dueAt?.toISOString() ?? null,
    resolution_due_at: r.clocks?.resolution.dueAt?.toISOString() ?? null,
  }));
  await tx.execute(sql`
    update tickets t set sla_policy_id = x.sla_policy_id, first_response_due_at = x.first_response_due_at,
           next_response_due_at = x.next_response_due_at, resolution_due_at = x.resolution_due_at
    from jsonb_to_recordset(${JSON.stringify(caches)}::jsonb)
      as x(id uuid, sla_policy_id uuid, first_response_due_at timestamptz, next_response_due_at timestamptz, resolution_due_at timestamptz)
    where t.id = x.id`);
  const fired = new Map<string, Set<string>>();
  for (const e of await tx.select({ ticketId: slaEvents.ticketId, metric: slaEvents.metric, kind: slaEvents.kind, cycle: slaEvents.cycle }).from(slaEvents).where(inArray(slaEvents.ticketId, found))) {
    const set = fired.get(e.ticketId) ?? new Set<string>();
    set.add(`${e.metric}:${e.kind}:${e.cycle}`);
    fired.set(e.ticketId, set);
  }
  const timers = [...out].flatMap(([id, r]) => timerRows(id, r, fired.get(id) ?? new Set(), at));
  for (let i = 0; i < timers.length; i += ROWS_PER_STATEMENT) await upsertTimers(tx, timers.slice(i, i + ROWS_PER_STATEMENT));
  await tx.delete(slaCycleResults).where(and(inArray(slaCycleResults.ticketId, found), eq(slaCycleResults.metric, "nextResponse")));
  const cycles = [...out].flatMap(([id, r]) => cycleRows(id, r));
  for (let i = 0; i < cycles.length; i += ROWS_PER_STATEMENT) await tx.insert(slaCycleResults).values(cycles.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded."${column}"`);
}

/** Recomputes several tickets (a batch of a background job), each in the given transaction. */
export async function recomputeTickets(tx: Executor, ticketIds: string[], at: Date = now()): Promise<void> {
  for (const id of ticketIds) await recomputeTicketSla(tx, id, at);
}

export type ClockState = Clock["state"];

export interface MetricView {
  metric: SlaMetricName;
  label: string;
  state: ClockState;
  dueAt: string | null;
  warnAt: string | null;
  achievedAt: string | null;
  elapsedMinutes: number;
  targetMinutes: number | null;
  /** Business minutes left before the target (negative when late); null without a target. */
  businessMinutesRemaining: number | null;
  cycle: number;
}

export interface TicketSlaView {
  policyName: string | null;
  calendarZone: string | null;
  businessHours: boolean;
  now: string;
  metrics: MetricView[];
}

/** The SLA clocks of a ticket for staff pages (computed fresh, not from the cache). */
export async function getTicketSlaClocks(ticketId: string, at: Date = now()): Promise<TicketSlaView> {
  const r = await computeTicketSla(db(), ticketId, at);
  if (!r || !r.clocks || !r.policy || !r.calendar) {
    return { policyName: null, calendarZone: null, businessHours: false, now: at.toISOString(), metrics: [] };
  }
  const { clocks, calendar, policy, targets } = r;
  const metrics = slaMetrics.map((metric): MetricView => {
    const clock = clocks[metric];
    const target = targets[targetKey[metric]] ?? null;
    const warnAt = warningInstant(calendar, clock, target ?? undefined, policy.warnFraction, at);
    return {
      metric,
      label: slaMetricLabels[metric],
      state: clock.state,
      dueAt: clock.dueAt?.toISOString() ?? null,
      warnAt: warnAt && clock.state === "running" ? warnAt.toISOString() : null,
      achievedAt: clock.achievedAt?.toISOString() ?? null,
      elapsedMinutes: clock.elapsedMinutes,
      targetMinutes: target,
      businessMinutesRemaining: target === null || clock.state === "inactive" ? null : target - clock.elapsedMinutes,
      cycle: metric === "nextResponse" ? clocks.nextResponse.cycle : 1,
    };
  });
  return { policyName: policy.name, calendarZone: calendar.timeZone, businessHours: !isAroundTheClock(calendar), now: at.toISOString(), metrics };
}

/**
 * What a customer may see: the promise only ("We aim to reply within 4 business hours."),
 * never due times, states, policy names or escalations.
 */
export async function getTicketSlaPromise(ticketId: string): Promise<string | null> {
  const r = await computeTicketSla(db(), ticketId);
  if (!r || !r.policy || !r.calendar) return null;
  const replied = r.events.some((e) => e.type === "agent_reply");
  const target = replied ? (r.targets.nextResponseMinutes ?? r.targets.firstResponseMinutes) : r.targets.firstResponseMinutes;
  return customerPromise(target, !isAroundTheClock(r.calendar));
}

/** Open tickets (optionally only those under one of `policyIds`), for a background recompute. */
export async function openTicketIds(tx: Executor, afterId: string | null, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        inArray(tickets.status, ["new", "open", "pending", "on_hold"]),
        afterId ? sql`${tickets.id} > ${afterId}` : undefined,
        sql`${tickets.mergedIntoId} is null`,
      ),
    )
    .orderBy(asc(tickets.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

