import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./orgs";

export const outboxStatusEnum = pgEnum("email_outbox_status", ["queued", "sending", "sent", "failed"]);

/** Transactional outbox: a row is written in the same transaction as the change that
 * causes the mail; the dispatcher job delivers it exactly once in effect. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    toAddress: text().notNull(),
    toUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    fromAddress: text().notNull(),
    replyTo: text(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    /** Extra headers (Message-ID, In-Reply-To, References). */
    headers: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Template name, for the mailbox and metrics. */
    template: text().notNull(),
    status: outboxStatusEnum().notNull().default("queued"),
    /** "resend" or "dev-mailbox": where the dispatcher delivered it. */
    transport: text(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    providerMessageId: text(),
    /** Delivery events reported back by the provider (delivered, bounced, complained). */
    deliveryStatus: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("email_outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
    index("email_outbox_created_idx").on(t.createdAt),
    index("email_outbox_to_idx").on(t.toAddress),
  ],
);
