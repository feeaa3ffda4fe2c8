// SLA policy selection and the pure vocabulary shared by the admin forms, the engine and the UI.
import { z } from "zod";
import type { TicketStatus } from "./clock";

export const slaMetrics = ["firstResponse", "nextResponse", "resolution"] as const;
export type SlaMetricName = (typeof slaMetrics)[number];

export const slaMetricLabels: Record<SlaMetricName, string> = {
  firstResponse: "First response",
  nextResponse: "Next response",
  resolution: "Resolution",
};

export const slaPriorities = ["low", "normal", "high", "urgent"] as const;
export const plans = ["standard", "enterprise", "beta"] as const;
export const channels = ["web", "email", "api", "slack"] as const;
/** Statuses a clock may run in (and so may be chosen as pause statuses). */
export const runnableStatuses = ["new", "open", "pending", "on_hold"] as const;
export type SlaPriority = (typeof slaPriorities)[number];

const minutes = z.number().positive().max(60 * 24 * 365).optional();
export const targetSetSchema = z.object({ firstResponseMinutes: minutes, nextResponseMinutes: minutes, resolutionMinutes: minutes });
export type TargetSet = z.infer<typeof targetSetSchema>;
export const targetsSchema = z.object({ low: targetSetSchema.optional(), normal: targetSetSchema.optional(), high: targetSetSchema.optional(), urgent: targetSetSchema.optional() });
export type Targets = z.infer<typeof targetsSchema>;

/** What a policy (or an escalation rule) is matched against. */
export interface SlaTicketFacts {
  plan: string;
  organizationId: string;
  priority: string;
  groupId: string | null;
  channel: string;
}

export interface MatchConditions {
  plans?: readonly string[];
  organizationIds?: readonly string[];
  priorities?: readonly string[];
  groupIds?: readonly string[];
  channels?: readonly string[];
}

export interface PolicyLike extends MatchConditions {
  id: string;
  position: number;
  active: boolean;
  name?: string;
}

const any = (list: readonly string[] | undefined, value: string | null): boolean => !list || list.length === 0 || (value !== null && list.includes(value));

/** Every non-empty condition list contains the ticket's value (empty = any). */
export function conditionsMatch(c: MatchConditions, t: SlaTicketFacts): boolean {
  return any(c.plans, t.plan) && any(c.organizationIds, t.organizationId) && any(c.priorities, t.priority) && any(c.groupIds, t.groupId) && any(c.channels, t.channel);
}

/** Orders policies as the admin list shows them: by position, then name, then id. */
export function orderPolicies<P extends PolicyLike>(policies: readonly P[]): P[] {
  return [...policies].sort((a, b) => a.position - b.position || (a.name ?? "").localeCompare(b.name ?? "") || a.id.localeCompare(b.id));
}

/** The first active policy, in order, whose conditions match the ticket; null when none does. */
export function selectPolicy<P extends PolicyLike>(policies: readonly P[], ticket: SlaTicketFacts): P | null {
  for (const p of orderPolicies(policies)) if (p.active && conditionsMatch(p, ticket)) return p;
  return null;
}

/** The targets of a policy for one priority (an empty set when the priority has none). */
export function targetsFor(targets: Targets | null | undefined, priority: string): TargetSet {
  return (targets as Record<string, TargetSet | undefined> | null | undefined)?.[priority] ?? {};
}

export const defaultPauseStatuses: TicketStatus[] = ["pending", "on_hold"];

/** "4 business hours", "30 minutes", "1 day 2 hours" — for the customer's promise and the admin list. */
export function formatTargetMinutes(total: number): string {
  const m = Math.round(total);
  if (m < 60) return `${m} minute${m === 1 ? "" : "s"}`;
  if (m % 60 === 0) {
    const h = m / 60;
    return `${h} hour${h === 1 ? "" : "s"}`;
  }
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** The customer-facing promise: "We aim to reply within 4 business hours." */
export function customerPromise(target: number | undefined, businessHours: boolean, kind: "reply" | "resolve" = "reply"): string | null {
  if (!target || !Number.isFinite(target)) return null;
  const text = formatTargetMinutes(target);
  const qualified = businessHours ? text.replace(/(minutes?|hours?)$/, "business $1").replace(/ h (\d+) min$/, " h $1 min of business time") : text;
  return `We aim to ${kind} within ${qualified}.`;
}

/** Compact signed duration for countdowns: "1 h 05 min", "12 min 30 s", "−3 min". */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "−" : "";
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${sign}${d} d ${h} h`;
  if (h > 0) return `${sign}${h} h ${String(m).padStart(2, "0")} min`;
  return `${sign}${m} min ${String(s).padStart(2, "0")} s`;
}
