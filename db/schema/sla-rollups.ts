import { date, index, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";

/**
 * Daily rollups behind the SLA report (/desk/reports/sla; app/modules/sla/rollups.server.ts).
 * One row per UTC day and ticket dimensions (the ticket's *current* priority, group, organization
 * and assignee, as the report has always attributed history). Merged tickets contribute nothing.
 * Maintained in the same transaction as every write that changes them by the triggers of migration
 * 0014 (sla_timers, sla_cycle_results, csat_ratings, tickets): each trigger subtracts the changed
 * tickets' old contribution and adds the new one. `sla_rollups_rebuild()` recomputes everything.
 *
 * `tickets` makes "distinct tickets with a clock achieved in [from, to]" additive: each ticket adds
 * 1 on every distinct day one of its clocks (with a target) was achieved, in the row whose
 * `prev_day` is its previous such day (null for the first). A ticket counts once in a range
 * [a, b]: on its first day in the range, the one whose prev_day is null or before a. All other
 * counters live in rows with prev_day null.
 */
export const slaDailyRollups = pgTable(
  "sla_daily_rollups",
  {
    day: date().notNull(),
    prevDay: date(),
    priority: text().notNull(),
    groupId: uuid(),
    organizationId: uuid().notNull(),
    assigneeId: uuid(),
    /** First response and resolution clocks achieved that day with a target (sla_timers), and how many within it. */
    frTotal: integer().notNull().default(0),
    frMet: integer().notNull().default(0),
    /** Next-response cycles achieved that day (sla_cycle_results). */
    nrTotal: integer().notNull().default(0),
    nrMet: integer().notNull().default(0),
    resTotal: integer().notNull().default(0),
    resMet: integer().notNull().default(0),
    /** CSAT ratings given that day, and the good ones. */
    csatTotal: integer().notNull().default(0),
    csatGood: integer().notNull().default(0),
    tickets: integer().notNull().default(0),
  },
  (t) => [
    unique("sla_daily_rollups_key").on(t.day, t.prevDay, t.priority, t.groupId, t.organizationId, t.assigneeId).nullsNotDistinct(),
    index("sla_daily_rollups_group_idx").on(t.groupId, t.day),
    index("sla_daily_rollups_org_idx").on(t.organizationId, t.day),
  ],
);

/**
 * Histogram of business minutes of achieved first-response and resolution clocks (with or
 * without a target, as the percentiles have always counted), per UTC day, metric and bucket
 * (`sla_elapsed_bucket(minutes)`: 5 % wide log buckets). The report finds the bucket of each
 * percentile rank here and reads the exact values of that one bucket from sla_timers (index
 * `sla_timers_elapsed_bucket_idx`), so the percentiles are exact.
 */
export const slaElapsedRollups = pgTable(
  "sla_elapsed_rollups",
  {
    day: date().notNull(),
    metric: text().notNull(),
    bucket: integer().notNull(),
    groupId: uuid(),
    organizationId: uuid().notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [
    unique("sla_elapsed_rollups_key").on(t.day, t.metric, t.bucket, t.groupId, t.organizationId).nullsNotDistinct(),
    index("sla_elapsed_rollups_group_idx").on(t.groupId, t.day),
    index("sla_elapsed_rollups_org_idx").on(t.organizationId, t.day),
  ],
);
