import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./orgs";

export const webhookFormatEnum = pgEnum("webhook_format", ["standard", "slack"]);
export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

/**
 * Outgoing webhook endpoints (/admin/webhooks). The secret is kept in clear because it signs
 * every delivery; after a rotation the previous secret keeps signing (a second v1) until
 * `previousSecretExpiresAt`, so receivers can switch without losing deliveries.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid().primaryKey().defaultRandom(),
    url: text().notNull(),
    description: text().notNull().default(""),
    /** Subscribed event types (see app/modules/webhooks/events.ts). */
    events: text().array().notNull().default(sql`'{}'::text[]`),
    format: webhookFormatEnum().notNull().default("standard"),
    secret: text().notNull(),
    previousSecret: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    enabled: boolean().notNull().default(true),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhooks_enabled_idx").on(t.enabled)],
);

/**
 * One row per event per endpoint, written in the transaction of the change (outbox). The job
 * runner claims due rows (SKIP LOCKED, a lease in next_attempt_at), POSTs them and records the
 * outcome; a crash mid-send leaves the row due again when its lease ends, and the stable
 * delivery and event ids let receivers drop the repeat.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Keyset order for the delivery log. */
    seq: bigserial({ mode: "number" }).notNull().unique(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    /** The event's id: the same for every endpoint that receives the event. */
    eventId: uuid().notNull(),
    eventType: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatusEnum().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set while a process holds the row (the lease end); null when not being sent. */
    lockedUntil: timestamp({ withTimezone: true }),
    lastAttemptAt: timestamp({ withTimezone: true }),
    lastResponseStatus: integer(),
    lastResponseBody: text(),
    lastError: text(),
    durationMs: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_log_idx").on(t.webhookId, t.seq),
  ],
);
