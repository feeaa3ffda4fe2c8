import { and, eq, or, sql } from "drizzle-orm";
import { attachments, ticketEvents, ticketLinks, ticketMessages, tickets, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import type { Actor } from "../auth/permissions";
import { enqueueEmail } from "../email/outbox.server";
import { recomputeTicketSla } from "../sla/apply.server";
import { groupIdsOf, scopeFor } from "./desk.server";
import { loadVisibleTicket, TicketError, ticketUrl } from "./tickets.server";
import { ticketMailThreading } from "./threading.server";

function requireAgent(actor: Actor) {
  if (actor.role !== "agent" && actor.role !== "admin") throw new TicketError("Only agents work tickets.", 403);
}

/**
 * Merges a duplicate into another ticket: its whole thread and attachments move to the target,
 * the duplicate is closed and points at the target, both timelines record it, and the
 * duplicate's requester is told by email. Refused when the duplicate changed since `version`.
 */
export async function mergeTicket(actor: Actor, sourceNumber: number, targetNumber: number, version: number): Promise<void> {
  requireAgent(actor);
  if (sourceNumber === targetNumber) throw new TicketError("A ticket cannot be merged into itself.", 400, "target");
  await db().transaction(async (tx) => {
    const { ticket: source } = await loadVisibleTicket(actor, sourceNumber, tx);
    let target;
    try {
      target = (await loadVisibleTicket(actor, targetNumber, tx)).ticket;
    } catch {
      throw new TicketError(`There is no ticket #${targetNumber} you can work on.`, 400, "target");
    }
    if (source.version !== version) throw new TicketError("Someone else changed this ticket after you opened it. Review it and try again.", 409);
    if (source.mergedIntoId) throw new TicketError("This ticket was already merged.", 400, "target");
    if (target.mergedIntoId || target.status === "closed") throw new TicketError(`#${targetNumber} is closed or merged; choose an open ticket.`, 400, "target");
    if (target.organizationId !== source.organizationId) throw new TicketError("Only tickets of the same organization can be merged.", 400, "target");
    const at = now();
    await tx.update(ticketMessages).set({ ticketId: target.id }).where(eq(ticketMessages.ticketId, source.id));
    await tx.update(attachments).set({ ticketId: target.id }).where(eq(attachments.ticketId, source.id));
    await tx
      .update(tickets)
      .set({ status: "closed", closedAt: at, mergedIntoId: target.id, version: sql`${tickets.version} + 1`, updatedAt: at })
      .where(and(eq(tickets.id, source.id), eq(tickets.version, version)));
    await tx
      .update(tickets)
      .set({
        version: sql`${tickets.version} + 1`,
        updatedAt: at,
        lastCustomerMessageAt: sql`greatest(${tickets.lastCustomerMessageAt}, ${source.lastCustomerMessageAt?.toISOString() ?? null}::timestamptz)`,
      })
      .where(eq(tickets.id, target.id));
    await tx.insert(ticketEvents).values([
      { ticketId: source.id, actorId: actor.id, at, type: "merged_into", data: { number: target.number } },
      { ticketId: target.id, actorId: actor.id, at, type: "merged_from", data: { number: source.number, subject: source.subject } },
    ]);
    for (const id of [target.id, source.id]) await recomputeTicketSla(tx, id); // the target's timeline grew; the closed duplicate's clocks stop
    const [requester] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, source.requesterId));
    if (requester) {
      await enqueueEmail(tx, {
        to: requester.email,
        toUserId: requester.id,
        template: "ticket_merged",
        data: {
          name: requester.name,
          number: source.number,
          subject: source.subject,
          intoNumber: target.number,
          intoSubject: target.subject,
          ticketUrl: ticketUrl(target.number, true),
        },
        ...(await ticketMailThreading(tx, source.id)),
      });
    }
  });
}

/** Links two tickets as related (stored once per pair). */
export async function linkTickets(actor: Actor, number: number, otherNumber: number): Promise<void> {
  requireAgent(actor);
  if (number === otherNumber) throw new TicketError("A ticket cannot be related to itself.", 400, "related");
  await db().transaction(async (tx) => {
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    let other;
    try {
      other = (await loadVisibleTicket(actor, otherNumber, tx)).ticket;
    } catch {
      throw new TicketError(`There is no ticket #${otherNumber} you can see.`, 400, "related");
    }
    const [a, b] = ticket.id < other.id ? [ticket.id, other.id] : [other.id, ticket.id];
    const inserted = await tx.insert(ticketLinks).values({ ticketId: a, relatedTicketId: b, createdById: actor.id, createdAt: now() }).onConflictDoNothing().returning();
    if (inserted.length) {
      await tx.insert(ticketEvents).values([
        { ticketId: ticket.id, actorId: actor.id, at: now(), type: "linked", data: { number: other.number } },
        { ticketId: other.id, actorId: actor.id, at: now(), type: "linked", data: { number: ticket.number } },
      ]);
    }
  });
}

export async function unlinkTickets(actor: Actor, number: number, otherNumber: number): Promise<void> {
  requireAgent(actor);
  await db().transaction(async (tx) => {
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    const [other] = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, otherNumber));
    if (!other) return;
    await tx
      .delete(ticketLinks)
      .where(
        or(
          and(eq(ticketLinks.ticketId, ticket.id), eq(ticketLinks.relatedTicketId, other.id)),
          and(eq(ticketLinks.ticketId, other.id), eq(ticketLinks.relatedTicketId, ticket.id)),
        ),
      );
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at: now(), type: "unlinked", data: { number: otherNumber } });
  });
}

/** Related tickets and the requester's other tickets (those this agent may see), for the side panel. */
export async function ticketContext(actor: Actor, ticketId: string, requesterId: string) {
  const scope = scopeFor(actor, actor.role === "agent" ? await groupIdsOf(actor.id) : []);
  const related = await db()
    .select({ number: tickets.number, subject: tickets.subject, status: tickets.status })
    .from(ticketLinks)
    .innerJoin(tickets, or(and(eq(ticketLinks.ticketId, ticketId), eq(tickets.id, ticketLinks.relatedTicketId)), and(eq(ticketLinks.relatedTicketId, ticketId), eq(tickets.id, ticketLinks.ticketId))))
    .where(and(or(eq(ticketLinks.ticketId, ticketId), eq(ticketLinks.relatedTicketId, ticketId)), scope));
  const others = await db()
    .select({ number: tickets.number, subject: tickets.subject, status: tickets.status, updatedAt: tickets.updatedAt })
    .from(tickets)
    .where(and(eq(tickets.requesterId, requesterId), sql`${tickets.id} <> ${ticketId}`, scope))
    .orderBy(sql`${tickets.updatedAt} desc`)
    .limit(10);
  return { related, others };
}
