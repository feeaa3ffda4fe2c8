import type { Actor } from "../auth/permissions";

/** The facts about a ticket that decide who may see it. */
export interface TicketScope {
  organizationId: string;
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  organizationSharesTickets: boolean;
}

/**
 * May this person see the ticket at all? A customer sees their own tickets, and their
 * organization's when it shares tickets; agents see tickets of their groups, unrouted tickets
 * and tickets assigned to them; admins see everything. Refusals answer 404, never 403, so a
 * ticket's existence does not leak.
 */
export function canViewTicket(actor: Actor, ticket: TicketScope, actorGroupIds: readonly string[] = []): boolean {
  switch (actor.role) {
    case "admin":
      return true;
    case "agent":
      return ticket.groupId === null || ticket.assigneeId === actor.id || actorGroupIds.includes(ticket.groupId);
    case "customer":
      if (actor.organizationId !== ticket.organizationId) return false;
      return ticket.requesterId === actor.id || ticket.organizationSharesTickets;
    default:
      return false;
  }
}

/** Staff see internal notes; customers never do. */
export function canSeeInternalNotes(actor: Actor): boolean {
  return actor.role === "agent" || actor.role === "admin";
}
