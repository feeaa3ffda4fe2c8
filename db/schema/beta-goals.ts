import { boolean, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations, planEnum, users } from "./orgs";
import { betaDeals } from "./beta";

/** The roadmap's goals and the beta exit: each agreement's end asks for a decision. */

export const betaExitOutcomeEnum = pgEnum("beta_exit_outcome", ["converted", "churned"]);
export const betaGoalMetricEnum = pgEnum("beta_goal_metric", ["onboarded", "paying"]);

/** One decision per deal at the end of its beta: converted (plan, date, price) or churned (reason). */
export const betaExitDecisions = pgTable(
  "beta_exit_decisions",
  {
    dealId: uuid()
      .primaryKey()
      .references(() => betaDeals.id, { onDelete: "cascade" }),
    organizationId: uuid().references(() => organizations.id, { onDelete: "set null" }),
    outcome: betaExitOutcomeEnum().notNull(),
    /** The paid plan a converted customer moved to. */
    plan: planEnum(),
    /** Conversion date, or the day the customer churned. */
    decidedOn: date({ mode: "string" }).notNull(),
    price: text(),
    churnReason: text(),
    note: text(),
    decidedById: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("beta_exit_decisions_outcome_idx").on(t.outcome, t.decidedOn)],
);

/** Dated targets: `target` (at least `minimum` when set) of `metric` by month `byMonth` after the start date. */
export const betaGoals = pgTable(
  "beta_goals",
  {
    id: uuid().primaryKey().defaultRandom(),
    metric: betaGoalMetricEnum().notNull(),
    label: text().notNull(),
    minimum: integer(),
    target: integer().notNull(),
    byMonth: integer().notNull(),
    updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("beta_goals_metric_month_key").on(t.metric, t.byMonth)],
);

/** One row (id = true): the date months are counted from, and the company time zone of the weekly summary. */
export const betaGoalSettings = pgTable("beta_goal_settings", {
  id: boolean().primaryKey().default(true),
  startsOn: date({ mode: "string" }).notNull(),
  timeZone: text().notNull().default("UTC"),
  updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** One row per week the summary went out (the local date of that week's Monday): never twice. */
export const betaWeeklySummaries = pgTable("beta_weekly_summaries", {
  weekOf: date({ mode: "string" }).primaryKey(),
  recipients: integer().notNull(),
  sentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
