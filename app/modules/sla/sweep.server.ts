// The SLA sweep: finds new warnings and breaches with set-based SQL over the pending instants of
// sla_timers (partial indexes), records each once in sla_events (unique per ticket, metric, kind
// and cycle), writes the timeline and runs the matching escalation rules exactly once each.
//
// Safe with several sweepers at once: rows are claimed with FOR UPDATE SKIP LOCKED and cleared in
// the same statement; the unique sla_events and escalation_firings rows make every event and
// every action happen once even when a recompute re-arms an instant that already fired.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { escalationFirings, escalationRules, groupMembers, notifications, organizations, ticketEvents, tickets, users } from "../../../db/schema";
import { rowsOf, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import { enqueueEmail } from "../email/outbox.server";
import { enqueueJob } from "../jobs/runner.server";
import { escapeSlack } from "../slack/format";
import { queueSlackNotification } from "../slack/outbound.server";
import { recomputeTicketSla } from "./apply.server";
import { conditionsMatch, slaMetricLabels, type SlaMetricName } from "./policy";
import { emitSlaWebhooks, emitTicketUpdated } from "../webhooks/emit.server";

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

const BATCH = 500;

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

/** Runs the active escalation rules for newly fired events (in the sweep's transaction). */
export async function escalate(tx: Executor, fired: FiredSlaEvent[], at: Date, rules?: RuleRow[]): Promise<number> {
  if (fired.length === 0) return 0;
  const active = rules ?? (await tx.select().from(escalationRules).where(eq(escalationRules.active, true)));
  if (active.length === 0) return 0;
  const ticketIds = [...new Set(fired.map((f) => f.ticketId))];
  const facts = await tx
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
  const byId = new Map(facts.map((f) => [f.id, f]));
  const appUrl = env().APP_URL;
  let count = 0;
  const touched = new Set<string>();
  for (const event of fired) {
    const t = byId.get(event.ticketId);
    if (!t) continue;
    for (const rule of active) {
      if (rule.trigger !== event.kind) continue;
      if (rule.metric !== "any" && rule.metric !== event.metric) continue;
      if (!conditionsMatch(rule.conditions, t)) continue;
      const policyIds = rule.conditions.policyIds ?? [];
      if (policyIds.length && (!t.slaPolicyId || !policyIds.includes(t.slaPolicyId))) continue;
      const [firing] = await tx
        .insert(escalationFirings)
        .values({ ruleId: rule.id, ticketId: t.id, metric: event.metric, cycle: event.cycle, at })
        .onConflictDoNothing()
        .returning({ id: escalationFirings.id });
      if (!firing) continue;
      count++;
      const a = rule.actions;
      const metricLabel = slaMetricLabels[event.metric];
      const what = event.kind === "breach" ? `${metricLabel} SLA breached` : `${metricLabel} SLA at risk`;
      const text = `${what} on #${t.number} ${t.subject} (${event.kind === "breach" ? "was due" : "due"} ${dueText(event.dueAt)}) — ${appUrl}/desk/tickets/${t.number}`;
      const done: string[] = [];

      // Notifications: in-app and by email.
      const recipientIds = new Set<string>();
      if (a.notifyAssignee && t.assigneeId) recipientIds.add(t.assigneeId);
      if (a.notifyGroup && t.groupId) {
        for (const m of await tx.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, t.groupId))) recipientIds.add(m.userId);
      }
      for (const id of a.notifyUserIds ?? []) recipientIds.add(id);
      if (a.notifyAdmins) {
        for (const u of await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), isNull(users.disabledAt)))) recipientIds.add(u.id);
      }
      if (recipientIds.size) {
        const people = await tx
          .select({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt })
          .from(users)
          .where(inArray(users.id, [...recipientIds]));
        const staff = people.filter((p) => p.role !== "customer" && !p.disabledAt);
        if (staff.length) {
          await tx.insert(notifications).values(staff.map((p) => ({ userId: p.id, ticketId: t.id, text, createdAt: at })));
          for (const p of staff) {
            await enqueueEmail(tx, {
              to: p.email,
              toUserId: p.id,
              template: "sla_escalation",
              data: { name: p.name, number: t.number, subject: t.subject, metricLabel, kind: event.kind, dueAt: dueText(event.dueAt), ruleName: rule.name, ticketUrl: `${appUrl}/desk/tickets/${t.number}` },
            });
          }
          done.push(`notified ${staff.length}`);
        }
      }
      if (a.webhookUrl) {
        await enqueueJob(tx, "sla.webhook", { url: a.webhookUrl, text, firingId: firing.id }, { uniqueKey: `sla-webhook:${firing.id}`, maxAttempts: 6 });
        done.push("webhook");
      }
      if (a.slackChannelId) {
        await queueSlackNotification(tx, { channelId: a.slackChannelId, text: `:rotating_light: ${escapeSlack(text)}`, key: `escalation:${firing.id}` });
        done.push("slack");
      }
      // Changes to the ticket, each with its timeline event.
      const patch: Partial<typeof tickets.$inferInsert> = {};
      const events: { type: string; data: Record<string, unknown> }[] = [];
      if (a.reassignGroupId && a.reassignGroupId !== t.groupId) {
        patch.groupId = a.reassignGroupId;
        events.push({ type: "group", data: { from: t.groupId, to: a.reassignGroupId, reason: "escalation" } });
        t.groupId = a.reassignGroupId;
      }
      if (a.reassignUserId && a.reassignUserId !== t.assigneeId) {
        patch.assigneeId = a.reassignUserId;
        events.push({ type: "assignment", data: { from: t.assigneeId, to: a.reassignUserId, reason: "escalation" } });
        t.assigneeId = a.reassignUserId;
      }
      if (a.raisePriority && t.priority !== "urgent") {
        const to = raise[t.priority]!;
        patch.priority = to;
        events.push({ type: "priority", data: { from: t.priority, to, reason: "escalation" } });
        t.priority = to;
      }
      if (a.setEscalationLevel && a.setEscalationLevel > t.escalationLevel) {
        patch.escalationLevel = a.setEscalationLevel;
        t.escalationLevel = a.setEscalationLevel;
        done.push(`level ${a.setEscalationLevel}`);
      }
      if (Object.keys(patch).length) {
        await tx
          .update(tickets)
          .set({ ...patch, version: sql`${tickets.version} + 1`, updatedAt: at })
          .where(eq(tickets.id, t.id));
        if (patch.groupId || patch.priority) touched.add(t.id);
        await emitTicketUpdated(tx, t.id, Object.fromEntries(events.map((e) => [e.type === "assignment" ? "assignee" : e.type, { from: e.data.from as string | null, to: e.data.to as string | null }])));
      }
      for (const e of events) done.push(e.type);
      await tx.insert(ticketEvents).values([
        ...events.map((e) => ({ ticketId: t.id, at, type: e.type, data: e.data })),
        { ticketId: t.id, at, type: "escalation", data: { rule: rule.name, ruleId: rule.id, metric: event.metric, kind: event.kind, cycle: event.cycle, actions: done } },
      ]);
    }
  }
  // A new priority or group may change the policy and the targets.
  for (const id of touched) await recomputeTicketSla(tx, id, at);
  return count;
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
      result.escalations += await escalate(tx, fired, at);
      await emitSlaWebhooks(tx, fired);
      return w.claimed === BATCH || b.claimed === BATCH;
    });
    result.batches++;
    if (!more) break;
  }
  if (result.warnings || result.breaches) log("info", "sla sweep", { ...result });
  return result;
}
