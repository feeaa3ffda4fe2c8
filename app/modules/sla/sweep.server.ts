// The SLA sweep: finds new warnings and breaches with set-based SQL over the pending instants of
// sla_timers (partial indexes), records each once in sla_events (unique per ticket, metric, kind
// and cycle), writes the timeline and runs the matching escalation rules exactly once each.
// Everything is set-based per batch: the rules are evaluated in memory over the batch and their
// effects written with multi-row statements, so a batch costs a fixed number of statements
// whatever its size (tests/integration/sla-sweep-batch.test.ts counts them).
//
// Safe with several sweepers at once: rows are claimed with FOR UPDATE SKIP LOCKED and cleared in
// the same statement; the unique sla_events and escalation_firings rows make every event and
// every action happen once even when a recompute re-arms an instant that already fired.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { escalationFirings, escalationRules, groupMembers, jobs, notifications, organizations, ticketEvents, tickets, users } from "../../../db/schema";
import { rowsOf, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import { enqueueEmails, type AnyEnqueueInput } from "../email/outbox.server";
import { escapeSlack } from "../slack/format";
import { SLACK_NOTIFY_JOB } from "../slack/constants";
import { recomputeTicketsSla } from "./apply.server";
import { conditionsMatch, slaMetricLabels, type SlaMetricName } from "./policy";
import { emitTicketEvents, slaWebhookItems } from "../webhooks/emit.server";

export interface FiredSlaEvent {
  id: number;
  ticketId: string;
  metric: SlaMetricName;
  kind: "warning" | "breach";
  cycle: number;
  dueAt: Date | null;
}

export interface SweepResult {
  warnings: number;
  breaches: number;
  escalations: number;
  batches: number;
}

/** Warnings (and as many breaches) claimed per transaction. */
const BATCH = 1000;

/** Job type of an escalation rule's Slack-compatible webhook (delivered by jobs.server.ts). */
export const SLA_WEBHOOK_JOB = "sla.webhook";

/** Claims up to BATCH pending instants of one kind and records them; returns what was claimed and what was new. */
async function sweepKind(tx: Executor, kind: "warning" | "breach", at: Date): Promise<{ claimed: number; fired: FiredSlaEvent[] }> {
  const column = kind === "warning" ? sql.raw("warn_at") : sql.raw("due_at");
  // Warning: elapsed has reached the threshold (at ≥ warn_at). Breach: now > due.
  const reached = kind === "warning" ? sql`t.warn_at <= ${at.toISOString()}::timestamptz` : sql`t.due_at < ${at.toISOString()}::timestamptz`;
  const eventType = kind === "warning" ? "sla_warning" : "sla_breach";
  const result = await tx.execute(sql`
    with picked as (
      select t.ticket_id, t.metric, t.cycle, t.${column} as instant
      from sla_timers t
      where t.${column} is not null and ${reached}
      order by t.${column}
      limit ${BATCH}
      for update skip locked
    ), claimed as (
      update sla_timers s set ${column} = null
      from picked p
      where s.ticket_id = p.ticket_id and s.metric = p.metric
      returning p.ticket_id, p.metric, p.cycle, p.instant
    ), inserted as (
      insert into sla_events (ticket_id, metric, kind, cycle, at, due_at)
      select ticket_id, metric, ${kind}::text, cycle, ${at.toISOString()}::timestamptz, instant from claimed
      on conflict do nothing
      returning id, ticket_id, metric, kind, cycle, due_at
    ), timeline as (
      insert into ticket_events (ticket_id, at, type, data)
      select ticket_id, ${at.toISOString()}::timestamptz, ${eventType}::text,
             jsonb_build_object('metric', metric, 'cycle', cycle, 'dueAt', due_at)
      from inserted
    )
    select (select count(*) from claimed)::int as claimed, i.id, i.ticket_id, i.metric, i.kind, i.cycle, i.due_at
    from (select 1) one left join inserted i on true
  `);
  const rows = rowsOf<{ claimed: number; id: number | string | null; ticket_id: string; metric: SlaMetricName; kind: "warning" | "breach"; cycle: number; due_at: string | Date | null }>(result);
  const claimed = Number(rows[0]?.claimed ?? 0);
  const fired = rows
    .filter((r) => r.id !== null)
    .map((r) => ({ id: Number(r.id), ticketId: r.ticket_id, metric: r.metric, kind: r.kind, cycle: Number(r.cycle), dueAt: r.due_at ? new Date(r.due_at) : null }));
  return { claimed, fired };
}

type RuleRow = typeof escalationRules.$inferSelect;

const raise: Record<string, "normal" | "high" | "urgent"> = { low: "normal", normal: "high", high: "urgent", urgent: "urgent" };

function dueText(d: Date | null): string {
  return d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "now";
}

/** Rows per multi-row INSERT: keeps every statement far below Postgres' 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(rows: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const firingKey = (ruleId: string, ticketId: string, metric: string, cycle: number) => `${ruleId}|${ticketId}|${metric}|${cycle}`;

type TicketFacts = {
  id: string;
  number: number;
  subject: string;
  priority: "low" | "normal" | "high" | "urgent";
  groupId: string | null;
  assigneeId: string | null;
  organizationId: string;
  channel: string;
  slaPolicyId: string | null;
  escalationLevel: number;
  plan: string;
};

/** One rule firing for one event, planned in memory before anything is written. */
interface PlannedFiring {
  rule: RuleRow;
  event: FiredSlaEvent;
  ticket: { id: string; number: number; subject: string };
  recipientIds: string[];
  /** Changes to the ticket, each with its timeline event (as the rule saw the ticket). */
  patch: { groupId?: string; assigneeId?: string; priority?: "normal" | "high" | "urgent"; escalationLevel?: number };
  events: { type: "group" | "assignment" | "priority"; data: { from: string | null; to: string | null; reason: "escalation" } }[];
}

export interface EscalationOutcome {
  /** Rule firings written (each one exactly once). */
  count: number;
  /** ticket.updated webhook events for the tickets an escalation reassigned or re-prioritized, in order. */
  ticketUpdates: { type: "ticket.updated"; ticketId: string; extra: Record<string, unknown> }[];
}

/** Runs the active escalation rules for newly fired events (in the sweep's transaction). */
export async function escalate(tx: Executor, fired: FiredSlaEvent[], at: Date, rules?: RuleRow[]): Promise<number> {
  const outcome = await escalateBatch(tx, fired, at, rules);
  if (outcome.ticketUpdates.length) await emitTicketEvents(tx, outcome.ticketUpdates);
  return outcome.count;
}

/**
 * The escalation rules over a batch of fired events, set-based: the rules, the tickets, firings
 * that already exist, group members, admins and recipients are read with one statement each; the
 * rules are evaluated in memory event by event (in order, each seeing the ticket as the previous
 * firings left it, exactly as a per-event loop would); then firings, notifications, outbox mails,
 * webhook/Slack jobs, ticket changes and timeline rows are written with multi-row statements.
 * The number of statements does not grow with the number of events (except one per
 * ROWS_PER_STATEMENT rows): the SLA recompute of tickets whose priority or group changed is
 * batched too (recomputeTicketsSla).
 */
export async function escalateBatch(tx: Executor, fired: FiredSlaEvent[], at: Date, rules?: RuleRow[]): Promise<EscalationOutcome> {
  const none: EscalationOutcome = { count: 0, ticketUpdates: [] };
  if (fired.length === 0) return none;
  const active = rules ?? (await tx.select().from(escalationRules).where(eq(escalationRules.active, true)).orderBy(asc(escalationRules.createdAt), asc(escalationRules.id)));
  // Pairs whose trigger and metric match; the ticket's conditions are checked while planning.
  const pairs = fired.flatMap((event) => active.filter((rule) => rule.trigger === event.kind && (rule.metric === "any" || rule.metric === event.metric)).map((rule) => ({ event, rule })));
  if (pairs.length === 0) return none;

  const ticketIds = [...new Set(pairs.map((p) => p.event.ticketId))];
  const facts: TicketFacts[] = await tx
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      priority: tickets.priority,
      groupId: tickets.groupId,
      assigneeId: tickets.assigneeId,
      organizationId: tickets.organizationId,
      channel: tickets.channel,
      slaPolicyId: tickets.slaPolicyId,
      escalationLevel: tickets.escalationLevel,
      plan: organizations.plan,
    })
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(inArray(tickets.id, ticketIds));
  const byId = new Map(facts.map((f) => [f.id, { ...f }]));

  // Firings that exist already (a rule whose trigger was edited, events recorded again): skipped.
  const candidates = pairs.filter((p) => byId.has(p.event.ticketId)).map((p) => ({ rule_id: p.rule.id, ticket_id: p.event.ticketId, metric: p.event.metric, cycle: p.event.cycle }));
  const existing = new Set(
    candidates.length === 0
      ? []
      : rowsOf<{ rule_id: string; ticket_id: string; metric: string; cycle: number }>(
          await tx.execute(sql`
            select f.rule_id, f.ticket_id, f.metric, f.cycle
            from jsonb_to_recordset(${JSON.stringify(candidates)}::jsonb) as c(rule_id uuid, ticket_id uuid, metric text, cycle int)
            join escalation_firings f on f.rule_id = c.rule_id and f.ticket_id = c.ticket_id and f.metric = c.metric and f.cycle = c.cycle`),
        ).map((r) => firingKey(r.rule_id, r.ticket_id, r.metric, Number(r.cycle))),
  );

  // Who may be notified: members of every group a ticket is in or may be moved to, and the admins.
  const notifyGroup = active.some((r) => r.actions.notifyGroup);
  const groupIds = notifyGroup ? [...new Set([...facts.map((f) => f.groupId), ...active.map((r) => r.actions.reassignGroupId)].filter((g): g is string => !!g))] : [];
  const members = new Map<string, string[]>();
  if (groupIds.length) {
    for (const m of await tx.select({ groupId: groupMembers.groupId, userId: groupMembers.userId }).from(groupMembers).where(inArray(groupMembers.groupId, groupIds))) {
      members.set(m.groupId, [...(members.get(m.groupId) ?? []), m.userId]);
    }
  }
  const admins = active.some((r) => r.actions.notifyAdmins)
    ? (await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), isNull(users.disabledAt)))).map((u) => u.id)
    : [];

  // Plan: the rules in order over the events in order, on the ticket as earlier firings left it.
  const planned: PlannedFiring[] = [];
  for (const { event, rule } of pairs) {
    const t = byId.get(event.ticketId);
    if (!t) continue;
    if (!conditionsMatch(rule.conditions, t)) continue;
    const policyIds = rule.conditions.policyIds ?? [];
    if (policyIds.length && (!t.slaPolicyId || !policyIds.includes(t.slaPolicyId))) continue;
    if (existing.has(firingKey(rule.id, t.id, event.metric, event.cycle))) continue;
    const a = rule.actions;
    const recipients = new Set<string>();
    if (a.notifyAssignee && t.assigneeId) recipients.add(t.assigneeId);
    if (a.notifyGroup && t.groupId) for (const id of members.get(t.groupId) ?? []) recipients.add(id);
    for (const id of a.notifyUserIds ?? []) recipients.add(id);
    if (a.notifyAdmins) for (const id of admins) recipients.add(id);
    const firing: PlannedFiring = { rule, event, ticket: { id: t.id, number: t.number, subject: t.subject }, recipientIds: [...recipients], patch: {}, events: [] };
    if (a.reassignGroupId && a.reassignGroupId !== t.groupId) {
      firing.patch.groupId = a.reassignGroupId;
      firing.events.push({ type: "group", data: { from: t.groupId, to: a.reassignGroupId, reason: "escalation" } });
      t.groupId = a.reassignGroupId;
    }
    if (a.reassignUserId && a.reassignUserId !== t.assigneeId) {
      firing.patch.assigneeId = a.reassignUserId;
      firing.events.push({ type: "assignment", data: { from: t.assigneeId, to: a.reassignUserId, reason: "escalation" } });
      t.assigneeId = a.reassignUserId;
    }
    if (a.raisePriority && t.priority !== "urgent") {
      const to = raise[t.priority]!;
      firing.patch.priority = to;
      firing.events.push({ type: "priority", data: { from: t.priority, to, reason: "escalation" } });
      t.priority = to;
    }
    if (a.setEscalationLevel && a.setEscalationLevel > t.escalationLevel) {
      firing.patch.escalationLevel = a.setEscalationLevel;
      t.escalationLevel = a.setEscalationLevel;
    }
    planned.push(firing);
  }
  if (planned.length === 0) return none;

  // The firing rows are the once-only gate: an action runs only for a row this statement wrote.
  const ids = new Map<string, number>();
  for (const part of chunks(planned)) {
    const rows = await tx
      .insert(escalationFirings)
      .values(part.map((f) => ({ ruleId: f.rule.id, ticketId: f.ticket.id, metric: f.event.metric, cycle: f.event.cycle, at })))
      .onConflictDoNothing()
      .returning({ id: escalationFirings.id, ruleId: escalationFirings.ruleId, ticketId: escalationFirings.ticketId, metric: escalationFirings.metric, cycle: escalationFirings.cycle });
    for (const r of rows) ids.set(firingKey(r.ruleId, r.ticketId, r.metric, r.cycle), r.id);
  }
  const confirmed = planned.flatMap((f) => {
    const id = ids.get(firingKey(f.rule.id, f.ticket.id, f.event.metric, f.event.cycle));
    return id === undefined ? [] : [{ ...f, firingId: id }];
  });
  if (confirmed.length < planned.length) log("warn", "escalation firings written concurrently were skipped", { planned: planned.length, written: confirmed.length });

  const recipientIds = [...new Set(confirmed.flatMap((f) => f.recipientIds))];
  const people = new Map(
    (recipientIds.length
      ? await tx.select({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, recipientIds))
      : []
    ).map((p) => [p.id, p]),
  );

  const appUrl = env().APP_URL;
  const notificationRows: (typeof notifications.$inferInsert)[] = [];
  const mails: AnyEnqueueInput[] = [];
  const jobRows: (typeof jobs.$inferInsert)[] = [];
  const timelineRows: (typeof ticketEvents.$inferInsert)[] = [];
  const ticketUpdates: EscalationOutcome["ticketUpdates"] = [];
  const patches = new Map<string, PlannedFiring["patch"] & { bumps: number }>();
  const touched = new Set<string>();
  const queuedAt = now();
  for (const f of confirmed) {
    const { rule, event, ticket: t } = f;
    const a = rule.actions;
    const metricLabel = slaMetricLabels[event.metric];
    const what = event.kind === "breach" ? `${metricLabel} SLA breached` : `${metricLabel} SLA at risk`;
    const text = `${what} on #${t.number} ${t.subject} (${event.kind === "breach" ? "was due" : "due"} ${dueText(event.dueAt)}) — ${appUrl}/desk/tickets/${t.number}`;
    const done: string[] = [];
    const staff = f.recipientIds.flatMap((id) => {
      const p = people.get(id);
      return p && p.role !== "customer" && !p.disabledAt ? [p] : [];
    });
    if (staff.length) {
      for (const p of staff) {
        notificationRows.push({ userId: p.id, ticketId: t.id, text, createdAt: at });
        mails.push({
          to: p.email,
          toUserId: p.id,
          template: "sla_escalation",
          data: { name: p.name, number: t.number, subject: t.subject, metricLabel, kind: event.kind, dueAt: dueText(event.dueAt), ruleName: rule.name, ticketUrl: `${appUrl}/desk/tickets/${t.number}` },
        });
      }
      done.push(`notified ${staff.length}`);
    }
    if (a.webhookUrl) {
      jobRows.push({ type: SLA_WEBHOOK_JOB, payload: { url: a.webhookUrl, text, firingId: f.firingId }, runAt: queuedAt, createdAt: queuedAt, uniqueKey: `sla-webhook:${f.firingId}`, maxAttempts: 6 });
      done.push("webhook");
    }
    if (a.slackChannelId) {
      const key = `escalation:${f.firingId}`;
      jobRows.push({ type: SLACK_NOTIFY_JOB, payload: { channelId: a.slackChannelId, text: `:rotating_light: ${escapeSlack(text)}`, key }, runAt: queuedAt, createdAt: queuedAt, uniqueKey: `slack-notify:${key}`, maxAttempts: 6 });
      done.push("slack");
    }
    if (f.patch.escalationLevel) done.push(`level ${f.patch.escalationLevel}`);
    if (Object.keys(f.patch).length) {
      const p = patches.get(t.id) ?? { bumps: 0 };
      patches.set(t.id, { ...p, ...f.patch, bumps: p.bumps + 1 });
      if (f.patch.groupId || f.patch.priority) touched.add(t.id);
      const changes = Object.fromEntries(f.events.filter((e) => e.data.from !== e.data.to).map((e) => [e.type === "assignment" ? "assignee" : e.type, { from: e.data.from, to: e.data.to }]));
      if (Object.keys(changes).length) ticketUpdates.push({ type: "ticket.updated", ticketId: t.id, extra: { changes } });
    }
    for (const e of f.events) done.push(e.type);
    timelineRows.push(
      ...f.events.map((e) => ({ ticketId: t.id, at, type: e.type, data: e.data })),
      { ticketId: t.id, at, type: "escalation", data: { rule: rule.name, ruleId: rule.id, metric: event.metric, kind: event.kind, cycle: event.cycle, actions: done } },
    );
  }

  for (const part of chunks(notificationRows)) await tx.insert(notifications).values(part);
  await enqueueEmails(tx, mails);
  for (const part of chunks(jobRows)) {
    await tx
      .insert(jobs)
      .values(part)
      .onConflictDoNothing({ target: jobs.uniqueKey, where: sql`status in ('queued', 'running')` });
  }
  if (patches.size) {
    // Only the fields an escalation changed are set; version grows by one per changing firing.
    const rows = [...patches]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, p]) => ({
      id,
      set_group: p.groupId !== undefined,
      group_id: p.groupId ?? null,
      set_assignee: p.assigneeId !== undefined,
      assignee_id: p.assigneeId ?? null,
      priority: p.priority ?? null,
      escalation_level: p.escalationLevel ?? null,
      bumps: p.bumps,
    }));
    await tx.execute(sql`
      update tickets t set
        group_id = case when x.set_group then x.group_id else t.group_id end,
        assignee_id = case when x.set_assignee then x.assignee_id else t.assignee_id end,
        priority = coalesce(x.priority::ticket_priority, t.priority),
        escalation_level = coalesce(x.escalation_level, t.escalation_level),
        version = t.version + x.bumps,
        updated_at = ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id uuid, set_group boolean, group_id uuid, set_assignee boolean, assignee_id uuid, priority text, escalation_level int, bumps int)
      where t.id = x.id`);
  }
  for (const part of chunks(timelineRows)) await tx.insert(ticketEvents).values(part);
  // A new priority or group may change the policy and the targets (one batched recompute).
  if (touched.size) await recomputeTicketsSla(tx, [...touched], at);
  return { count: confirmed.length, ticketUpdates };
}

/**
 * One sweep: claims pending warning and breach instants that have been reached, in batches, each
 * batch in its own transaction with its timeline rows and escalations. Nothing pending, nothing written.
 */
async function anythingPending(database: Database, at: Date): Promise<boolean> {
  const instant = at.toISOString();
  const [row] = rowsOf<{ pending: boolean }>(
    await database.execute(sql`
      select exists (select 1 from sla_timers where warn_at is not null and warn_at <= ${instant}::timestamptz)
          or exists (select 1 from sla_timers where due_at is not null and due_at < ${instant}::timestamptz) as pending`),
  );
  return row?.pending === true;
}

export async function runSlaSweep(database: Database, at: Date = now()): Promise<SweepResult> {
  const result: SweepResult = { warnings: 0, breaches: 0, escalations: 0, batches: 0 };
  // Most sweeps find nothing: one probe of the partial indexes (two index-only lookups) answers
  // that without a transaction and the claiming statements (docs/performance.md).
  if (!(await anythingPending(database, at))) return result;
  for (let round = 0; round < 200; round++) {
    const more = await database.transaction(async (tx) => {
      const w = await sweepKind(tx, "warning", at);
      const b = await sweepKind(tx, "breach", at);
      const fired = [...w.fired, ...b.fired];
      result.warnings += w.fired.length;
      result.breaches += b.fired.length;
      const escalated = await escalateBatch(tx, fired, at);
      result.escalations += escalated.count;
      // Webhook events in the order a per-event loop wrote them: the escalations' ticket.updated,
      // then sla.warning / sla.breached — one subscriber check and one insert for the batch.
      await emitTicketEvents(tx, [...escalated.ticketUpdates, ...slaWebhookItems(fired)]);
      return w.claimed === BATCH || b.claimed === BATCH;
    });
    result.batches++;
    if (!more) break;
  }
  if (result.warnings || result.breaches) log("info", "sla sweep", { ...result });
  return result;
}
