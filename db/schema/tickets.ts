import { sql, type SQL } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, users } from "./orgs";

/** Postgres full-text vector; drizzle has no built-in type (STACK-NOTES). */
export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const ticketStatusEnum = pgEnum("ticket_status", ["new", "open", "pending", "on_hold", "solved", "closed"]);
export const ticketPriorityEnum = pgEnum("ticket_priority", ["low", "normal", "high", "urgent"]);
export const ticketChannelEnum = pgEnum("ticket_channel", ["web", "email", "api", "slack"]);
export const messageVisibilityEnum = pgEnum("message_visibility", ["public", "internal"]);

/** Queues: agents belong to groups; tickets are routed to one. */
export const groups = pgTable("groups", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  description: text().notNull().default(""),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const groupMembers = pgTable(
  "group_members",
  {
    groupId: uuid()
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const tickets = pgTable(
  "tickets",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The human number shown as #1234 and used in URLs. */
    number: serial().notNull(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    requesterId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    assigneeId: uuid().references(() => users.id, { onDelete: "set null" }),
    groupId: uuid().references(() => groups.id, { onDelete: "set null" }),
    subject: text().notNull(),
    status: ticketStatusEnum().notNull().default("new"),
    priority: ticketPriorityEnum().notNull().default("normal"),
    channel: ticketChannelEnum().notNull().default("web"),
    category: text(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    /** Optimistic locking: every change bumps it; a save based on an older one is refused. */
    version: integer().notNull().default(1),
    /** A double submit with the same key creates one ticket. */
    idempotencyKey: text(),
    mergedIntoId: uuid(),
    /** Per-ticket token in the reply-to address (reply+<token>@…) that threads inbound mail. */
    replyToken: text(),
    escalationLevel: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    solvedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    firstRespondedAt: timestamp({ withTimezone: true }),
    lastCustomerMessageAt: timestamp({ withTimezone: true }),
    lastAgentReplyAt: timestamp({ withTimezone: true }),
    /** SLA cache columns (recomputed from the timeline by the SLA module). */
    slaPolicyId: uuid(),
    firstResponseDueAt: timestamp({ withTimezone: true }),
    nextResponseDueAt: timestamp({ withTimezone: true }),
    resolutionDueAt: timestamp({ withTimezone: true }),
    /** Subject (weight A) and number for search; messages carry their own vector. */
    searchVector: tsvector().generatedAlwaysAs(
      (): SQL => sql`setweight(to_tsvector('english', coalesce(${tickets.subject}, '')), 'A')`,
    ),
  },
  (t) => [
    uniqueIndex("tickets_number_key").on(t.number),
    uniqueIndex("tickets_reply_token_key").on(t.replyToken),
    uniqueIndex("tickets_idempotency_key").on(t.requesterId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index("tickets_org_updated_idx").on(t.organizationId, t.updatedAt.desc()),
    index("tickets_requester_updated_idx").on(t.requesterId, t.updatedAt.desc()),
    index("tickets_assignee_status_idx").on(t.assigneeId, t.status, t.updatedAt.desc()),
    index("tickets_status_updated_idx").on(t.status, t.updatedAt.desc()),
    index("tickets_group_status_idx").on(t.groupId, t.status),
    index("tickets_search_idx").using("gin", t.searchVector),
    index("tickets_tags_idx").using("gin", t.tags),
    // SLA: the cached due columns, only where a clock is running (app/modules/sla).
    index("tickets_first_response_due_idx").on(t.firstResponseDueAt).where(sql`${t.firstResponseDueAt} is not null`),
    index("tickets_next_response_due_idx").on(t.nextResponseDueAt).where(sql`${t.nextResponseDueAt} is not null`),
    index("tickets_resolution_due_idx").on(t.resolutionDueAt).where(sql`${t.resolutionDueAt} is not null`),
    index("tickets_sla_due_idx").on(sql`least(${t.firstResponseDueAt}, ${t.nextResponseDueAt}, ${t.resolutionDueAt})`, t.number),
    // Desk queues (docs/performance.md): open tickets are ~10 % of all; the views and their counts
    // read only them (due order for page 1 of the default views), and recently solved by solved_at.
    index("tickets_open_due_idx")
      .on(sql`least(${t.firstResponseDueAt}, ${t.nextResponseDueAt}, ${t.resolutionDueAt})`, t.number)
      .where(sql`${t.status} in ('new', 'open', 'pending', 'on_hold') and ${t.mergedIntoId} is null`),
    index("tickets_open_scope_idx")
      .on(t.groupId, t.assigneeId)
      .where(sql`${t.status} in ('new', 'open', 'pending', 'on_hold') and ${t.mergedIntoId} is null`),
    index("tickets_solved_at_idx").on(t.solvedAt).where(sql`${t.status} = 'solved'`),
    // Custom views sorted by last update (any mix of statuses), page 1 and keyset pages alike.
    index("tickets_updated_number_idx").on(t.updatedAt, t.number),
    // The SLA report's CSV export: the tickets created in a date range.
    index("tickets_created_at_idx").on(t.createdAt),
  ],
);

export const ticketMessages = pgTable(
  "ticket_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    visibility: messageVisibilityEnum().notNull().default("public"),
    channel: ticketChannelEnum().notNull().default("web"),
    /** Markdown as written (rendered with raw HTML disabled). */
    body: text().notNull(),
    /** Sanitized HTML of an inbound email, when the mail had an HTML part. */
    bodyHtml: text(),
    /** Email threading. */
    emailMessageId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector().generatedAlwaysAs((): SQL => sql`to_tsvector('english', coalesce(${ticketMessages.body}, ''))`),
  },
  (t) => [
    index("ticket_messages_ticket_idx").on(t.ticketId, t.createdAt),
    index("ticket_messages_search_idx").using("gin", t.searchVector),
    index("ticket_messages_email_id_idx").on(t.emailMessageId).where(sql`${t.emailMessageId} is not null`),
  ],
);

/** The timeline: status, assignment, priority, tags, merges; later SLA warnings, breaches, escalations. */
export const ticketEvents = pgTable(
  "ticket_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("ticket_events_ticket_idx").on(t.ticketId, t.at)],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid().primaryKey().defaultRandom(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    messageId: uuid().references(() => ticketMessages.id, { onDelete: "cascade" }),
    uploaderId: uuid().references(() => users.id, { onDelete: "set null" }),
    fileName: text().notNull(),
    contentType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    data: bytea().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), index("attachments_ticket_idx").on(t.ticketId)],
);

export const csatRatings = pgTable("csat_ratings", {
  ticketId: uuid()
    .primaryKey()
    .references(() => tickets.id, { onDelete: "cascade" }),
  userId: uuid().references(() => users.id, { onDelete: "set null" }),
  rating: text({ enum: ["good", "bad"] }).notNull(),
  comment: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Canned replies with placeholders ({{requester.first_name}} …) that may also set status and tags. */
export const macros = pgTable("macros", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  body: text().notNull(),
  setStatus: ticketStatusEnum(),
  addTags: text().array().notNull().default(sql`'{}'::text[]`),
  active: boolean().notNull().default(true),
  createdById: uuid().references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** An agent's saved custom queue view (filters as validated JSON). */
export const savedViews = pgTable(
  "saved_views",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    filters: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("saved_views_owner_idx").on(t.ownerId)],
);

/** "Related tickets" links (stored once per pair, smaller id first). */
export const ticketLinks = pgTable(
  "ticket_links",
  {
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    relatedTicketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.relatedTicketId] }), index("ticket_links_related_idx").on(t.relatedTicketId)],
);

export const inboundStatusEnum = pgEnum("inbound_email_status", ["ticketed", "review", "discarded"]);

/** Every received email, kept: threaded into a ticket, or held for agents to review. */
export const inboundEmails = pgTable(
  "inbound_emails",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The provider's id of the received email: a redelivered webhook is recorded once. */
    providerEmailId: text().notNull(),
    fromAddress: text().notNull(),
    fromName: text(),
    toAddresses: text().array().notNull().default(sql`'{}'::text[]`),
    subject: text().notNull().default(""),
    text: text().notNull().default(""),
    /** Sanitized with an allowlist before it is stored. */
    html: text(),
    messageId: text(),
    inReplyTo: text(),
    references: text().array().notNull().default(sql`'{}'::text[]`),
    status: inboundStatusEnum().notNull(),
    ticketId: uuid().references(() => tickets.id, { onDelete: "set null" }),
    attachmentCount: integer().notNull().default(0),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    reviewedById: uuid().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("inbound_emails_provider_key").on(t.providerEmailId),
    index("inbound_emails_review_idx").on(t.receivedAt).where(sql`${t.status} = 'review'`),
    index("inbound_emails_message_id_idx").on(t.messageId),
  ],
);
