import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { notifications, tickets } from "../../../db/schema";
import { db, rowsOf } from "~/lib/db.server";
import { now } from "~/lib/clock";

/**
 * In-app notifications: what escalation rules tell staff ("SLA warning on #1042 …"). Each person
 * sees only their own; reading one marks it read, and "mark all read" clears the badge.
 */
export const NOTIFICATIONS_PAGE_SIZE = 30;

export interface NotificationItem {
  id: number;
  text: string;
  createdAt: Date;
  readAt: Date | null;
  ticketNumber: number | null;
  ticketSubject: string | null;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listNotifications(userId: string, options: { unreadOnly?: boolean; before?: { at: Date; id: number } | null } = {}) {
  const conditions = [eq(notifications.userId, userId)];
  if (options.unreadOnly) conditions.push(isNull(notifications.readAt));
  if (options.before) {
    const { at, id } = options.before;
    conditions.push(or(lt(notifications.createdAt, at), and(eq(notifications.createdAt, at), lt(notifications.id, id)))!);
  }
  const rows = await db()
    .select({
      id: notifications.id,
      text: notifications.text,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      ticketNumber: tickets.number,
      ticketSubject: tickets.subject,
    })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(NOTIFICATIONS_PAGE_SIZE + 1);
  const items: NotificationItem[] = rows.slice(0, NOTIFICATIONS_PAGE_SIZE);
  const last = items.at(-1);
  const nextCursor = rows.length > NOTIFICATIONS_PAGE_SIZE && last ? `${last.createdAt.toISOString()}_${last.id}` : null;
  return { items, nextCursor };
}

export function parseNotificationCursor(value: string | null): { at: Date; id: number } | null {
  const match = value?.match(/^(\d{4}-\d\d-\d\dT[\d:.]+Z)_(\d{1,18})$/);
  if (!match) return null;
  const at = new Date(match[1]!);
  return Number.isNaN(at.getTime()) ? null : { at, id: Number(match[2]) };
}

/**
 * A person's unread count as a scalar subquery: the session lookup embeds it (with the user's id
 * column) so the header's bell costs no statement of its own (see auth/session.server.ts).
 */
export function unreadNotificationCountSql(userId: SQLWrapper | string): SQL<number> {
  return sql<number>`(select count(*)::int from ${notifications} where ${notifications.userId} = ${userId} and ${notifications.readAt} is null)`;
}

export async function unreadNotificationCount(userId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db().execute(sql`select ${unreadNotificationCountSql(userId)} as n`));
  return Number(row?.n ?? 0);
}

/** Marks the given notifications (only the user's own) or all of them read; returns how many changed. */
export async function markNotificationsRead(userId: string, ids: number[] | "all"): Promise<number> {
  const mine = and(eq(notifications.userId, userId), isNull(notifications.readAt));
  const where = ids === "all" ? mine : and(mine, inArray(notifications.id, ids.length ? ids : [-1]));
  const changed = await db().update(notifications).set({ readAt: now() }).where(where).returning({ id: notifications.id });
  return changed.length;
}

/** Opening a notification marks it read and answers where it points (its ticket, or the list). */
export async function openNotification(userId: string, id: number): Promise<string | null> {
  const [row] = await db()
    .select({ id: notifications.id, ticketNumber: tickets.number })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  if (!row) return null;
  await markNotificationsRead(userId, [id]);
  return row.ticketNumber ? `/desk/tickets/${row.ticketNumber}` : "/notifications";
}
