import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { feedbackItems, feedbackVotes, organizations, ticketMessages, tickets, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { enqueueEmail } from "../email/outbox.server";
import type { Actor } from "../auth/permissions";
import { emitFeedbackCreated } from "../webhooks/emit.server";
import { DealError, isUuid } from "./deals.server";
import type { FeedbackStatus } from "./model";

const votes = sql<number>`(select count(*)::int from feedback_votes v where v.feedback_item_id = ${feedbackItems.id})`;

/** Whether the customer's organization is in the beta (on the beta plan). */
export async function isBetaCustomer(actor: Actor): Promise<boolean> {
  if (actor.role !== "customer" || !actor.organizationId) return false;
  const [org] = await db().select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, actor.organizationId));
  return org?.plan === "beta";
}

/**
 * What a customer sees: their organization's items in full, and other organizations' public
 * requests with title, status and votes only (no body, no submitter).
 */
export async function feedbackForCustomer(actor: Actor) {
  const orgId = actor.organizationId!;
  const rows = await db()
    .select({
      id: feedbackItems.id,
      organizationId: feedbackItems.organizationId,
      kind: feedbackItems.kind,
      title: feedbackItems.title,
      body: feedbackItems.body,
      status: feedbackItems.status,
      createdAt: feedbackItems.createdAt,
      submitter: users.name,
      votes,
      voted: sql<boolean>`exists (select 1 from feedback_votes v where v.feedback_item_id = ${feedbackItems.id} and v.organization_id = ${orgId})`,
    })
    .from(feedbackItems)
    .leftJoin(users, eq(users.id, feedbackItems.createdById))
    .where(or(eq(feedbackItems.organizationId, orgId), eq(feedbackItems.isPublic, true)))
    .orderBy(desc(votes), desc(feedbackItems.createdAt));
  const own = rows.filter((r) => r.organizationId === orgId);
  const others = rows
    .filter((r) => r.organizationId !== orgId)
    .map((r) => ({ id: r.id, kind: r.kind, title: r.title, status: r.status, votes: Number(r.votes), voted: !!r.voted }));
  return { own: own.map((r) => ({ ...r, votes: Number(r.votes), voted: !!r.voted })), others };
}

export async function submitFeedback(actor: Actor, input: { kind: "feedback" | "feature_request"; title: string; body: string }) {
  if (!(await isBetaCustomer(actor))) throw new DealError("Feedback is open to beta customers.", 404);
  return db().transaction(async (tx) => {
    const at = now();
    const [item] = await tx
      .insert(feedbackItems)
      .values({ organizationId: actor.organizationId, createdById: actor.id, kind: input.kind, title: input.title.trim(), body: input.body.trim(), createdAt: at, updatedAt: at })
      .returning();
    // The submitting organization's vote comes with it.
    await tx.insert(feedbackVotes).values({ feedbackItemId: item!.id, organizationId: actor.organizationId!, userId: actor.id, createdAt: at });
    await emitFeedbackCreated(tx, item!.id);
    return item!;
  });
}

/** One vote per organization: a second vote from anyone in it changes nothing. */
export async function voteFeedback(actor: Actor, itemId: string): Promise<{ counted: boolean }> {
  if (!isUuid(itemId) || !(await isBetaCustomer(actor))) throw new DealError("There is no such request.", 404);
  const [item] = await db()
    .select({ id: feedbackItems.id })
    .from(feedbackItems)
    .where(and(eq(feedbackItems.id, itemId), or(eq(feedbackItems.organizationId, actor.organizationId!), eq(feedbackItems.isPublic, true))));
  if (!item) throw new DealError("There is no such request.", 404);
  const inserted = await db()
    .insert(feedbackVotes)
    .values({ feedbackItemId: itemId, organizationId: actor.organizationId!, userId: actor.id, createdAt: now() })
    .onConflictDoNothing()
    .returning({ id: feedbackVotes.feedbackItemId });
  return { counted: inserted.length === 1 };
}

/** Every item for staff triage, most voted first. */
export async function feedbackForStaff() {
  const rows = await db()
    .select({
      id: feedbackItems.id,
      kind: feedbackItems.kind,
      title: feedbackItems.title,
      body: feedbackItems.body,
      status: feedbackItems.status,
      isPublic: feedbackItems.isPublic,
      createdAt: feedbackItems.createdAt,
      organizationName: organizations.name,
      submitter: users.name,
      ticketNumber: tickets.number,
      votes,
    })
    .from(feedbackItems)
    .leftJoin(organizations, eq(organizations.id, feedbackItems.organizationId))
    .leftJoin(users, eq(users.id, feedbackItems.createdById))
    .leftJoin(tickets, eq(tickets.id, feedbackItems.ticketId))
    .orderBy(desc(votes), desc(feedbackItems.createdAt));
  return rows.map((r) => ({ ...r, votes: Number(r.votes) }));
}

/**
 * Sets an item's status (and whether it is listed to every beta customer). Moving to shipped
 * mails the submitter and one person per voting organization, once.
 */
export async function updateFeedback(actor: Pick<Actor, "id">, itemId: string, input: { status: FeedbackStatus; isPublic: boolean }): Promise<{ mailed: number }> {
  if (!isUuid(itemId)) throw new DealError("There is no such request.", 404);
  return db().transaction(async (tx) => {
    const at = now();
    const [item] = await tx
      .update(feedbackItems)
      .set({ status: input.status, isPublic: input.isPublic, updatedAt: at, ...(input.status === "shipped" ? { shippedAt: at } : {}) })
      .where(eq(feedbackItems.id, itemId))
      .returning();
    if (!item) throw new DealError("There is no such request.", 404);
    if (input.status !== "shipped") return { mailed: 0 };
    const [claimed] = await tx
      .update(feedbackItems)
      .set({ shippedNotifiedAt: at })
      .where(and(eq(feedbackItems.id, itemId), isNull(feedbackItems.shippedNotifiedAt)))
      .returning({ id: feedbackItems.id });
    if (!claimed) return { mailed: 0 };
    const voterIds = (await tx.select({ userId: feedbackVotes.userId }).from(feedbackVotes).where(eq(feedbackVotes.feedbackItemId, itemId))).map((v) => v.userId);
    const ids = [...new Set([item.createdById, ...voterIds].filter((v): v is string => !!v))];
    if (!ids.length) return { mailed: 0 };
    const people = await tx
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(inArray(users.id, ids), isNull(users.disabledAt)))
      .orderBy(asc(users.email));
    for (const p of people) {
      await enqueueEmail(tx, { to: p.email, toUserId: p.id, template: "beta_feedback_shipped", data: { name: p.name, title: item.title, feedbackUrl: `${env().APP_URL}/portal/feedback` } });
    }
    void actor;
    return { mailed: people.length };
  });
}

/** An agent turns a ticket into a feedback item of the ticket's organization (once per ticket). */
export async function promoteTicket(actor: Pick<Actor, "id">, ticketNumber: number): Promise<{ id: string; created: boolean }> {
  return db().transaction(async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.number, ticketNumber)).limit(1);
    if (!ticket) throw new DealError(`There is no ticket #${ticketNumber}.`, 404, "ticketNumber");
    const [existing] = await tx.select({ id: feedbackItems.id }).from(feedbackItems).where(eq(feedbackItems.ticketId, ticket.id));
    if (existing) return { id: existing.id, created: false };
    const [first] = await tx
      .select({ body: ticketMessages.body })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.visibility, "public")))
      .orderBy(asc(ticketMessages.createdAt))
      .limit(1);
    const at = now();
    const [item] = await tx
      .insert(feedbackItems)
      .values({
        organizationId: ticket.organizationId,
        createdById: ticket.requesterId,
        ticketId: ticket.id,
        kind: ticket.category === "Feature request" ? "feature_request" : "feedback",
        title: ticket.subject,
        body: first?.body ?? "",
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .returning({ id: feedbackItems.id });
    if (!item) {
      const [again] = await tx.select({ id: feedbackItems.id }).from(feedbackItems).where(eq(feedbackItems.ticketId, ticket.id));
      return { id: again!.id, created: false };
    }
    await tx.insert(feedbackVotes).values({ feedbackItemId: item.id, organizationId: ticket.organizationId, userId: ticket.requesterId, createdAt: at }).onConflictDoNothing();
    await emitFeedbackCreated(tx, item.id);
    void actor;
    return { id: item.id, created: true };
  });
}

/** The feedback item a ticket was promoted to, if any. */
export async function feedbackItemIdForTicket(ticketId: string): Promise<string | null> {
  const [row] = await db().select({ id: feedbackItems.id }).from(feedbackItems).where(eq(feedbackItems.ticketId, ticketId)).limit(1);
  return row?.id ?? null;
}
