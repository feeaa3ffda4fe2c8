import { sql } from "drizzle-orm";
import { bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./orgs";
import { ticketMessages, tickets } from "./tickets";

/**
 * Slack as a support channel (app/modules/slack). One connected workspace: its bot token and
 * signing secret are kept in clear because every call and every verification needs them
 * (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET override them); pages only ever show them masked.
 */
export const slackSettings = pgTable(
  "slack_settings",
  {
    /** Always 1: one workspace per portal. */
    id: integer().primaryKey().default(1),
    botToken: text(),
    signingSecret: text(),
    /** From the last successful auth.test. */
    teamId: text(),
    teamName: text(),
    botUserId: text(),
    botId: text(),
    testedAt: timestamp({ withTimezone: true }),
    updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("slack_settings_single_row", sql`${t.id} = 1`)],
);

/** A Slack channel (usually a Slack Connect channel shared with the customer) mapped to a customer organization. */
export const slackChannels = pgTable(
  "slack_channels",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Slack's channel id (C…/G…). */
    channelId: text().notNull(),
    /** Looked up with conversations.info when the mapping is saved (may be empty). */
    channelName: text().notNull().default(""),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The requester when the Slack author's email matches no contact of the organization. */
    fallbackRequesterId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("slack_channels_channel_key").on(t.channelId), index("slack_channels_org_idx").on(t.organizationId)],
);

/** Every Events API delivery we accepted, by Slack's event_id: a retry or a second delivery is recorded once. */
export const slackEvents = pgTable(
  "slack_events",
  {
    eventId: text().primaryKey(),
    teamId: text(),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /** received → done | ignored (with the reason in outcome). */
    status: text({ enum: ["received", "done", "ignored"] }).notNull().default("received"),
    outcome: text(),
    ticketId: uuid().references(() => tickets.id, { onDelete: "set null" }),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("slack_events_received_idx").on(t.receivedAt)],
);

/** The Slack thread of a ticket that started in Slack: replies go in, public agent replies go out. */
export const slackThreads = pgTable(
  "slack_threads",
  {
    ticketId: uuid()
      .primaryKey()
      .references(() => tickets.id, { onDelete: "cascade" }),
    channelId: text().notNull(),
    threadTs: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("slack_threads_channel_ts_key").on(t.channelId, t.threadTs)],
);

/**
 * Slack message ↔ ticket message. Inbound: the Slack message that became a ticket message (unique
 * by channel and ts, so a message is never added twice). Outbound: a public agent reply posted
 * into the thread; ts is set once Slack accepted it (exactly once per ticket message).
 */
export const slackMessages = pgTable(
  "slack_messages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    ticketMessageId: uuid()
      .notNull()
      .references(() => ticketMessages.id, { onDelete: "cascade" }),
    direction: text({ enum: ["inbound", "outbound"] }).notNull(),
    channelId: text().notNull(),
    /** The message's own ts (null for an outbound reply not yet accepted by Slack). */
    ts: text(),
    threadTs: text().notNull(),
    slackUserId: text(),
    postedAt: timestamp({ withTimezone: true }),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("slack_messages_ticket_message_key").on(t.ticketMessageId),
    uniqueIndex("slack_messages_channel_ts_key").on(t.channelId, t.ts).where(sql`${t.ts} is not null`),
  ],
);
