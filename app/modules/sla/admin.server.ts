// Administration of calendars, policies and escalation rules (/admin/sla). Every change that can
// move due times queues one background recompute of the open tickets.
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { businessCalendars, escalationRules, groups, organizations, slaPolicies, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit, type AuditBy } from "../audit/audit.server";
import { validateCalendar, WEEKDAYS, type BusinessCalendar } from "./business-time";
import { calendarFieldErrors } from "./calendar-form";
import { enqueueSlaRecompute, latestSlaRecompute } from "./jobs.server";
import { channels, orderPolicies, plans, runnableStatuses, slaMetrics, slaPriorities, type Targets } from "./policy";
import { checkWebhookTarget } from "../webhooks/safe-fetch.server";
import { webhookUrlProblem } from "./webhook";
import { SLACK_CHANNEL_ID, slackChannelIdMessage } from "../slack/constants";

export class SlaAdminError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

export { channels, plans, runnableStatuses };

export async function slaOverview() {
  const [calendars, policies, rules, recompute] = await Promise.all([
    db().select().from(businessCalendars).orderBy(asc(businessCalendars.name)),
    db().select().from(slaPolicies),
    db().select().from(escalationRules).orderBy(asc(escalationRules.name)),
    latestSlaRecompute(),
  ]);
  return { calendars, policies: orderPolicies(policies), rules, recompute };
}

export async function slaFormOptions() {
  const [groupRows, orgRows, staff, calendars, policies] = await Promise.all([
    db().select({ id: groups.id, name: groups.name }).from(groups).orderBy(asc(groups.name)),
    db().select({ id: organizations.id, name: organizations.name }).from(organizations).orderBy(asc(organizations.name)),
    db()
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(and(ne(users.role, "customer"), isNull(users.disabledAt)))
      .orderBy(asc(users.name)),
    db().select({ id: businessCalendars.id, name: businessCalendars.name }).from(businessCalendars).orderBy(asc(businessCalendars.name)),
    db().select({ id: slaPolicies.id, name: slaPolicies.name }).from(slaPolicies).orderBy(asc(slaPolicies.name)),
  ]);
  return { groups: groupRows, organizations: orgRows, staff, calendars, policies };
}

// ---- calendars ----

export async function getCalendar(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db().select().from(businessCalendars).where(eq(businessCalendars.id, id));
  return row ?? null;
}

/** Validates and saves a calendar; validateCalendar's messages come back beside the fields. */
export async function saveCalendar(id: string | null, name: string, calendar: BusinessCalendar, extraErrors: Record<string, string> = {}, by?: AuditBy): Promise<string> {
  const problems = calendarFieldErrors(validateCalendar(calendar));
  const fieldErrors = { ...problems.fieldErrors, ...extraErrors };
  if (!name.trim()) fieldErrors.name = "Name the calendar.";
  if (Object.keys(fieldErrors).length || problems.formError) throw new SlaAdminError(problems.formError ?? "Fix the marked fields.", fieldErrors);
  const at = now();
  const values = { name: name.trim(), timeZone: calendar.timeZone, hours: calendar.hours, holidays: calendar.holidays, updatedAt: at };
  return db().transaction(async (tx) => {
    const [clash] = await tx.select({ id: businessCalendars.id }).from(businessCalendars).where(eq(businessCalendars.name, values.name));
    if (clash && clash.id !== id) throw new SlaAdminError("Another calendar has this name.", { name: "Another calendar has this name." });
    let savedId = id;
    if (id) {
      const updated = await tx.update(businessCalendars).set(values).where(eq(businessCalendars.id, id)).returning({ id: businessCalendars.id });
      if (!updated.length) throw new SlaAdminError("The calendar no longer exists.", {}, 404);
      await enqueueSlaRecompute(tx, `calendar ${values.name} changed`);
    } else {
      const [row] = await tx.insert(businessCalendars).values({ ...values, createdAt: at }).returning({ id: businessCalendars.id });
      savedId = row!.id;
    }
    if (by) await audit(tx, { ...byFields(by), action: "sla.calendar_saved", targetType: "sla_calendar", targetId: savedId!, data: { name: values.name, timeZone: values.timeZone, created: !id } });
    return savedId!;
  });
}

export async function deleteCalendar(id: string, by?: AuditBy): Promise<void> {
  const [used] = await db().select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.calendarId, id)).limit(1);
  if (used) throw new SlaAdminError("This calendar is used by a policy; choose another calendar there first.", {}, 409);
  await db().transaction(async (tx) => {
    const deleted = await tx.delete(businessCalendars).where(eq(businessCalendars.id, id)).returning({ name: businessCalendars.name });
    if (by && deleted.length) await audit(tx, { ...byFields(by), action: "sla.calendar_deleted", targetType: "sla_calendar", targetId: id, data: { name: deleted[0]!.name } });
  });
}

// ---- policies ----

const ids = z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid()));
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values)));

export const policyFormSchema = z.object({
  name: z.string().trim().min(2, "Name the policy (at least 2 characters).").max(80, "Keep the name under 80 characters."),
  active: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  plans: listOf(plans),
  organizationIds: ids,
  priorities: listOf(slaPriorities),
  groupIds: ids,
  channels: listOf(channels),
  calendarId: z.uuid("Choose a calendar."),
  pauseStatuses: listOf(runnableStatuses),
  warnPercent: z.coerce.number("Enter a percentage.").int("Use a whole percentage.").min(1, "Between 1 and 99 %.").max(99, "Between 1 and 99 %."),
});

/** Targets from fields t_<priority>_<metric> (a number) and u_<priority>_<metric> (minutes | hours). */
export function targetsFromForm(values: Record<string, string>): { targets: Targets; fieldErrors: Record<string, string> } {
  const targets: Record<string, Record<string, number>> = {};
  const fieldErrors: Record<string, string> = {};
  for (const p of slaPriorities) {
    for (const m of slaMetrics) {
      const key = `t_${p}_${m}`;
      const raw = (values[key] ?? "").trim().replace(",", ".");
      if (!raw) continue;
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0) {
        fieldErrors[key] = "Enter a positive number, or leave it empty for no target.";
        continue;
      }
      const minutes = values[`u_${p}_${m}`] === "hours" ? n * 60 : n;
      if (minutes > 525_600) {
        fieldErrors[key] = "At most a year.";
        continue;
      }
      (targets[p] ??= {})[`${m}Minutes`] = minutes;
    }
  }
  return { targets: targets as Targets, fieldErrors };
}

export type PolicyInput = z.infer<typeof policyFormSchema> & { targets: Targets };

export async function getPolicy(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db().select().from(slaPolicies).where(eq(slaPolicies.id, id));
  return row ?? null;
}

export async function savePolicy(id: string | null, input: PolicyInput, by?: AuditBy): Promise<string> {
  const at = now();
  const values = {
    name: input.name,
    active: input.active,
    plans: input.plans,
    organizationIds: input.organizationIds,
    priorities: input.priorities,
    groupIds: input.groupIds,
    channels: input.channels,
    calendarId: input.calendarId,
    pauseStatuses: input.pauseStatuses,
    warnFraction: input.warnPercent / 100,
    targets: input.targets,
    updatedAt: at,
  };
  return db().transaction(async (tx) => {
    const [cal] = await tx.select({ id: businessCalendars.id }).from(businessCalendars).where(eq(businessCalendars.id, input.calendarId));
    if (!cal) throw new SlaAdminError("Choose a calendar.", { calendarId: "Choose a calendar." });
    let savedId = id;
    if (id) {
      const updated = await tx.update(slaPolicies).set(values).where(eq(slaPolicies.id, id)).returning({ id: slaPolicies.id });
      if (!updated.length) throw new SlaAdminError("The policy no longer exists.", {}, 404);
    } else {
      const [{ next }] = (await tx.select({ next: sql<number>`coalesce(max(${slaPolicies.position}), -1) + 1` }).from(slaPolicies)) as [{ next: number }];
      const [row] = await tx.insert(slaPolicies).values({ ...values, position: Number(next), createdAt: at }).returning({ id: slaPolicies.id });
      savedId = row!.id;
    }
    await enqueueSlaRecompute(tx, `policy ${input.name} saved`);
    if (by) {
      const { targets, name, active, calendarId, warnPercent } = input;
      await audit(tx, { ...byFields(by), action: "sla.policy_saved", targetType: "sla_policy", targetId: savedId!, data: { name, active, calendarId, warnPercent, targets, created: !id } });
    }
    return savedId!;
  });
}

/** Moves a policy one place up or down (renumbering positions 0…n−1). */
export async function movePolicy(id: string, direction: "up" | "down", by?: AuditBy): Promise<void> {
  await db().transaction(async (tx) => {
    const ordered = orderPolicies(await tx.select().from(slaPolicies).for("update"));
    const i = ordered.findIndex((p) => p.id === id);
    const j = direction === "up" ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= ordered.length) return;
    [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
    const at = now();
    for (const [position, p] of ordered.entries()) {
      if (p.position !== position || p.id === id) await tx.update(slaPolicies).set({ position, updatedAt: at }).where(eq(slaPolicies.id, p.id));
    }
    await enqueueSlaRecompute(tx, "policy order changed");
    if (by) await audit(tx, { ...byFields(by), action: "sla.policy_moved", targetType: "sla_policy", targetId: id, data: { name: ordered[j]!.name, direction, position: j } });
  });
}

export async function deletePolicy(id: string, by?: AuditBy): Promise<void> {
  await db().transaction(async (tx) => {
    const deleted = await tx.delete(slaPolicies).where(eq(slaPolicies.id, id)).returning({ name: slaPolicies.name });
    await enqueueSlaRecompute(tx, "policy deleted");
    if (by && deleted.length) await audit(tx, { ...byFields(by), action: "sla.policy_deleted", targetType: "sla_policy", targetId: id, data: { name: deleted[0]!.name } });
  });
}

// ---- escalation rules ----

export const ruleFormSchema = z.object({
  name: z.string().trim().min(2, "Name the rule (at least 2 characters).").max(80, "Keep the name under 80 characters."),
  active: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  metric: z.enum(["any", ...slaMetrics], "Choose a metric."),
  trigger: z.enum(["warning", "breach"], "Choose warning or breach."),
  plans: listOf(plans),
  priorities: listOf(slaPriorities),
  groupIds: ids,
  organizationIds: ids,
  policyIds: ids,
  notifyAssignee: z.preprocess((v) => v === "on", z.boolean()),
  notifyGroup: z.preprocess((v) => v === "on", z.boolean()),
  notifyAdmins: z.preprocess((v) => v === "on", z.boolean()),
  notifyUserIds: ids,
  webhookUrl: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => v || null)
    .superRefine((v, ctx) => {
      const problem = v ? webhookUrlProblem(v) : null;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  slackChannelId: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || SLACK_CHANNEL_ID.test(v), slackChannelIdMessage),
  reassignGroupId: z.union([z.literal(""), z.uuid()]).optional().transform((v) => v || null),
  reassignUserId: z.union([z.literal(""), z.uuid()]).optional().transform((v) => v || null),
  raisePriority: z.preprocess((v) => v === "on", z.boolean()),
  setEscalationLevel: z
    .enum(["", "1", "2", "3"], "Choose a level from 1 to 3.")
    .optional()
    .transform((v) => (v ? Number(v) : null)),
});
export type RuleInput = z.infer<typeof ruleFormSchema>;

export async function getRule(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db().select().from(escalationRules).where(eq(escalationRules.id, id));
  return row ?? null;
}

export async function saveRule(id: string | null, d: RuleInput, by?: AuditBy): Promise<string> {
  const hasAction =
    d.notifyAssignee || d.notifyGroup || d.notifyAdmins || d.notifyUserIds.length || d.webhookUrl || d.slackChannelId || d.reassignGroupId || d.reassignUserId || d.raisePriority || d.setEscalationLevel;
  if (!hasAction) throw new SlaAdminError("Choose at least one action.");
  if (d.webhookUrl) {
    // Save-time SSRF check (resolves the host); the send checks again after resolution.
    const problem = await checkWebhookTarget(d.webhookUrl);
    if (problem) throw new SlaAdminError("Fix the marked fields.", { webhookUrl: problem });
  }
  const values = {
    name: d.name,
    active: d.active,
    metric: d.metric,
    trigger: d.trigger,
    conditions: { plans: d.plans, priorities: d.priorities, groupIds: d.groupIds, organizationIds: d.organizationIds, policyIds: d.policyIds },
    actions: {
      notifyAssignee: d.notifyAssignee,
      notifyGroup: d.notifyGroup,
      notifyAdmins: d.notifyAdmins,
      notifyUserIds: d.notifyUserIds,
      webhookUrl: d.webhookUrl,
      slackChannelId: d.slackChannelId,
      reassignGroupId: d.reassignGroupId,
      reassignUserId: d.reassignUserId,
      raisePriority: d.raisePriority,
      setEscalationLevel: d.setEscalationLevel,
    },
    updatedAt: now(),
  };
  return db().transaction(async (tx) => {
    let savedId = id;
    if (id) {
      const updated = await tx.update(escalationRules).set(values).where(eq(escalationRules.id, id)).returning({ id: escalationRules.id });
      if (!updated.length) throw new SlaAdminError("The rule no longer exists.", {}, 404);
    } else {
      const [row] = await tx.insert(escalationRules).values(values).returning({ id: escalationRules.id });
      savedId = row!.id;
    }
    if (by) {
      const data = { name: values.name, active: values.active, metric: values.metric, trigger: values.trigger, conditions: values.conditions, actions: values.actions, created: !id };
      await audit(tx, { ...byFields(by), action: "sla.rule_saved", targetType: "escalation_rule", targetId: savedId!, data });
    }
    return savedId!;
  });
}

export async function deleteRule(id: string, by?: AuditBy): Promise<void> {
  await db().transaction(async (tx) => {
    const deleted = await tx.delete(escalationRules).where(eq(escalationRules.id, id)).returning({ name: escalationRules.name });
    if (by && deleted.length) await audit(tx, { ...byFields(by), action: "sla.rule_deleted", targetType: "escalation_rule", targetId: id, data: { name: deleted[0]!.name } });
  });
}

function byFields(by: AuditBy) {
  return { actorId: by.actorId, ip: by.ip };
}

export { WEEKDAYS };
