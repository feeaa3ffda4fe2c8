import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./orgs";
import { tickets } from "./tickets";

/** The SLA metrics, as stored in text columns. */
export type SlaMetricName = "firstResponse" | "nextResponse" | "resolution";

export interface SlaTargetSet {
  firstResponseMinutes?: number;
  nextResponseMinutes?: number;
  resolutionMinutes?: number;
}
/** Targets per ticket priority; a priority without an entry has no SLA. */
export type SlaTargets = Partial<Record<"low" | "normal" | "high" | "urgent", SlaTargetSet>>;

export interface EscalationConditions {
  plans?: string[];
  organizationIds?: string[];
  priorities?: string[];
  groupIds?: string[];
  channels?: string[];
  policyIds?: string[];
}

export interface EscalationActions {
  notifyAssignee?: boolean;
  notifyGroup?: boolean;
  notifyAdmins?: boolean;
  notifyUserIds?: string[];
  /** Slack-compatible incoming webhook: POSTs {"text": …}. */
  webhookUrl?: string | null;
  /** Post the escalation into this Slack channel (C…/G…) with the connected bot (docs/slack.md). */
  slackChannelId?: string | null;
  reassignGroupId?: string | null;
  reassignUserId?: string | null;
  raisePriority?: boolean;
  /** 1–3 */
  setEscalationLevel?: number | null;
}

/** Business calendars: a zone, weekly hours and holidays (see app/modules/sla/business-time.ts). */
export const businessCalendars = pgTable("business_calendars", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  timeZone: text().notNull(),
  hours: jsonb().$type<Partial<Record<string, { start: string; end: string }[]>>>().notNull(),
  holidays: text().array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** SLA policies, ordered by position: the first active one whose conditions match applies. */
export const slaPolicies = pgTable(
  "sla_policies",
  {
    id: uuid().primaryKey().defaultRandom(),
    position: integer().notNull().default(0),
    name: text().notNull(),
    active: boolean().notNull().default(true),
    /** Match conditions; an empty list means "any". */
    plans: text().array().notNull().default(sql`'{}'::text[]`),
    organizationIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    priorities: text().array().notNull().default(sql`'{}'::text[]`),
    groupIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    channels: text().array().notNull().default(sql`'{}'::text[]`),
    targets: jsonb().$type<SlaTargets>().notNull().default({}),
    calendarId: uuid()
      .notNull()
      .references(() => businessCalendars.id, { onDelete: "restrict" }),
    pauseStatuses: text().array().notNull().default(sql`'{pending,on_hold}'::text[]`),
    warnFraction: doublePrecision().notNull().default(0.8),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sla_policies_position_idx").on(t.position)],
);

/** When <metric> reaches <warning | breach> for matching tickets, do <actions>. */
export const escalationRules = pgTable("escalation_rules", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** firstResponse | nextResponse | resolution | any */
  metric: text().notNull(),
  /** warning | breach */
  trigger: text().notNull(),
  conditions: jsonb().$type<EscalationConditions>().notNull().default({}),
  actions: jsonb().$type<EscalationActions>().notNull().default({}),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Per ticket and metric: what the sweeper still has to fire, and the last computed result.
 * `warn_at` / `due_at` are *pending* instants: set by the recompute unless that warning or
 * breach already fired for the cycle, cleared by the sweeper when it fires them. The partial
 * indexes hold only pending instants, so a sweep with nothing new reads (almost) nothing.
 */
export const slaTimers = pgTable(
  "sla_timers",
  {
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    metric: text().notNull(),
    cycle: integer().notNull().default(1),
    policyId: uuid().references(() => slaPolicies.id, { onDelete: "set null" }),
    targetMinutes: doublePrecision(),
    /** Pending warning instant (null: none pending). */
    warnAt: timestamp({ withTimezone: true, precision: 3 }),
    /** Pending breach instant (null: none pending). */
    dueAt: timestamp({ withTimezone: true, precision: 3 }),
    /** The last computed clock: state, elapsed business minutes, achievement. */
    state: text().notNull().default("inactive"),
    elapsedMinutes: doublePrecision().notNull().default(0),
    startedAt: timestamp({ withTimezone: true }),
    achievedAt: timestamp({ withTimezone: true }),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.metric] }),
    index("sla_timers_warn_idx").on(t.warnAt).where(sql`${t.warnAt} is not null`),
    index("sla_timers_due_idx").on(t.dueAt).where(sql`${t.dueAt} is not null`),
    index("sla_timers_achieved_idx").on(t.achievedAt).where(sql`${t.achievedAt} is not null`),
  ],
);

/** Warnings and breaches: one row per ticket, metric, kind and cycle, so each fires once. */
export const slaEvents = pgTable(
  "sla_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    metric: text().notNull(),
    /** warning | breach */
    kind: text().notNull(),
    cycle: integer().notNull().default(1),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The instant that was crossed (warning instant or due time). */
    dueAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("sla_events_once_key").on(t.ticketId, t.metric, t.kind, t.cycle), index("sla_events_at_idx").on(t.at)],
);

/** Each escalation rule fires at most once per ticket, metric and cycle. */
export const escalationFirings = pgTable(
  "escalation_firings",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    ruleId: uuid()
      .notNull()
      .references(() => escalationRules.id, { onDelete: "cascade" }),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    metric: text().notNull(),
    cycle: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("escalation_firings_once_key").on(t.ruleId, t.ticketId, t.metric, t.cycle)],
);

/** In-app notifications (escalations). */
export const notifications = pgTable(
  "notifications",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ticketId: uuid().references(() => tickets.id, { onDelete: "cascade" }),
    text: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt.desc())],
);

/**
 * Every achieved next-response cycle of a ticket (sla_timers keeps only the current one), so the
 * SLA report counts each exchange. Rewritten with the ticket's clocks on every recompute.
 */
export const slaCycleResults = pgTable(
  "sla_cycle_results",
  {
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    metric: text().notNull(),
    cycle: integer().notNull(),
    targetMinutes: doublePrecision(),
    elapsedMinutes: doublePrecision().notNull(),
    achievedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.metric, t.cycle] }), index("sla_cycle_results_achieved_idx").on(t.achievedAt)],
);
