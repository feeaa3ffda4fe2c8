import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, asc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { jobs, jobSchedules } from "../../../db/schema";
import { db as appDb, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { errorFields, log } from "~/lib/log.server";
import { dispatchOutbox, releaseOutboxLeases, type DispatchOptions } from "~/modules/email/dispatcher.server";
import { onEmailEnqueued } from "~/modules/email/outbox.server";

/**
 * The job runner: one per process (the web process by default, or `npm run worker`), several
 * per deployment. Three kinds of work, each safe when several processes run at once:
 *
 * - the email outbox: dispatched every poll in every process (rows claimed with SKIP LOCKED),
 *   and woken ~50 ms after a mail is enqueued in this process;
 * - periodic tasks: a process claims a period by moving job_schedules.next_run_at forward in
 *   one UPDATE, so each period runs in one process only;
 * - one-off jobs (the `jobs` table): enqueueJob() in the transaction of the change, claimed with
 *   SKIP LOCKED, retried with backoff, progress reported through ctx.setProgress().
 *
 * Errors are logged and counted; they never crash the process.
 */

// ---------------------------------------------------------------------------------------------
// Registries: capability modules register their handlers and periodic tasks at import time.

export interface JobContext {
  job: { id: number; type: string; attempts: number; maxAttempts: number };
  db: Database;
  /** Aborted when the runner stops: long jobs should stop at the next safe point. */
  signal: AbortSignal;
  /** Stores progress on the job row (and extends the lease). */
  setProgress(done: number, total: number): Promise<void>;
}

export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

export interface PeriodicTask {
  /** Unique; the job_schedules primary key. */
  name: string;
  everyMs: number;
  /** How long one run may hold the period (default: max(everyMs, 60 s)). */
  leaseMs?: number;
  run(ctx: { db: Database; signal: AbortSignal }): Promise<void>;
}

const jobHandlers = new Map<string, JobHandler>();
const periodicTasks = new Map<string, PeriodicTask>();

export function registerJobHandler(type: string, handler: JobHandler): void {
  jobHandlers.set(type, handler);
}

export function registerPeriodicTask(task: PeriodicTask): void {
  periodicTasks.set(task.name, task);
}

/** One finished run of a periodic task or a one-off job (for /metrics). */
export interface JobRunObservation {
  kind: "periodic" | "job";
  /** The task name or the job type. */
  name: string;
  ok: boolean;
  durationMs: number;
}
const jobRunObservers = new Set<(run: JobRunObservation) => void>();

/** Calls `observer` after every periodic task run and one-off job run of this process's runners. */
export function observeJobRuns(observer: (run: JobRunObservation) => void): () => void {
  jobRunObservers.add(observer);
  return () => jobRunObservers.delete(observer);
}

function reportJobRun(run: JobRunObservation): void {
  for (const observer of jobRunObservers) {
    try {
      observer(run);
    } catch {
      // an observer must never break the runner
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One-off jobs

export interface EnqueueJobOptions {
  runAt?: Date;
  /** At most one unfinished (queued or running) job per key; a repeated enqueue is a no-op. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/**
 * Queues a one-off job. Call it with the transaction of the change that needs it: a rollback
 * drops the job too. Returns `{ id: null }` when an unfinished job with the same uniqueKey exists.
 */
export async function enqueueJob(
  tx: Executor,
  type: string,
  payload: Record<string, unknown> = {},
  options: EnqueueJobOptions = {},
): Promise<{ id: number | null }> {
  const at = now();
  const [row] = await tx
    .insert(jobs)
    .values({
      type,
      payload,
      runAt: options.runAt ?? at,
      createdAt: at,
      uniqueKey: options.uniqueKey ?? null,
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    })
    .onConflictDoNothing({ target: jobs.uniqueKey, where: sql`status in ('queued', 'running')` })
    .returning({ id: jobs.id });
  return { id: row?.id ?? null };
}

/** The wait before retrying a job that failed `attempts` times: 10 s · 2^(attempts − 1), ≤ 1 h, ±20 %. */
export function jobBackoffMs(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(60 * 60_000, 10_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

// ---------------------------------------------------------------------------------------------
// The runner

export interface JobRunnerOptions {
  /** The database to use (default: the process's handle). Tests give two runners two handles. */
  db?: () => Database;
  /** Identifies this runner in jobs.locked_by. */
  id?: string;
  pollMs?: number;
  /** Run the outbox dispatcher (default true). */
  outbox?: boolean;
  dispatch?: Omit<DispatchOptions, "signal" | "held">;
  /** Periodic tasks and job handlers (default: the registries above). */
  tasks?: PeriodicTask[];
  handlers?: Record<string, JobHandler>;
  jobBatchSize?: number;
  jobLeaseMs?: number;
  /** Debounce of the wake-up after an enqueue in this process. */
  wakeDebounceMs?: number;
  random?: () => number;
}

export interface RunnerCounters {
  outbox: { runs: number; failures: number; claimed: number; sent: number; retried: number; failed: number; lost: number };
  jobs: { runs: number; failures: number; done: number; retried: number; failed: number };
  periodic: Record<string, { runs: number; failures: number }>;
  /** Errors of the runner itself (a query that failed), logged and survived. */
  errors: number;
}

export interface JobRunner {
  readonly id: string;
  readonly counters: RunnerCounters;
  start(): void;
  /** Stops polling, waits for the work in flight (up to timeoutMs), releases leases still held. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Runs the outbox lane and the jobs lane once each, now (tests, and wake-ups). */
  tick(): Promise<void>;
  /** Dispatches the outbox soon (debounced). */
  wake(): void;
  readonly running: boolean;
}

const activeRunners = new Set<JobRunner>();

/** Wakes the outbox lane of every runner of this process (after a retry from the mailbox). */
export function wakeJobRunners(): void {
  for (const runner of activeRunners) runner.wake();
}

/** The counters of this process's runners, for metrics. */
export function jobRunnerCounters(): RunnerCounters[] {
  return [...activeRunners].map((r) => r.counters);
}

export function createJobRunner(options: JobRunnerOptions = {}): JobRunner {
  const id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const pollMs = options.pollMs ?? env().JOB_POLL_MS;
  const getDb = options.db ?? appDb;
  const random = options.random ?? Math.random;
  const jobBatchSize = options.jobBatchSize ?? 5;
  const jobLeaseMs = options.jobLeaseMs ?? 5 * 60_000;
  const wakeDebounceMs = options.wakeDebounceMs ?? 50;
  const outboxEnabled = options.outbox ?? true;
  const tasks = () => options.tasks ?? [...periodicTasks.values()];
  const handlers = () => (options.handlers ? new Map(Object.entries(options.handlers)) : jobHandlers);

  const counters: RunnerCounters = {
    outbox: { runs: 0, failures: 0, claimed: 0, sent: 0, retried: 0, failed: 0, lost: 0 },
    jobs: { runs: 0, failures: 0, done: 0, retried: 0, failed: 0 },
    periodic: {},
    errors: 0,
  };

  let abort = new AbortController();
  let started = false;
  const heldEmails = new Map<number, Date>();
  const heldSchedules = new Map<string, Date>();

  // ---- the outbox lane ----
  async function outboxOnce(): Promise<void> {
    if (!outboxEnabled) return;
    // Drain: keep claiming while full batches come back (bounded, so the loop yields).
    for (let round = 0; round < 50 && !abort.signal.aborted; round++) {
      counters.outbox.runs++;
      const r = await dispatchOutbox(getDb(), { ...options.dispatch, random, signal: abort.signal, held: heldEmails });
      counters.outbox.claimed += r.claimed;
      counters.outbox.sent += r.sent;
      counters.outbox.retried += r.retried;
      counters.outbox.failed += r.failed;
      counters.outbox.lost += r.lost;
      counters.outbox.failures += r.retried + r.failed;
      if (r.claimed < (options.dispatch?.batchSize ?? 20)) break;
    }
  }

  // ---- the jobs lane: periodic tasks, then one-off jobs ----
  async function periodicOnce(task: PeriodicTask): Promise<void> {
    const database = getDb();
    const at = now();
    const leaseUntil = new Date(at.getTime() + (task.leaseMs ?? Math.max(task.everyMs, 60_000)));
    await database.insert(jobSchedules).values({ name: task.name, nextRunAt: at }).onConflictDoNothing();
    // The claim: only one process moves next_run_at past now for this period.
    const [claimed] = await database
      .update(jobSchedules)
      .set({ nextRunAt: new Date(at.getTime() + task.everyMs), lockedUntil: leaseUntil })
      .where(
        and(
          eq(jobSchedules.name, task.name),
          lte(jobSchedules.nextRunAt, at),
          or(sql`${jobSchedules.lockedUntil} is null`, lt(jobSchedules.lockedUntil, at)),
        ),
      )
      .returning({ name: jobSchedules.name });
    if (!claimed) return;
    heldSchedules.set(task.name, leaseUntil);
    const stats = (counters.periodic[task.name] ??= { runs: 0, failures: 0 });
    stats.runs++;
    const t0 = performance.now();
    let error: string | null = null;
    try {
      await task.run({ db: database, signal: abort.signal });
    } catch (e) {
      error = ((e as Error)?.message ?? String(e)).slice(0, 2000);
      stats.failures++;
      log("error", "periodic task failed", { task: task.name, runner: id, ...errorFields(e) });
    }
    reportJobRun({ kind: "periodic", name: task.name, ok: error === null, durationMs: performance.now() - t0 });
    await database
      .update(jobSchedules)
      .set({
        lockedUntil: null,
        lastRunAt: at,
        lastDurationMs: Math.round(performance.now() - t0),
        lastError: error,
        runs: sql`${jobSchedules.runs} + 1`,
        failures: error ? sql`${jobSchedules.failures} + 1` : jobSchedules.failures,
      })
      .where(and(eq(jobSchedules.name, task.name), eq(jobSchedules.lockedUntil, leaseUntil)));
    heldSchedules.delete(task.name);
  }

  async function claimJobs(types: string[]) {
    const database = getDb();
    const at = now();
    const leaseUntil = new Date(at.getTime() + jobLeaseMs);
    const due = database
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          inArray(jobs.status, ["queued", "running"]),
          lte(jobs.runAt, at),
          inArray(jobs.type, types),
          // queued, or running under a lease that expired (its process died)
          or(eq(jobs.status, "queued"), lt(jobs.lockedUntil, at)),
        ),
      )
      .orderBy(asc(jobs.runAt))
      .limit(jobBatchSize)
      .for("update", { skipLocked: true });
    const rows = await database
      .update(jobs)
      .set({ status: "running", lockedUntil: leaseUntil, lockedBy: id, attempts: sql`${jobs.attempts} + 1` })
      .where(inArray(jobs.id, due))
      .returning();
    return rows.sort((a, b) => a.id - b.id);
  }

  async function runJob(row: typeof jobs.$inferSelect, handler: JobHandler): Promise<void> {
    const database = getDb();
    const mine = and(eq(jobs.id, row.id), eq(jobs.status, "running"), eq(jobs.lockedBy, id));
    counters.jobs.runs++;
    const t0 = performance.now();
    try {
      await handler(row.payload ?? {}, {
        job: { id: row.id, type: row.type, attempts: row.attempts, maxAttempts: row.maxAttempts },
        db: database,
        signal: abort.signal,
        async setProgress(done, total) {
          await database
            .update(jobs)
            .set({ progress: { done, total }, lockedUntil: new Date(now().getTime() + jobLeaseMs) })
            .where(mine);
        },
      });
      await database.update(jobs).set({ status: "done", finishedAt: now(), lockedUntil: null, lastError: null }).where(mine);
      counters.jobs.done++;
      reportJobRun({ kind: "job", name: row.type, ok: true, durationMs: performance.now() - t0 });
    } catch (e) {
      counters.jobs.failures++;
      reportJobRun({ kind: "job", name: row.type, ok: false, durationMs: performance.now() - t0 });
      const error = ((e as Error)?.message ?? String(e)).slice(0, 2000);
      if (row.attempts >= row.maxAttempts) {
        counters.jobs.failed++;
        await database.update(jobs).set({ status: "failed", finishedAt: now(), lockedUntil: null, lastError: error }).where(mine);
        log("error", "job failed for good", { jobId: row.id, type: row.type, attempts: row.attempts, runner: id, ...errorFields(e) });
      } else {
        counters.jobs.retried++;
        const runAt = new Date(now().getTime() + jobBackoffMs(row.attempts, random));
        await database
          .update(jobs)
          .set({ status: "queued", runAt, lockedUntil: null, lockedBy: null, lastError: error })
          .where(mine);
        log("warn", "job failed; will retry", { jobId: row.id, type: row.type, attempts: row.attempts, runAt: runAt.toISOString(), error });
      }
    }
  }

  async function jobsOnce(): Promise<void> {
    for (const task of tasks()) {
      if (abort.signal.aborted) return;
      try {
        await periodicOnce(task);
      } catch (e) {
        counters.errors++;
        log("error", "periodic task claim failed", { task: task.name, runner: id, ...errorFields(e) });
      }
    }
    const registry = handlers();
    if (registry.size === 0) return;
    for (let round = 0; round < 20 && !abort.signal.aborted; round++) {
      const rows = await claimJobs([...registry.keys()]);
      for (const row of rows) {
        if (abort.signal.aborted) {
          // Stopping before this job started: hand it back.
          await getDb()
            .update(jobs)
            .set({ status: "queued", lockedUntil: null, lockedBy: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
            .where(and(eq(jobs.id, row.id), eq(jobs.lockedBy, id), eq(jobs.status, "running")));
          continue;
        }
        await runJob(row, registry.get(row.type)!);
      }
      if (rows.length < jobBatchSize) break;
    }
  }

  // ---- scheduling of the two lanes ----
  interface Lane {
    name: string;
    work: () => Promise<void>;
    timer?: NodeJS.Timeout;
    inFlight?: Promise<void>;
    again: boolean;
  }
  const lanes: Lane[] = [
    { name: "outbox", work: outboxOnce, again: false },
    { name: "jobs", work: jobsOnce, again: false },
  ];

  function runLane(lane: Lane): Promise<void> {
    if (lane.inFlight) {
      lane.again = true;
      return lane.inFlight;
    }
    clearTimeout(lane.timer);
    lane.timer = undefined;
    lane.inFlight = (async () => {
      try {
        do {
          lane.again = false;
          await lane.work();
        } while (lane.again && !abort.signal.aborted);
      } catch (e) {
        counters.errors++;
        if (lane.name === "outbox") counters.outbox.failures++;
        log("error", `job runner: ${lane.name} lane failed`, { runner: id, ...errorFields(e) });
      } finally {
        lane.inFlight = undefined;
        if (started && !abort.signal.aborted) {
          lane.timer = setTimeout(() => void runLane(lane), pollMs);
          lane.timer.unref?.();
        }
      }
    })();
    return lane.inFlight;
  }

  let wakeTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const runner: JobRunner = {
    id,
    counters,
    get running() {
      return started;
    },
    start() {
      if (started) return;
      started = true;
      abort = new AbortController();
      activeRunners.add(runner);
      unsubscribe = onEmailEnqueued(() => runner.wake());
      // Stagger the lanes a little so two lanes do not hit the database in the same tick.
      lanes[0]!.timer = setTimeout(() => void runLane(lanes[0]!), 0);
      lanes[1]!.timer = setTimeout(() => void runLane(lanes[1]!), Math.min(pollMs, 100));
      log("info", "job runner started", { runner: id, pollMs, tasks: tasks().map((t) => t.name), handlers: [...handlers().keys()] });
    },
    wake() {
      if (!started || abort.signal.aborted || !outboxEnabled) return;
      if (wakeTimer) return;
      wakeTimer = setTimeout(() => {
        wakeTimer = undefined;
        void runLane(lanes[0]!);
      }, wakeDebounceMs);
      wakeTimer.unref?.();
    },
    async tick() {
      await Promise.all(lanes.map((lane) => runLane(lane)));
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      if (!started) return;
      started = false;
      unsubscribe?.();
      activeRunners.delete(runner);
      clearTimeout(wakeTimer);
      wakeTimer = undefined;
      abort.abort();
      for (const lane of lanes) clearTimeout(lane.timer);
      const inFlight = lanes.map((l) => l.inFlight).filter(Boolean) as Promise<void>[];
      let timedOut = false;
      if (inFlight.length) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled(inFlight),
          new Promise<void>((r) => {
            timer = setTimeout(() => {
              timedOut = true;
              r();
            }, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      // Hand back whatever this runner still holds so another process picks it up at once.
      try {
        const database = getDb();
        const emails = await releaseOutboxLeases(database, heldEmails);
        const released = await database
          .update(jobs)
          .set({ status: "queued", lockedUntil: null, lockedBy: null })
          .where(and(eq(jobs.lockedBy, id), eq(jobs.status, "running")))
          .returning({ id: jobs.id });
        for (const [name, leaseUntil] of heldSchedules) {
          await database
            .update(jobSchedules)
            .set({ lockedUntil: null, nextRunAt: now() })
            .where(and(eq(jobSchedules.name, name), eq(jobSchedules.lockedUntil, leaseUntil)));
        }
        heldSchedules.clear();
        log("info", "job runner stopped", { runner: id, timedOut, releasedEmails: emails, releasedJobs: released.length });
      } catch (e) {
        counters.errors++;
        log("error", "job runner: releasing leases failed", { runner: id, ...errorFields(e) });
      }
    },
  };
  return runner;
}
