import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { attachments, csatRatings, groupMembers, organizations, ticketEvents, ticketMessages, tickets, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { sanitizeEmailHtml } from "./inbound-html";
import { renderMarkdown } from "~/lib/markdown";
import type { Actor } from "../auth/permissions";
import { enqueueEmail } from "../email/outbox.server";
import { recomputeTicketSla } from "../sla/apply.server";
import { emitTicketEvent, emitTicketReplied, emitTicketUpdated } from "../webhooks/emit.server";
import { canSeeInternalNotes, canViewTicket } from "./access";
import { ticketMailThreading } from "./threading.server";
import {
  customerMayReopen,
  prioritiesForPlan,
  safeFileName,
  statusLabels,
  type TicketPriority,
  type TicketStatus,
} from "./model";

export class TicketError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface UploadedFile {
  name: string;
  type: string;
  bytes: Buffer;
}

export type TicketRow = typeof tickets.$inferSelect;

async function groupIdsOf(tx: Executor, userId: string): Promise<string[]> {
  const rows = await tx.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId));
  return rows.map((r) => r.groupId);
}

/** Loads a ticket by number if the actor may see it; otherwise answers 404 (never 403). */
export async function loadVisibleTicket(actor: Actor, number: number, tx: Executor = db()) {
  if (!Number.isSafeInteger(number) || number < 1) throw new TicketError("Ticket not found", 404);
  const [row] = await tx
    .select({ ticket: tickets, shareTickets: organizations.shareTickets, organizationName: organizations.name, plan: organizations.plan })
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(eq(tickets.number, number))
    .limit(1);
  if (!row) throw new TicketError("Ticket not found", 404);
  const groupIds = actor.role === "agent" ? await groupIdsOf(tx, actor.id) : [];
  const visible = canViewTicket(actor, { ...row.ticket, organizationSharesTickets: row.shareTickets }, groupIds);
  if (!visible) throw new TicketError("Ticket not found", 404);
  return row;
}

export async function storeAttachments(tx: Executor, ticketId: string, messageId: string, uploaderId: string, files: UploadedFile[]) {
  if (files.length === 0) return;
  await tx.insert(attachments).values(
    files.map((f) => ({
      ticketId,
      messageId,
      uploaderId,
      fileName: safeFileName(f.name),
      contentType: f.type.split(";")[0]!.trim().toLowerCase(),
      size: f.bytes.length,
      sha256: createHash("sha256").update(f.bytes).digest("hex"),
      data: f.bytes,
      createdAt: now(),
    })),
  );
}

function ticketUrl(number: number, forCustomer: boolean): string {
  return `${env().APP_URL}${forCustomer ? "/portal/tickets/" : "/desk/tickets/"}${number}`;
}

export interface NewTicketInput {
  subject: string;
  description: string;
  priority: TicketPriority;
  category: string | null;
  idempotencyKey: string;
  files: UploadedFile[];
  /** "api" for tickets filed through /api/v1; the portal form is "web". */
  channel?: "web" | "api";
}

/**
 * A customer files a ticket. The same idempotency key (one per rendered form) always yields
 * the same ticket, so a double submit creates one.
 */
export async function createTicketAsCustomer(actor: Actor, input: NewTicketInput): Promise<{ number: number; created: boolean }> {
  if (actor.role !== "customer" || !actor.organizationId) throw new TicketError("Only customers file tickets here.", 403);
  const organizationId = actor.organizationId;
  return db().transaction(async (tx) => {
    const [org] = await tx.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw new TicketError("Your organization was not found.", 404);
    if (!prioritiesForPlan(org.plan).includes(input.priority)) {
      throw new TicketError("Urgent priority is part of the enterprise and beta plans.", 400, "priority");
    }
    const at = now();
    const inserted = await tx
      .insert(tickets)
      .values({
        organizationId,
        requesterId: actor.id,
        subject: input.subject,
        priority: input.priority,
        category: input.category,
        channel: input.channel ?? "web",
        status: "new",
        idempotencyKey: input.idempotencyKey,
        createdAt: at,
        updatedAt: at,
        lastCustomerMessageAt: at,
      })
      .onConflictDoNothing({ target: [tickets.requesterId, tickets.idempotencyKey], where: sql`idempotency_key is not null` })
      .returning({ id: tickets.id, number: tickets.number });
    if (inserted.length === 0) {
      const [existing] = await tx
        .select({ number: tickets.number })
        .from(tickets)
        .where(and(eq(tickets.requesterId, actor.id), eq(tickets.idempotencyKey, input.idempotencyKey)));
      return { number: existing!.number, created: false };
    }
    const ticket = inserted[0]!;
    const [message] = await tx
      .insert(ticketMessages)
      .values({ ticketId: ticket.id, authorId: actor.id, visibility: "public", channel: input.channel ?? "web", body: input.description, createdAt: at })
      .returning({ id: ticketMessages.id });
    await storeAttachments(tx, ticket.id, message!.id, actor.id, input.files);
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at, type: "created", data: { channel: input.channel ?? "web", priority: input.priority } });
    await recomputeTicketSla(tx, ticket.id);
    await emitTicketEvent(tx, "ticket.created", ticket.id);
    const [requester] = await tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, actor.id));
    await enqueueEmail(tx, {
      to: requester!.email,
      toUserId: actor.id,
      template: "ticket_received",
      data: { name: requester!.name, number: ticket.number, subject: input.subject, ticketUrl: ticketUrl(ticket.number, true) },
      ...(await ticketMailThreading(tx, ticket.id, { root: true })),
    });
    return { number: ticket.number, created: true };
  });
}

export interface CustomerListFilters {
  status: "open" | "solved" | "all";
  q?: string;
  scope: "mine" | "organization";
  cursor?: string;
}

const PAGE_SIZE = 25;

function encodeCursor(updatedAt: Date, number: number): string {
  return Buffer.from(`${updatedAt.toISOString()}|${number}`).toString("base64url");
}
function decodeCursor(cursor: string | undefined): { updatedAt: Date; number: number } | null {
  if (!cursor) return null;
  const [iso, n] = Buffer.from(cursor, "base64url").toString().split("|");
  const updatedAt = new Date(iso ?? "");
  const number = Number(n);
  if (Number.isNaN(updatedAt.getTime()) || !Number.isSafeInteger(number)) return null;
  return { updatedAt, number };
}

/** A text search over subject and public messages, or a ticket number ("#12" or "12"). */
function textCondition(q: string, publicOnly: boolean): SQL {
  const trimmed = q.trim();
  const asNumber = /^#?\d{1,9}$/.test(trimmed) ? Number(trimmed.replace("#", "")) : null;
  const query = sql`websearch_to_tsquery('english', ${trimmed})`;
  const inMessages = sql`exists (select 1 from ${ticketMessages} m where m.ticket_id = ${tickets.id}
    ${publicOnly ? sql`and m.visibility = 'public'` : sql``} and m.search_vector @@ ${query})`;
  const parts = [sql`${tickets.searchVector} @@ ${query}`, inMessages];
  if (asNumber !== null) parts.push(sql`${tickets.number} = ${asNumber}`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** The customer's list: their tickets, or their organization's when it shares tickets. */
export async function listCustomerTickets(actor: Actor, filters: CustomerListFilters) {
  if (actor.role !== "customer" || !actor.organizationId) throw new TicketError("Not a customer", 403);
  const [org] = await db().select({ shareTickets: organizations.shareTickets, plan: organizations.plan, name: organizations.name }).from(organizations).where(eq(organizations.id, actor.organizationId));
  const shares = !!org?.shareTickets;
  const conditions: SQL[] = [eq(tickets.organizationId, actor.organizationId)];
  if (!shares || filters.scope === "mine") conditions.push(eq(tickets.requesterId, actor.id));
  if (filters.status === "open") conditions.push(sql`${tickets.status} not in ('solved', 'closed')`);
  if (filters.status === "solved") conditions.push(sql`${tickets.status} in ('solved', 'closed')`);
  if (filters.q?.trim()) conditions.push(textCondition(filters.q, true));
  const cursor = decodeCursor(filters.cursor);
  if (cursor) conditions.push(sql`(${tickets.updatedAt}, ${tickets.number}) < (${cursor.updatedAt.toISOString()}::timestamptz, ${cursor.number})`);
  const rows = await db()
    .select({
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      updatedAt: tickets.updatedAt,
      createdAt: tickets.createdAt,
      requesterName: users.name,
    })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.requesterId))
    .where(and(...conditions))
    .orderBy(desc(tickets.updatedAt), desc(tickets.number))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    tickets: page,
    nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor(last.updatedAt, last.number) : null,
    sharesTickets: shares,
    organizationName: org?.name ?? "",
    plan: org?.plan ?? "standard",
  };
}

/** A ticket with its thread as this actor may see it (customers: never an internal note). */
export async function getTicketThread(actor: Actor, number: number) {
  const { ticket, organizationName, plan } = await loadVisibleTicket(actor, number);
  const staff = canSeeInternalNotes(actor);
  const messageRows = await db()
    .select({
      id: ticketMessages.id,
      visibility: ticketMessages.visibility,
      channel: ticketMessages.channel,
      body: ticketMessages.body,
      bodyHtml: ticketMessages.bodyHtml,
      createdAt: ticketMessages.createdAt,
      authorId: ticketMessages.authorId,
      authorName: users.name,
      authorRole: users.role,
    })
    .from(ticketMessages)
    .leftJoin(users, eq(users.id, ticketMessages.authorId))
    .where(staff ? eq(ticketMessages.ticketId, ticket.id) : and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.visibility, "public")))
    .orderBy(asc(ticketMessages.createdAt));
  const messageIds = messageRows.map((m) => m.id);
  const files = messageIds.length
    ? await db()
        .select({ id: attachments.id, messageId: attachments.messageId, fileName: attachments.fileName, size: attachments.size })
        .from(attachments)
        .where(inArray(attachments.messageId, messageIds))
    : [];
  const people = await db()
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, [ticket.requesterId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])]));
  const [rating] = await db().select().from(csatRatings).where(eq(csatRatings.ticketId, ticket.id));
  const events = staff
    ? await db()
        .select({ id: ticketEvents.id, at: ticketEvents.at, type: ticketEvents.type, data: ticketEvents.data, actorName: users.name })
        .from(ticketEvents)
        .leftJoin(users, eq(users.id, ticketEvents.actorId))
        .where(eq(ticketEvents.ticketId, ticket.id))
        .orderBy(asc(ticketEvents.at))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const [mergedInto] = ticket.mergedIntoId
    ? await db().select({ number: tickets.number }).from(tickets).where(eq(tickets.id, ticket.mergedIntoId))
    : [];
  return {
    mergedIntoNumber: mergedInto?.number ?? null,
    ticket,
    organizationName,
    plan,
    requester: byId.get(ticket.requesterId) ?? null,
    assignee: ticket.assigneeId ? (byId.get(ticket.assigneeId) ?? null) : null,
    messages: messageRows.map((m) => ({
      ...m,
      // Customers see staff by name only; the author role tells "Support" from "You".
      // A mail's own HTML (sanitized when it arrived, and again here in case the allowlist has
      // tightened since) shows its formatting; everything else is markdown.
      html: m.bodyHtml ? sanitizeEmailHtml(m.bodyHtml) : renderMarkdown(m.body),
      isEmailHtml: Boolean(m.bodyHtml),
      attachments: files.filter((f) => f.messageId === m.id),
    })),
    events,
    rating: rating ? { rating: rating.rating, comment: rating.comment, createdAt: rating.createdAt } : null,
    mayReopen: customerMayReopen(ticket, now()),
  };
}

async function bumpTicket(tx: Executor, ticketId: string, expectedVersion: number | null, patch: Partial<TicketRow>) {
  const where = expectedVersion === null ? eq(tickets.id, ticketId) : and(eq(tickets.id, ticketId), eq(tickets.version, expectedVersion));
  const updated = await tx
    .update(tickets)
    .set({ ...patch, version: sql`${tickets.version} + 1`, updatedAt: now() })
    .where(where)
    .returning({ version: tickets.version });
  if (updated.length === 0) {
    throw new TicketError("Someone else changed this ticket after you opened it. Review the latest version and try again.", 409);
  }
  return updated[0]!.version;
}

/** A customer's public reply. A reply to a solved ticket reopens it (within 14 days). */
export async function replyAsCustomer(actor: Actor, number: number, input: { body: string; files: UploadedFile[] }) {
  return db().transaction(async (tx) => {
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    if (ticket.status === "closed") throw new TicketError("This ticket is closed. Please open a new ticket and mention #" + number + ".", 400, "body");
    if (ticket.status === "solved" && !customerMayReopen(ticket, now())) {
      throw new TicketError("This ticket was solved more than 14 days ago. Please open a new ticket.", 400, "body");
    }
    const at = now();
    const [message] = await tx
      .insert(ticketMessages)
      .values({ ticketId: ticket.id, authorId: actor.id, visibility: "public", channel: "web", body: input.body, createdAt: at })
      .returning({ id: ticketMessages.id });
    await storeAttachments(tx, ticket.id, message!.id, actor.id, input.files);
    const reopen = ticket.status === "solved" || ticket.status === "pending";
    await bumpTicket(tx, ticket.id, null, {
      lastCustomerMessageAt: at,
      ...(reopen ? { status: "open" as const, solvedAt: null } : {}),
    });
    if (reopen) {
      await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at, type: "status", data: { from: ticket.status, to: "open", reason: "customer_reply" } });
    }
    await recomputeTicketSla(tx, ticket.id);
    await emitTicketReplied(tx, ticket.id, message!.id);
    if (reopen) await emitTicketUpdated(tx, ticket.id, { status: { from: ticket.status, to: "open" } });
  });
}

/** Customers may mark their ticket solved, or reopen it within 14 days of solving. */
export async function setStatusAsCustomer(actor: Actor, number: number, to: "solved" | "open") {
  return db().transaction(async (tx) => {
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    const at = now();
    if (to === "solved") {
      if (ticket.status === "solved" || ticket.status === "closed") return;
      await bumpTicket(tx, ticket.id, null, { status: "solved", solvedAt: at });
    } else {
      if (!customerMayReopen(ticket, at)) throw new TicketError("This ticket can no longer be reopened. Please open a new ticket.", 400);
      await bumpTicket(tx, ticket.id, null, { status: "open", solvedAt: null });
    }
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at, type: "status", data: { from: ticket.status, to } });
    await recomputeTicketSla(tx, ticket.id);
    await emitTicketUpdated(tx, ticket.id, { status: { from: ticket.status, to } });
  });
}

/** One satisfaction rating per solved ticket, by someone who can see it. */
export async function rateTicket(actor: Actor, number: number, input: { rating: "good" | "bad"; comment: string | null }) {
  return db().transaction(async (tx) => {
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    if (actor.role !== "customer") throw new TicketError("Only the customer rates a ticket.", 403);
    if (ticket.status !== "solved" && ticket.status !== "closed") throw new TicketError("You can rate a ticket once it is solved.", 400);
    const inserted = await tx
      .insert(csatRatings)
      .values({ ticketId: ticket.id, userId: actor.id, rating: input.rating, comment: input.comment, createdAt: now() })
      .onConflictDoNothing()
      .returning({ ticketId: csatRatings.ticketId });
    if (inserted.length === 0) throw new TicketError("This ticket has already been rated.", 409);
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at: now(), type: "rated", data: { rating: input.rating } });
  });
}

/** An attachment, if the actor may see its ticket and (for customers) its message is public. */
export async function getAttachment(actor: Actor, number: number, attachmentId: string) {
  const { ticket } = await loadVisibleTicket(actor, number);
  if (!/^[0-9a-f-]{36}$/i.test(attachmentId)) throw new TicketError("Attachment not found", 404);
  const [row] = await db()
    .select({ attachment: attachments, visibility: ticketMessages.visibility })
    .from(attachments)
    .leftJoin(ticketMessages, eq(ticketMessages.id, attachments.messageId))
    .where(and(eq(attachments.id, attachmentId), eq(attachments.ticketId, ticket.id)));
  if (!row) throw new TicketError("Attachment not found", 404);
  if (!canSeeInternalNotes(actor) && row.visibility !== "public") throw new TicketError("Attachment not found", 404);
  return row.attachment;
}

export { statusLabels, ticketUrl };
export type { TicketStatus };
