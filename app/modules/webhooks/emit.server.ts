// Emitting webhook events: one delivery row per enabled, subscribed endpoint, written with the
// transaction of the change (outbox pattern: a rollback drops the deliveries too), and a
// dispatch job queued in the same transaction for the job runner.
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { feedbackItems, groups, organizations, ticketMessages, tickets, users, webhookDeliveries, webhooks } from "../../../db/schema";
import type { Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { enqueueJob } from "../jobs/runner.server";
import type { WebhookDeliveryType, WebhookEventType } from "./events";

export const WEBHOOK_DISPATCH_JOB = "webhooks.dispatch";

/** The JSON every standard endpoint receives. */
export interface WebhookEvent {
  id: string;
  type: WebhookDeliveryType;
  createdAt: string;
  data: Record<string, unknown>;
}

export function buildEvent(type: WebhookDeliveryType, data: Record<string, unknown>): WebhookEvent {
  return { id: randomUUID(), type, createdAt: now().toISOString(), data };
}

/** Queues the dispatcher (at most one unfinished at a time; the periodic retry pass covers the rest). */
export async function enqueueWebhookDispatch(tx: Executor): Promise<void> {
  await enqueueJob(tx, WEBHOOK_DISPATCH_JOB, {}, { uniqueKey: "webhooks-dispatch", maxAttempts: 3 });
}

/**
 * Records `type` for every enabled endpoint subscribed to it. `data` may be a function, called
 * only when someone listens (so a portal without webhooks pays one indexed query). Call it
 * inside the transaction of the change. Returns the number of deliveries written.
 */
export async function emitWebhookEvent(
  tx: Executor,
  type: WebhookEventType,
  data: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
): Promise<number> {
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.enabled, true), sql`${type} = any(${webhooks.events})`));
  if (targets.length === 0) return 0;
  const event = buildEvent(type, typeof data === "function" ? await data() : data);
  const at = now();
  await tx.insert(webhookDeliveries).values(
    targets.map((t) => ({
      webhookId: t.id,
      eventId: event.id,
      eventType: type,
      payload: event as unknown as Record<string, unknown>,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    })),
  );
  await enqueueWebhookDispatch(tx);
  return targets.length;
}

/** A ticket as webhooks describe it: no message bodies, no internal notes. */
export async function ticketWebhookData(tx: Executor, ticketId: string): Promise<Record<string, unknown>> {
  return (await ticketsWebhookData(tx, [ticketId])).get(ticketId) ?? { ticket: { id: ticketId } };
}

/** ticketWebhookData for several tickets with three statements in all (a sweep batch). */
export async function ticketsWebhookData(tx: Executor, ticketIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return out;
  const rows = await tx
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      channel: tickets.channel,
      tags: tickets.tags,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
      organizationId: tickets.organizationId,
      organizationName: organizations.name,
      requesterId: tickets.requesterId,
      assigneeId: tickets.assigneeId,
      groupId: tickets.groupId,
    })
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(inArray(tickets.id, ids));
  const userIds = [...new Set(rows.flatMap((t) => [t.requesterId, t.assigneeId]).filter((x): x is string => !!x))];
  const groupIds = [...new Set(rows.map((t) => t.groupId).filter((x): x is string => !!x))];
  const people = new Map((userIds.length ? await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)) : []).map((u) => [u.id, u.name]));
  const groupNames = new Map((groupIds.length ? await tx.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, groupIds)) : []).map((g) => [g.id, g.name]));
  for (const t of rows) {
    out.set(t.id, {
      ticket: {
        id: t.id,
        number: t.number,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        channel: t.channel,
        tags: t.tags,
        organization: { id: t.organizationId, name: t.organizationName },
        requester: { id: t.requesterId, name: people.get(t.requesterId) ?? null },
        assignee: t.assigneeId ? { id: t.assigneeId, name: people.get(t.assigneeId) ?? null } : null,
        group: t.groupId ? { id: t.groupId, name: groupNames.get(t.groupId) ?? null } : null,
        url: `${env().APP_URL}/desk/tickets/${t.number}`,
        createdAt: t.createdAt.toISOString(),
        updatedAt: t.updatedAt.toISOString(),
      },
    });
  }
  return out;
}

export type TicketEventType = "ticket.created" | "ticket.updated" | "ticket.replied" | "sla.warning" | "sla.breached";

const DELIVERY_ROWS_PER_STATEMENT = 500;

/**
 * Several ticket events at once, in order (the SLA sweep's batches): one subscriber check, the
 * tickets described with three statements, multi-row delivery inserts and one dispatch job —
 * whatever the number of events. Returns the number of deliveries written.
 */
export async function emitTicketEvents(tx: Executor, items: { type: TicketEventType; ticketId: string; extra?: Record<string, unknown> }[]): Promise<number> {
  if (items.length === 0) return 0;
  const types = [...new Set(items.map((i) => i.type))];
  const targets = await tx
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(and(eq(webhooks.enabled, true), sql`${webhooks.events} && array[${sql.join(types.map((t) => sql`${t}`), sql`, `)}]::text[]`));
  if (targets.length === 0) return 0;
  const heard = items.filter((i) => targets.some((t) => t.events.includes(i.type)));
  const data = await ticketsWebhookData(
    tx,
    heard.map((i) => i.ticketId),
  );
  const at = now();
  const rows = heard.flatMap((item) => {
    const event = buildEvent(item.type, { ...(data.get(item.ticketId) ?? { ticket: { id: item.ticketId } }), ...item.extra });
    return targets
      .filter((t) => t.events.includes(item.type))
      .map((t) => ({ webhookId: t.id, eventId: event.id, eventType: item.type, payload: event as unknown as Record<string, unknown>, nextAttemptAt: at, createdAt: at, updatedAt: at }));
  });
  for (let i = 0; i < rows.length; i += DELIVERY_ROWS_PER_STATEMENT) await tx.insert(webhookDeliveries).values(rows.slice(i, i + DELIVERY_ROWS_PER_STATEMENT));
  await enqueueWebhookDispatch(tx);
  return rows.length;
}

/** Emits a ticket event with the ticket's description plus `extra`. */
export async function emitTicketEvent(tx: Executor, type: TicketEventType, ticketId: string, extra: Record<string, unknown> = {}): Promise<number> {
  return emitWebhookEvent(tx, type, async () => ({ ...(await ticketWebhookData(tx, ticketId)), ...extra }));
}

/**
 * ticket.replied for one message, only when it is public: an internal note never leaves the
 * portal (checked here too, whatever the caller passes). Carries the reply's markdown body.
 */
export async function emitTicketReplied(tx: Executor, ticketId: string, messageId: string): Promise<number> {
  return emitWebhookEvent(tx, "ticket.replied", async () => {
    const [m] = await tx
      .select({
        id: ticketMessages.id,
        visibility: ticketMessages.visibility,
        body: ticketMessages.body,
        channel: ticketMessages.channel,
        createdAt: ticketMessages.createdAt,
        authorId: ticketMessages.authorId,
        authorName: users.name,
        authorRole: users.role,
      })
      .from(ticketMessages)
      .leftJoin(users, eq(users.id, ticketMessages.authorId))
      .where(and(eq(ticketMessages.id, messageId), eq(ticketMessages.ticketId, ticketId)));
    if (!m || m.visibility !== "public") throw new Error("ticket.replied is for public replies only");
    return {
      ...(await ticketWebhookData(tx, ticketId)),
      message: {
        id: m.id,
        body: m.body,
        channel: m.channel,
        createdAt: m.createdAt.toISOString(),
        author: m.authorId ? { id: m.authorId, name: m.authorName, role: m.authorRole } : null,
        fromCustomer: m.authorRole === "customer" || !m.authorId,
      },
    };
  }).catch((e: unknown) => {
    if (e instanceof Error && e.message.startsWith("ticket.replied is for public")) return 0;
    throw e;
  });
}

export type TicketChanges = Partial<Record<"status" | "priority" | "assignee" | "group", { from: string | null; to: string | null }>>;

/** ticket.updated with the changed fields (status, priority, assignee, group); nothing when none changed. */
export async function emitTicketUpdated(tx: Executor, ticketId: string, changes: TicketChanges): Promise<number> {
  const entries = Object.entries(changes).filter(([, c]) => c && c.from !== c.to);
  if (entries.length === 0) return 0;
  return emitTicketEvent(tx, "ticket.updated", ticketId, { changes: Object.fromEntries(entries) });
}

/** sla.warning / sla.breached for the events one sweep batch fired (batched: see emitTicketEvents). */
export async function emitSlaWebhooks(
  tx: Executor,
  fired: { ticketId: string; metric: string; kind: "warning" | "breach"; cycle: number; dueAt: Date | null }[],
): Promise<number> {
  return emitTicketEvents(tx, slaWebhookItems(fired));
}

/** The sla.* events of fired warnings and breaches, for emitTicketEvents. */
export function slaWebhookItems(fired: { ticketId: string; metric: string; kind: "warning" | "breach"; cycle: number; dueAt: Date | null }[]) {
  return fired.map((f) => ({
    type: (f.kind === "breach" ? "sla.breached" : "sla.warning") as TicketEventType,
    ticketId: f.ticketId,
    extra: { metric: f.metric, cycle: f.cycle, dueAt: f.dueAt?.toISOString() ?? null },
  }));
}

/** deal.stage_changed: the deal (no contacts or notes) and the move. */
export async function emitDealStageChanged(
  tx: Executor,
  deal: { id: string; company: string; ownerId?: string | null; organizationId?: string | null },
  move: { from: string; to: string; fromLabel?: string; toLabel?: string; actorId: string | null; lostReason?: string | null },
): Promise<number> {
  return emitWebhookEvent(tx, "deal.stage_changed", {
    deal: { id: deal.id, company: deal.company, ownerId: deal.ownerId ?? null, organizationId: deal.organizationId ?? null, url: `${env().APP_URL}/beta/deals/${deal.id}` },
    from: move.from,
    to: move.to,
    fromLabel: move.fromLabel ?? move.from,
    toLabel: move.toLabel ?? move.to,
    actorId: move.actorId,
    ...(move.lostReason ? { lostReason: move.lostReason } : {}),
  });
}

/** feedback.created: the item as its submitter wrote it. */
export async function emitFeedbackCreated(tx: Executor, feedbackId: string): Promise<number> {
  return emitWebhookEvent(tx, "feedback.created", async () => {
    const [f] = await tx
      .select({
        id: feedbackItems.id,
        kind: feedbackItems.kind,
        title: feedbackItems.title,
        body: feedbackItems.body,
        status: feedbackItems.status,
        ticketId: feedbackItems.ticketId,
        createdAt: feedbackItems.createdAt,
        organizationId: feedbackItems.organizationId,
        organizationName: organizations.name,
        createdById: feedbackItems.createdById,
      })
      .from(feedbackItems)
      .leftJoin(organizations, eq(organizations.id, feedbackItems.organizationId))
      .where(eq(feedbackItems.id, feedbackId));
    if (!f) return { feedback: { id: feedbackId } };
    return {
      feedback: {
        id: f.id,
        kind: f.kind,
        title: f.title,
        body: f.body,
        status: f.status,
        ticketId: f.ticketId,
        organization: f.organizationId ? { id: f.organizationId, name: f.organizationName } : null,
        createdById: f.createdById,
        createdAt: f.createdAt.toISOString(),
        url: `${env().APP_URL}/beta/feedback`,
      },
    };
  });
}

/** ticket.updated for a batch of tickets that changed status the same way (auto-close); one subscriber check. */
export async function emitStatusChanges(tx: Executor, ticketIds: string[], from: string, to: string): Promise<number> {
  if (ticketIds.length === 0) return 0;
  const [listening] = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.enabled, true), sql`'ticket.updated' = any(${webhooks.events})`))
    .limit(1);
  if (!listening) return 0;
  let n = 0;
  for (const id of ticketIds) n += await emitTicketUpdated(tx, id, { status: { from, to } });
  return n;
}
