/**
 * The roadmap's goals and the beta exit (pure: no I/O). Goals are dated targets counted in
 * months from a start date; progress is a cumulative count of dated achievements (a deal's
 * onboarding, an organization's conversion to a paid plan).
 */
import { DAY_MS } from "./model";

export const goalMetrics = ["onboarded", "paying"] as const;
export type GoalMetric = (typeof goalMetrics)[number];
export const goalMetricLabels: Record<GoalMetric, string> = {
  onboarded: "Beta customers onboarded",
  paying: "Paying customers",
};

export interface Goal {
  id?: string;
  metric: GoalMetric;
  label: string;
  minimum: number | null;
  target: number;
  byMonth: number;
}

/** Seeded when the company has no goals yet: 3–5 beta customers by month 6; 10 paying by month 6, 30 by month 12. */
export const defaultGoals: Goal[] = [
  { metric: "onboarded", label: "Beta customers onboarded", minimum: 3, target: 5, byMonth: 6 },
  { metric: "paying", label: "Paying customers", minimum: null, target: 10, byMonth: 6 },
  { metric: "paying", label: "Paying customers", minimum: null, target: 30, byMonth: 12 },
];

/** Paid plans a beta customer converts to. */
export const paidPlans = ["standard", "enterprise"] as const;
export type PaidPlan = (typeof paidPlans)[number];
export const planLabels: Record<"standard" | "enterprise" | "beta", string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };

export const churnReasons = [
  "Price too high",
  "Missing features",
  "No time to adopt",
  "Chose a competitor",
  "Budget cut",
  "Built it in-house",
  "Other",
] as const;

/** A beta ending within this many days (or already ended) without a decision asks for one. */
export const DECISION_WINDOW_DAYS = 14;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** "2026-01-31" + 1 month = "2026-02-28" (clamped to the month's last day). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return isoDay(new Date(Date.UTC(year, month, Math.min(d, last))));
}

export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export type GoalStatus = "met" | "on-track" | "behind" | "missed" | "met-minimum";
export const goalStatusLabels: Record<GoalStatus, string> = {
  met: "Met",
  "on-track": "On track",
  behind: "Behind",
  missed: "Missed",
  "met-minimum": "Minimum met",
};

export interface GoalProgress extends Goal {
  dueOn: string;
  /** Achieved so far (today), and by the goal's date (the same until the date has passed). */
  current: number;
  byDue: number;
  /** The straight target line's value today: target × elapsed share of the period. */
  expectedNow: number;
  daysLeft: number;
  status: GoalStatus;
  /** How many more are needed to reach the target (0 when met). */
  remaining: number;
}

/**
 * Progress of one goal from the dated achievements of its metric (YYYY-MM-DD, any order).
 * Before its date: met (target reached), on track (at or above the straight line from 0 at the
 * start to the target at the date), else behind. After its date: met, minimum met, or missed,
 * counted by the date.
 */
export function goalProgress(goal: Goal, achievedOn: string[], startsOn: string, today: string): GoalProgress {
  const dueOn = addMonths(startsOn, goal.byMonth);
  const current = achievedOn.filter((d) => d <= today).length;
  const byDue = achievedOn.filter((d) => d <= dueOn && d <= today).length;
  const span = Math.max(1, daysFrom(startsOn, dueOn));
  const elapsed = Math.min(span, Math.max(0, daysFrom(startsOn, today)));
  const expectedNow = Math.round(((goal.target * elapsed) / span) * 10) / 10;
  const daysLeft = daysFrom(today, dueOn);
  let status: GoalStatus;
  if (daysLeft < 0) status = byDue >= goal.target ? "met" : goal.minimum !== null && byDue >= goal.minimum ? "met-minimum" : "missed";
  else status = current >= goal.target ? "met" : current >= expectedNow ? "on-track" : "behind";
  return { ...goal, dueOn, current, byDue, expectedNow, daysLeft, status, remaining: Math.max(0, goal.target - current) };
}

/** Converted / decided (converted + churned); null before any decision. */
export function conversionRate(converted: number, churned: number): number | null {
  const decided = converted + churned;
  return decided === 0 ? null : converted / decided;
}

export const formatRate = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);

export interface BurnUp {
  startsOn: string;
  endsOn: string;
  /** Cumulative actual count: a step at each achievement, up to today (or the end). */
  actual: { day: string; value: number }[];
  /** The target line: 0 at the start, then each goal's target at its date. */
  target: { day: string; value: number }[];
  /** The minimum line when a goal has one. */
  minimum: { day: string; value: number }[] | null;
  max: number;
}

/** The burn-up series of one metric's goals. */
export function burnUp(goals: Goal[], achievedOn: string[], startsOn: string, today: string): BurnUp {
  const sorted = [...goals].sort((a, b) => a.byMonth - b.byMonth);
  const endsOn = addMonths(startsOn, Math.max(1, ...sorted.map((g) => g.byMonth)));
  const until = today < endsOn ? today : endsOn;
  const days = achievedOn.filter((d) => d <= until).sort();
  const actual: { day: string; value: number }[] = [{ day: startsOn, value: days.filter((d) => d <= startsOn).length }];
  let count = actual[0]!.value;
  for (const d of days) {
    if (d <= startsOn) continue;
    count += 1;
    const last = actual[actual.length - 1]!;
    if (last.day === d) last.value = count;
    else actual.push({ day: d, value: count });
  }
  if (until > startsOn && actual[actual.length - 1]!.day !== until) actual.push({ day: until, value: count });
  const target = [{ day: startsOn, value: 0 }, ...sorted.map((g) => ({ day: addMonths(startsOn, g.byMonth), value: g.target }))];
  const withMin = sorted.filter((g) => g.minimum !== null);
  const minimum = withMin.length ? [{ day: startsOn, value: 0 }, ...withMin.map((g) => ({ day: addMonths(startsOn, g.byMonth), value: g.minimum! }))] : null;
  const max = Math.max(1, count, ...sorted.map((g) => g.target));
  return { startsOn, endsOn, actual, target, minimum, max };
}

/** The local calendar date and weekday/hour of an instant in a time zone. */
export function localParts(at: Date, timeZone: string): { day: string; weekday: number; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23", weekday: "short" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!) + 1;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, weekday, hour: Number(parts.hour) };
}

/**
 * The weekly summary of a week is due from Monday 08:00 in the company's time zone. `weekOf` is
 * the local date of the current week's Monday; `due` is false on Monday before 08:00.
 */
export function summaryWeek(at: Date, timeZone: string): { weekOf: string; due: boolean } {
  const { day, weekday, hour } = localParts(at, timeZone);
  const weekOf = isoDay(new Date(Date.parse(`${day}T00:00:00Z`) - (weekday - 1) * DAY_MS));
  return { weekOf, due: weekday > 1 || hour >= 8 };
}

export type RiskKind = "stale" | "red-health" | "no-decision";
export const riskKindLabels: Record<RiskKind, string> = {
  stale: "Stale deal",
  "red-health": "Support health red",
  "no-decision": "Beta ending, no decision",
};
