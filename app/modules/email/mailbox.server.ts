import { and, count, desc, eq, ilike, lt, type SQL } from "drizzle-orm";
import { emailOutbox } from "../../../db/schema";
import type { Database } from "~/lib/db.server";
import { now } from "~/lib/clock";

/**
 * Queries behind the admin mailbox (/admin/mailbox): every outgoing email, whatever the
 * transport. Newest first by id (ids are assigned at insert, so this is creation order), keyset
 * paginated on the primary key.
 */
export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface MailboxFilter {
  status?: OutboxStatus;
  /** Part of the recipient address (case-insensitive). */
  q?: string;
  /** Keyset cursor: show rows with an id below this one. */
  before?: number;
  limit?: number;
}

export interface MailboxRow {
  id: number;
  toAddress: string;
  subject: string;
  template: string;
  status: OutboxStatus;
  transport: string | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
  lastError: string | null;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterWhere(filter: Pick<MailboxFilter, "status" | "q">): SQL[] {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(emailOutbox.status, filter.status));
  const q = filter.q?.trim();
  if (q) where.push(ilike(emailOutbox.toAddress, `%${escapeLike(q)}%`));
  return where;
}

export async function listMailbox(
  db: Database,
  filter: MailboxFilter,
): Promise<{ rows: MailboxRow[]; nextBefore: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where = filterWhere(filter);
  if (filter.before) where.push(lt(emailOutbox.id, filter.before));
  const rows = await db
    .select({
      id: emailOutbox.id,
      toAddress: emailOutbox.toAddress,
      subject: emailOutbox.subject,
      template: emailOutbox.template,
      status: emailOutbox.status,
      transport: emailOutbox.transport,
      attempts: emailOutbox.attempts,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      nextAttemptAt: emailOutbox.nextAttemptAt,
      lastError: emailOutbox.lastError,
    })
    .from(emailOutbox)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(emailOutbox.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextBefore: more ? page[page.length - 1]!.id : null };
}

/** How many emails are in each status (for the filter), matching the recipient search. */
export async function mailboxCounts(db: Database, q?: string): Promise<Record<OutboxStatus, number>> {
  const where = filterWhere({ q });
  const rows = await db
    .select({ status: emailOutbox.status, n: count() })
    .from(emailOutbox)
    .where(where.length ? and(...where) : undefined)
    .groupBy(emailOutbox.status);
  const counts = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export type MailboxMessage = typeof emailOutbox.$inferSelect;

export async function getMailboxMessage(db: Database, id: number): Promise<MailboxMessage | null> {
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id)).limit(1);
  return row ?? null;
}

/** Every http(s) link of a text body, in order, without duplicates. */
export function linksIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'`)\]]+/g) ?? [];
  return [...new Set(found.map((u) => u.replace(/[.,;:!?]+$/, "")))];
}

/**
 * "Retry now" for a failed email: back to queued, due at once, with a fresh attempt budget.
 * The idempotency key stays `outbox-<id>`. Returns false when the email is not failed.
 */
export async function retryFailedEmail(db: Database, id: number): Promise<boolean> {
  const rows = await db
    .update(emailOutbox)
    .set({ status: "queued", attempts: 0, nextAttemptAt: now(), lockedUntil: null })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, "failed")))
    .returning({ id: emailOutbox.id });
  return rows.length > 0;
}
