// The staff SLA panel read from the caches that recomputeTicketSla writes (sla_timers, the
// tickets.*_due_at columns, tickets.sla_policy_id), instead of replaying the ticket's timeline.
//
// Why this is the same answer as getTicketSlaClocks: the caches are rewritten in the transaction
// of every change to the timeline, the priority, the group or the organization, so between the
// last recompute (sla_timers.computed_at) and now nothing happened to the ticket but time. Over
// that stretch a paused, achieved or inactive clock stays as it was; a running one (running,
// warning or breached when computed) keeps its due time (dueAt is fixed when a clock resumes) and
// accrues the business time of [computed_at, now], which is additive. State, warning instant and
// remaining time then follow from the same rules as clock.ts's `finish`.
//
// What the cache cannot tell, the caller recomputes (see `slaViewFromCache` returning null).
// One difference is intended: after an admin edits a policy or a calendar, an open ticket shows
// the cached clocks (the ones the queue sorts by and the sweeper fires on) until the background
// recompute reaches it, and solved or closed tickets keep the clocks they were held to.
import { businessMinutesBetween, type BusinessCalendar } from "./business-time";
import type { Clock } from "./clock";
import { customerPromise, slaMetricLabels, slaMetrics, targetsFor, type SlaMetricName, type Targets } from "./policy";
import { calendarOf, isAroundTheClock, warningInstant, type MetricView, type TicketSlaView } from "./apply.server";

export interface CachedSlaTimer {
  metric: string;
  cycle: number;
  targetMinutes: number | null;
  state: string;
  elapsedMinutes: number;
  achievedAt: Date | null;
  computedAt: Date;
}

/** A business_calendars row as the statements read it. */
export interface CachedCalendar {
  id: string;
  timeZone: string;
  hours: BusinessCalendar["hours"];
  holidays: string[];
  updatedAt: Date;
}

export interface CachedSla {
  /** tickets.sla_policy_id (null: no policy applied when last computed). */
  policyId: string | null;
  /** The policy row it names, with its calendar (null when either is gone). */
  policy: {
    name: string;
    active: boolean;
    warnFraction: number;
    targets: Targets;
    calendar: CachedCalendar | null;
  } | null;
  priority: string;
  /** tickets.first_response_due_at, next_response_due_at, resolution_due_at. */
  dueAt: Record<SlaMetricName, Date | null>;
  timers: CachedSlaTimer[];
}

const targetKey = { firstResponse: "firstResponseMinutes", nextResponse: "nextResponseMinutes", resolution: "resolutionMinutes" } as const;
const RUNNING = new Set(["running", "warning", "breached"]);

function emptyView(at: Date): TicketSlaView {
  return { policyName: null, calendarZone: null, businessHours: false, now: at.toISOString(), metrics: [] };
}

/**
 * The SLA view at `at` from the cached clocks, or null when the cache cannot answer it alone —
 * never computed (no timer rows), computed after `at` (a clock moved back), its policy deleted or
 * deactivated since, or an inconsistent row — and the caller should compute it afresh.
 */
export function slaViewFromCache(cache: CachedSla, at: Date): TicketSlaView | null {
  if (cache.timers.length === 0) return null;
  if (cache.timers.some((t) => t.computedAt.getTime() > at.getTime())) return null;
  if (cache.policyId === null) return emptyView(at);
  const policy = cache.policy;
  if (!policy || !policy.active || !policy.calendar) return null;
  const calendar = calendarOf(policy.calendar);
  const policyTargets = targetsFor(policy.targets, cache.priority);
  const metrics: MetricView[] = [];
  for (const metric of slaMetrics) {
    const timer = cache.timers.find((t) => t.metric === metric);
    if (!timer) return null;
    // The target the clock was computed with; an inactive clock has none cached (the view still
    // names the policy's target, as the fresh computation does).
    const target = timer.state === "inactive" ? (policyTargets[targetKey[metric]] ?? null) : timer.targetMinutes;
    let clock: Clock;
    if (timer.state === "inactive") {
      clock = { dueAt: null, achievedAt: null, elapsedMinutes: 0, state: "inactive" };
    } else if (timer.state === "achieved") {
      if (!timer.achievedAt) return null;
      clock = { dueAt: null, achievedAt: timer.achievedAt, elapsedMinutes: timer.elapsedMinutes, state: "achieved" };
    } else if (timer.state === "paused") {
      clock = { dueAt: null, achievedAt: null, elapsedMinutes: timer.elapsedMinutes, state: "paused" };
    } else if (RUNNING.has(timer.state)) {
      const dueAt = cache.dueAt[metric];
      if (!dueAt || target === null) return null;
      const elapsed = timer.elapsedMinutes + businessMinutesBetween(calendar, timer.computedAt, at);
      const state = at.getTime() > dueAt.getTime() ? "breached" : elapsed >= policy.warnFraction * target ? "warning" : "running";
      clock = { dueAt, achievedAt: null, elapsedMinutes: elapsed, state };
    } else {
      return null;
    }
    const warnAt = clock.state === "running" ? warningInstant(calendar, clock, target ?? undefined, policy.warnFraction, at) : null;
    metrics.push({
      metric,
      label: slaMetricLabels[metric],
      state: clock.state,
      dueAt: clock.dueAt?.toISOString() ?? null,
      warnAt: warnAt?.toISOString() ?? null,
      achievedAt: clock.achievedAt?.toISOString() ?? null,
      elapsedMinutes: clock.elapsedMinutes,
      targetMinutes: target,
      businessMinutesRemaining: target === null || clock.state === "inactive" ? null : target - clock.elapsedMinutes,
      cycle: metric === "nextResponse" ? timer.cycle : 1,
    });
  }
  return { policyName: policy.name, calendarZone: calendar.timeZone, businessHours: !isAroundTheClock(calendar), now: at.toISOString(), metrics };
}

export interface CachedSlaPolicy {
  /** Whether recomputeTicketSla has written the ticket's caches (its sla_timers rows exist). */
  computed: boolean;
  /** tickets.sla_policy_id. */
  policyId: string | null;
  policy: { active: boolean; targets: Targets; calendar: CachedCalendar | null } | null;
  priority: string;
}

/**
 * The customer's promise ("We aim to reply within 4 business hours.") from the cached policy, as
 * getTicketSlaPromise words it: the first-response target until staff have replied publicly
 * (`replied`), then the next-response one. `undefined` when the cache cannot tell (never computed,
 * policy deleted or deactivated since): the caller asks getTicketSlaPromise.
 */
export function slaPromiseFromCache(cache: CachedSlaPolicy, replied: boolean): string | null | undefined {
  if (!cache.computed) return undefined;
  if (cache.policyId === null) return null;
  const policy = cache.policy;
  if (!policy || !policy.active || !policy.calendar) return undefined;
  const targets = targetsFor(policy.targets, cache.priority);
  const target = replied ? (targets.nextResponseMinutes ?? targets.firstResponseMinutes) : targets.firstResponseMinutes;
  return customerPromise(target, !isAroundTheClock(calendarOf(policy.calendar)));
}
