/**
 * Pipeline analytics, computed from the append-only stage events alone. Pure: no I/O.
 *
 * Funnel rules (written down because every funnel chooses):
 * 1. A deal *reached* a stage of the path prospect → demo → agreement → onboarded when it ever
 *    entered that stage or any later one. A skipped stage (prospect → agreement) counts as
 *    reached: the deal passed it.
 * 2. A deal counts at most once per stage however often it re-entered it; a backward move never
 *    un-reaches a stage. So conversion never exceeds 100 % and re-work does not inflate it.
 * 3. Lost is not a stage of the path: a lost deal counts for the stages it reached before.
 * 4. Conversion from stage S to the next = deals that reached the next / deals that reached S.
 *    `skipped` counts the deals that reached the next stage without ever entering S itself.
 */
import { DAY_MS, pipelineStages, type DealStage, type PipelineStage } from "./model";

export interface StageEvent {
  dealId: string;
  fromStage: DealStage | null;
  toStage: DealStage;
  at: Date;
}

const rank = (s: DealStage) => (pipelineStages as readonly string[]).indexOf(s);

function byDeal(events: StageEvent[]): Map<string, StageEvent[]> {
  const map = new Map<string, StageEvent[]>();
  for (const e of events) {
    const list = map.get(e.dealId) ?? [];
    list.push(e);
    map.set(e.dealId, list);
  }
  for (const list of map.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
  return map;
}

export interface FunnelStep {
  stage: PipelineStage;
  reached: number;
  /** Deals that reached this stage without ever entering it. */
  skipped: number;
  /** Conversion to the next stage (null for the last, or when nobody reached this one). */
  conversionToNext: number | null;
}

export function funnel(events: StageEvent[]): FunnelStep[] {
  const reached = pipelineStages.map(() => 0);
  const entered = pipelineStages.map(() => 0);
  for (const list of byDeal(events).values()) {
    let highest = -1;
    const seen = new Set<number>();
    for (const e of list) {
      const r = rank(e.toStage);
      if (r < 0) continue;
      seen.add(r);
      highest = Math.max(highest, r);
    }
    for (let i = 0; i <= highest; i++) {
      reached[i]!++;
      if (seen.has(i)) entered[i]!++;
    }
  }
  return pipelineStages.map((stage, i) => ({
    stage,
    reached: reached[i]!,
    skipped: reached[i]! - entered[i]!,
    conversionToNext: i === pipelineStages.length - 1 || reached[i] === 0 ? null : reached[i + 1]! / reached[i]!,
  }));
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median days in each stage. Each deal's visits to a stage are summed; only visits that ended
 * (the deal moved on) count, so deals still sitting in a stage do not pull the median down.
 */
export function medianDaysInStage(events: StageEvent[]): Record<DealStage, number | null> {
  const totals: Record<string, number[]> = {};
  for (const list of byDeal(events).values()) {
    const perDeal = new Map<DealStage, number>();
    for (let i = 0; i < list.length - 1; i++) {
      const e = list[i]!;
      const ms = list[i + 1]!.at.getTime() - e.at.getTime();
      perDeal.set(e.toStage, (perDeal.get(e.toStage) ?? 0) + ms);
    }
    for (const [stage, ms] of perDeal) (totals[stage] ??= []).push(ms / DAY_MS);
  }
  return {
    prospect: median(totals.prospect ?? []),
    demo: median(totals.demo ?? []),
    agreement: median(totals.agreement ?? []),
    onboarded: median(totals.onboarded ?? []),
    lost: median(totals.lost ?? []),
  };
}

/** Time in the current stage of one deal, summing every visit (the open one up to `now`). */
export function daysInStageTotal(events: StageEvent[], stage: DealStage, now: Date): number {
  const list = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
  let ms = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.toStage !== stage) continue;
    const end = list[i + 1]?.at ?? now;
    ms += end.getTime() - list[i]!.at.getTime();
  }
  return ms / DAY_MS;
}

export interface Velocity {
  /** Deals that reached onboarded. */
  deals: number;
  medianDays: number | null;
  meanDays: number | null;
}

/** Velocity: days from a deal's first event (created as a prospect, or imported) to its first onboarding. */
export function velocity(events: StageEvent[]): Velocity {
  const days: number[] = [];
  for (const list of byDeal(events).values()) {
    const first = list[0];
    const onboarded = list.find((e) => e.toStage === "onboarded");
    if (first && onboarded) days.push((onboarded.at.getTime() - first.at.getTime()) / DAY_MS);
  }
  return {
    deals: days.length,
    medianDays: median(days),
    meanDays: days.length ? days.reduce((a, b) => a + b, 0) / days.length : null,
  };
}

/** Probability that a deal now in `stage` reaches onboarded, from observed conversion (null: no data). */
export function probabilityToOnboard(steps: FunnelStep[], stage: DealStage): number | null {
  if (stage === "onboarded") return 1;
  if (stage === "lost") return 0;
  let p = 1;
  for (let i = rank(stage); i < pipelineStages.length - 1; i++) {
    const c = steps[i]!.conversionToNext;
    if (c === null) return null;
    p *= c;
  }
  return p;
}

export interface ProgramHeader {
  onboarded: number;
  target: number;
  minimum: number;
  daysLeft: number;
  /** More onboarded customers needed to reach the target. */
  needed: number;
  /** More needed to reach the minimum. */
  neededForMinimum: number;
  /** Onboarded now plus each open deal weighted by its observed chance to onboard; null without data. */
  projected: number | null;
  summary: string;
  projection: string;
  tone: "ok" | "warning" | "danger";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The program header: "3 of 5 onboarded (minimum 3) · 41 days left · 2 more needed", and a
 * projection. The projection weights each open deal by the observed conversion from its stage
 * to onboarded; a deal whose median remaining time (sum of the median days of the stages still
 * ahead) does not fit before the deadline counts for nothing.
 */
export function programHeader(input: {
  target: number;
  minimum: number;
  deadline: string;
  now: Date;
  openDeals: { stage: DealStage }[];
  onboarded: number;
  steps: FunnelStep[];
  medianDays: Record<DealStage, number | null>;
}): ProgramHeader {
  const deadlineEnd = new Date(`${input.deadline}T23:59:59.999Z`);
  const daysLeft = Math.max(0, Math.ceil((deadlineEnd.getTime() - input.now.getTime()) / DAY_MS) - 1);
  const needed = Math.max(0, input.target - input.onboarded);
  const neededForMinimum = Math.max(0, input.minimum - input.onboarded);
  let projected: number | null = input.onboarded;
  for (const d of input.openDeals) {
    if (d.stage === "onboarded" || d.stage === "lost") continue;
    const p = probabilityToOnboard(input.steps, d.stage);
    if (p === null) {
      projected = null;
      break;
    }
    let remaining = 0;
    for (let i = rank(d.stage); i < pipelineStages.length - 1; i++) remaining += input.medianDays[pipelineStages[i]!] ?? 0;
    if (remaining <= daysLeft) projected += p;
  }
  const over = daysLeft === 0 && deadlineEnd.getTime() < input.now.getTime();
  const summary = [
    `${input.onboarded} of ${input.target} onboarded (minimum ${input.minimum})`,
    over ? "deadline passed" : `${plural(daysLeft, "day")} left`,
    needed === 0 ? "target reached" : `${needed} more needed`,
  ].join(" · ");
  let projection: string;
  let tone: ProgramHeader["tone"];
  if (projected === null) {
    projection = "Not enough history yet to project from conversion.";
    tone = neededForMinimum > 0 ? "warning" : "ok";
  } else {
    const rounded = Math.round(projected * 10) / 10;
    projection = `Projected ${rounded} onboarded by the deadline at the observed conversion`;
    if (projected >= input.target) {
      tone = "ok";
      projection += " — on track for the target.";
    } else if (projected >= input.minimum) {
      tone = "warning";
      projection += ` — above the minimum, short of the target by ${Math.round((input.target - projected) * 10) / 10}.`;
    } else {
      tone = "danger";
      projection += ` — below the minimum: add prospects or speed up open deals.`;
    }
  }
  return { onboarded: input.onboarded, target: input.target, minimum: input.minimum, daysLeft, needed, neededForMinimum, projected, summary, projection, tone };
}

export interface StaleInput {
  stage: DealStage;
  nextStep: string | null;
  nextStepDueAt: Date | null;
  lastActivityAt: Date;
}

export type StaleReason = "no-next-step" | "overdue-next-step" | "no-activity";
export const staleReasonLabels: Record<StaleReason, string> = {
  "no-next-step": "no next step",
  "overdue-next-step": "next step overdue",
  "no-activity": "no activity",
};

/**
 * Why a deal is stale (empty: it is not). Open deals (prospect, demo, agreement) need a next
 * step that is not overdue; every stage with a limit in `staleAfterDays` needs some activity
 * within that many days. Lost deals are never stale.
 */
export function staleReasons(deal: StaleInput, now: Date, staleAfter: Record<DealStage, number | null>): StaleReason[] {
  if (deal.stage === "lost") return [];
  const reasons: StaleReason[] = [];
  const open = deal.stage !== "onboarded";
  if (open && !deal.nextStep?.trim()) reasons.push("no-next-step");
  else if (open && deal.nextStepDueAt && deal.nextStepDueAt.getTime() < now.getTime()) reasons.push("overdue-next-step");
  const limit = staleAfter[deal.stage];
  if (limit !== null && now.getTime() - deal.lastActivityAt.getTime() > limit * DAY_MS) reasons.push("no-activity");
  return reasons;
}

export interface HealthInput {
  openTickets: number;
  /** SLA breaches on the organization's tickets in the last 30 days. */
  breaches30d: number;
  /** Open tickets in SLA warning or due within the next 4 hours. */
  atRisk: number;
  csatGood30d: number;
  csatBad30d: number;
  lastContactAt: Date | null;
}

export interface Health {
  level: "red" | "amber" | "green";
  reasons: string[];
  csatPercent: number | null;
}

/**
 * Support health of an onboarded beta customer.
 * red: any SLA breach in 30 days, CSAT below 60 % (3+ ratings), or no contact for 30 days;
 * amber: a ticket at risk, 5+ open tickets, CSAT below 80 % (3+ ratings), or no contact for 14 days;
 * green otherwise. The reasons say which rule fired.
 */
export function supportHealth(h: HealthInput, now: Date): Health {
  const ratings = h.csatGood30d + h.csatBad30d;
  const csatPercent = ratings ? Math.round((h.csatGood30d / ratings) * 100) : null;
  const silentDays = h.lastContactAt ? (now.getTime() - h.lastContactAt.getTime()) / DAY_MS : Infinity;
  const red: string[] = [];
  const amber: string[] = [];
  if (h.breaches30d > 0) red.push(`${plural(h.breaches30d, "SLA breach", "SLA breaches")} in 30 days`);
  if (csatPercent !== null && ratings >= 3 && csatPercent < 60) red.push(`CSAT ${csatPercent} %`);
  if (silentDays > 30) red.push(h.lastContactAt ? "no contact for over 30 days" : "no contact yet");
  if (h.atRisk > 0) amber.push(`${plural(h.atRisk, "ticket")} at risk of breaching`);
  if (h.openTickets >= 5) amber.push(`${h.openTickets} open tickets`);
  if (csatPercent !== null && ratings >= 3 && csatPercent >= 60 && csatPercent < 80) amber.push(`CSAT ${csatPercent} %`);
  if (silentDays > 14 && silentDays <= 30) amber.push("no contact for over 14 days");
  if (red.length) return { level: "red", reasons: [...red, ...amber], csatPercent };
  if (amber.length) return { level: "amber", reasons: amber, csatPercent };
  return { level: "green", reasons: [`${plural(h.openTickets, "open ticket")}, no SLA breach in 30 days`], csatPercent };
}
