import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const jobStatusEnum = pgEnum("job_status", ["queued", "running", "done", "failed"]);

/** One-off background jobs, claimed with FOR UPDATE SKIP LOCKED. */
export const jobs = pgTable(
  "jobs",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: jobStatusEnum().notNull().default("queued"),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(5),
    lockedUntil: timestamp({ withTimezone: true }),
    lockedBy: text(),
    lastError: text(),
    /** Deduplicates enqueues: at most one unfinished job per key. */
    uniqueKey: text(),
    progress: jsonb().$type<{ done: number; total: number }>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("jobs_due_idx").on(t.runAt).where(sql`${t.status} in ('queued', 'running')`),
    uniqueIndex("jobs_unique_key").on(t.uniqueKey).where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/** Periodic tasks: a process claims a run by moving next_run_at forward atomically, so each
 * period runs in one process only. */
export const jobSchedules = pgTable("job_schedules", {
  name: text().primaryKey(),
  nextRunAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp({ withTimezone: true }),
  lastRunAt: timestamp({ withTimezone: true }),
  lastDurationMs: integer(),
  lastError: text(),
  runs: integer().notNull().default(0),
  failures: integer().notNull().default(0),
});
