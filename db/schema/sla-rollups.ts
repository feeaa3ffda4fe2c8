import { bigint, date, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/** The counters a daily row and a block both hold (a function: each table needs its own column builders). */
const rollupCounters = () => ({
  /** First response and resolution clocks achieved with a target (sla_timers), and how many within it. */
  frTotal: integer().notNull().default(0),
  frMet: integer().notNull().default(0),
  /** Next-response cycles achieved (sla_cycle_results). */
  nrTotal: integer().notNull().default(0),
  nrMet: integer().notNull().default(0),
  resTotal: integer().notNull().default(0),
  resMet: integer().notNull().default(0),
  /** CSAT ratings given, and the good ones. */
  csatTotal: integer().notNull().default(0),
  csatGood: integer().notNull().default(0),
  tickets: integer().notNull().default(0),
});

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
    ...rollupCounters(),
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
 * (`sla_elapsed_bucket(minutes)`: -1 for exactly 0, else 1 % wide log buckets). The report finds the bucket of each
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

/**
 * The same counters per dimension (`dim`: all | priority | group | agent | organization, `key`:
 * the priority or the id as text, '' for none) over aligned blocks of 2^level days starting at
 * `start` (day numbers since 1970-01-01 divisible by 2^level), levels 0–9; `all` at level 0 only.
 * The unfiltered report reads a range as at most two blocks per level (a few hundred rows per
 * dimension, whatever the history size), instead of every day × ticket dimensions row.
 * `tickets` holds only first-achievement-day contributions (prev_day null); the rest come from the
 * daily rows whose (prev_day, day] straddles the range start (GiST index sla_daily_rollups_gap_idx).
 */
export const slaRollupBlocks = pgTable(
  "sla_rollup_blocks",
  {
    level: integer().notNull(),
    start: date().notNull(),
    dim: text().notNull(),
    key: text().notNull(),
    ...rollupCounters(),
  },
  (t) => [primaryKey({ columns: [t.level, t.start, t.dim, t.key] })],
);

/** The elapsed-minutes histogram per metric over the same blocks (the unfiltered percentiles). */
export const slaElapsedBlocks = pgTable(
  "sla_elapsed_blocks",
  {
    level: integer().notNull(),
    start: date().notNull(),
    metric: text().notNull(),
    bucket: integer().notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.level, t.start, t.metric, t.bucket] })],
);

/**
 * "Breached now" on the SLA dashboard, kept as counters (migration 0021; docs/sla.md "Report
 * rollups"): open, unmerged tickets by the hour and by the day (UTC, `level` 0 and 1) their
 * earliest cached due time (least of the three *_due_at columns) falls in, per dimension (`dim`:
 * all | group | organization | pair, `key`: '' / the group id ('' for none) / the organization id /
 * "group/organization"). The dashboard counts the tickets due before now as the days before today
 * + today's hours before this one (these rows) + the changes not yet folded in (sla_due_deltas) +
 * an index range over the open tickets due in this hour so far. Exact at any instant: time passing
 * needs no write.
 */
export const slaDueCounts = pgTable(
  "sla_due_counts",
  {
    dim: text().notNull(),
    key: text().notNull(),
    level: integer().notNull(),
    /** The UTC hour (level 0) or day (level 1) as a timestamp without zone. */
    start: timestamp({ mode: "string" }).notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.dim, t.key, t.level, t.start] })],
);

/**
 * Changes to sla_due_counts not yet folded in: a trigger on tickets appends -1 at the old due time
 * and +1 at the new one (no shared row is updated, so ticket writes never wait on each other for
 * it); `sla_due_counts_compact()` (a periodic job) folds them into the counters.
 */
export const slaDueDeltas = pgTable(
  "sla_due_deltas",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    due: timestamp({ withTimezone: true }).notNull(),
    groupId: uuid(),
    organizationId: uuid().notNull(),
    n: integer().notNull(),
  },
  (t) => [index("sla_due_deltas_due_idx").on(t.due)],
);
