import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations, users } from "./orgs";
import { bytea, tickets } from "./tickets";

/** The beta program pipeline: programs, deals, their append-only stage history, contacts,
 * activities, agreements and the beta customers' feedback. */

export const dealStageEnum = pgEnum("deal_stage", ["prospect", "demo", "agreement", "onboarded", "lost"]);
export const caseStudyStageEnum = pgEnum("case_study_stage", ["candidate", "consented", "interview", "draft", "approved", "published"]);
export const dealActivityKindEnum = pgEnum("deal_activity_kind", ["note", "call", "meeting", "email", "task", "edit"]);
export const agreementStatusEnum = pgEnum("agreement_status", ["draft", "sent", "signed"]);
export const caseStudyConsentEnum = pgEnum("case_study_consent", ["none", "logo", "quote", "full"]);
export const feedbackStatusEnum = pgEnum("feedback_status", ["new", "planned", "in_progress", "shipped", "declined"]);
export const feedbackKindEnum = pgEnum("feedback_kind", ["feedback", "feature_request"]);

/** A beta program: aim for `target` onboarded customers (at least `minimum`) by the deadline. One is active. */
export const betaPrograms = pgTable(
  "beta_programs",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    target: integer().notNull(),
    minimum: integer().notNull(),
    startsOn: date({ mode: "string" }).notNull(),
    deadline: date({ mode: "string" }).notNull(),
    active: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("beta_programs_one_active").on(t.active).where(sql`${t.active}`)],
);

export const betaDeals = pgTable(
  "beta_deals",
  {
    id: uuid().primaryKey().defaultRandom(),
    programId: uuid()
      .notNull()
      .references(() => betaPrograms.id, { onDelete: "restrict" }),
    company: text().notNull(),
    website: text(),
    source: text(),
    notes: text().notNull().default(""),
    ownerId: uuid().references(() => users.id, { onDelete: "set null" }),
    stage: dealStageEnum().notNull().default("prospect"),
    stageEnteredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    nextStep: text(),
    nextStepDueAt: timestamp({ withTimezone: true }),
    demoAt: timestamp({ withTimezone: true }),
    demoAttendees: text(),
    lostReason: text(),
    lostNote: text(),
    /** The customer organization (set at onboarding, or linked earlier). */
    organizationId: uuid().references(() => organizations.id, { onDelete: "set null" }),
    onboardedAt: timestamp({ withTimezone: true }),
    caseStudyStage: caseStudyStageEnum(),
    /** Optimistic locking: every move and edit bumps it; a change based on an older one is refused. */
    version: integer().notNull().default(1),
    lastActivityAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("beta_deals_program_stage_idx").on(t.programId, t.stage),
    index("beta_deals_owner_idx").on(t.ownerId),
    index("beta_deals_organization_idx").on(t.organizationId),
  ],
);

/** Append-only history of moves, written in the same transaction as each move: the one source
 * for the timeline, time in stage, funnel and velocity. `fromStage` is null when a deal is created. */
export const dealStageEvents = pgTable(
  "deal_stage_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    dealId: uuid()
      .notNull()
      .references(() => betaDeals.id, { onDelete: "cascade" }),
    fromStage: dealStageEnum(),
    toStage: dealStageEnum().notNull(),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    note: text(),
  },
  (t) => [index("deal_stage_events_deal_idx").on(t.dealId, t.at), index("deal_stage_events_at_idx").on(t.at)],
);

export const dealContacts = pgTable(
  "deal_contacts",
  {
    id: uuid().primaryKey().defaultRandom(),
    dealId: uuid()
      .notNull()
      .references(() => betaDeals.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** Lower-case. */
    email: text().notNull(),
    role: text(),
    /** The portal user invited (or linked) at onboarding: set once, so re-onboarding never re-invites. */
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    invitedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("deal_contacts_deal_email_key").on(t.dealId, t.email)],
);

/** Notes, calls, meetings, logged emails, tasks (with due/done) and recorded edits of a deal. */
export const dealActivities = pgTable(
  "deal_activities",
  {
    id: uuid().primaryKey().defaultRandom(),
    dealId: uuid()
      .notNull()
      .references(() => betaDeals.id, { onDelete: "cascade" }),
    kind: dealActivityKindEnum().notNull(),
    body: text().notNull(),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp({ withTimezone: true }),
    doneAt: timestamp({ withTimezone: true }),
    /** Onboarding tasks carry their checklist item's key: created once per deal. */
    templateKey: text(),
    /** Edits: { field, from, to }. */
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("deal_activities_deal_idx").on(t.dealId, t.at),
    uniqueIndex("deal_activities_template_key").on(t.dealId, t.templateKey).where(sql`${t.templateKey} is not null`),
  ],
);

export const agreements = pgTable("agreements", {
  dealId: uuid()
    .primaryKey()
    .references(() => betaDeals.id, { onDelete: "cascade" }),
  status: agreementStatusEnum().notNull().default("draft"),
  terms: text().notNull().default(""),
  sentOn: date({ mode: "string" }),
  signedOn: date({ mode: "string" }),
  betaStartsOn: date({ mode: "string" }),
  betaEndsOn: date({ mode: "string" }),
  priceAfterBeta: text(),
  feedbackObligations: text(),
  caseStudyConsent: caseStudyConsentEnum().notNull().default("none"),
  documentName: text(),
  documentSize: integer(),
  documentSha256: text(),
  documentData: bytea(),
  updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Feedback and feature requests of beta customers (or promoted from a ticket by an agent). */
export const feedbackItems = pgTable(
  "feedback_items",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ticketId: uuid().references(() => tickets.id, { onDelete: "set null" }),
    kind: feedbackKindEnum().notNull().default("feedback"),
    title: text().notNull(),
    body: text().notNull().default(""),
    status: feedbackStatusEnum().notNull().default("new"),
    /** Listed (title and status only) to every beta customer so others can vote. */
    isPublic: boolean().notNull().default(false),
    shippedAt: timestamp({ withTimezone: true }),
    /** Set when the "shipped" mails were queued: they go out once. */
    shippedNotifiedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("feedback_items_org_idx").on(t.organizationId, t.createdAt.desc()),
    uniqueIndex("feedback_items_ticket_key").on(t.ticketId).where(sql`${t.ticketId} is not null`),
  ],
);

/** One vote per organization per item (whoever of its people clicked first). */
export const feedbackVotes = pgTable(
  "feedback_votes",
  {
    feedbackItemId: uuid()
      .notNull()
      .references(() => feedbackItems.id, { onDelete: "cascade" }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.feedbackItemId, t.organizationId] })],
);
