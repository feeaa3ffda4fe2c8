import { count, eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { closeDatabase, openDatabase } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { createJobRunner, type JobRunner } from "~/modules/jobs/runner.server";
import { flushSearchLog } from "~/modules/kb/search-log.server";
import "~/modules/beta/jobs.server";
import "~/modules/slack/jobs.server"; // registers Slack event processing, thread replies and notifications
import "~/modules/sla/jobs.server"; // registers the SLA sweep, recompute and webhook jobs
import "~/modules/tickets/jobs.server";
import "~/modules/webhooks/jobs.server"; // registers webhook dispatch and retries

export interface RuntimeOptions {
  /** Run the job runner in this process. */
  jobs: boolean;
}

export interface RuntimeInfo {
  driver: "pglite" | "postgres";
  openMs: number;
  migrateMs: number;
  seeded: boolean;
  /** The demo accounts exist (their sign-ins are printed at start-up). */
  demo: boolean;
}

// Kept on globalThis like the database handle, so a dev-server reload does not start a second runner.
const state = ((globalThis as { __portalRuntime?: { runner?: JobRunner } }).__portalRuntime ??= {});

/** Opens and migrates the database, seeds the demo into an empty one, starts background jobs. */
export async function startRuntime(options: RuntimeOptions): Promise<RuntimeInfo> {
  const t0 = performance.now();
  const handle = await openDatabase();
  const t1 = performance.now();
  await handle.migrate();
  const t2 = performance.now();
  let seeded = false;
  if (env().SEED_DEMO) {
    const [{ n }] = (await handle.db.select({ n: count() }).from(users)) as [{ n: number }];
    if (Number(n) === 0) {
      await seedDemo(handle.db);
      seeded = true;
    }
  }
  log("info", "database ready", {
    driver: handle.driver,
    openMs: Math.round(t1 - t0),
    migrateMs: Math.round(t2 - t1),
    seeded,
    jobs: options.jobs,
  });
  if (options.jobs && !state.runner) {
    state.runner = createJobRunner();
    state.runner.start();
  }
  const [demoAdmin] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, "admin@demo.test")).limit(1);
  return { driver: handle.driver, openMs: t1 - t0, migrateMs: t2 - t1, seeded, demo: !!demoAdmin };
}

/** Stops the job runner (waiting for the work in flight, releasing its leases), writes the
 * queued help-center search log, then closes the database. */
export async function stopRuntime(options: { jobTimeoutMs?: number } = {}): Promise<void> {
  const runner = state.runner;
  state.runner = undefined;
  if (runner) await runner.stop({ timeoutMs: options.jobTimeoutMs ?? 10_000 });
  await flushSearchLog();
  await closeDatabase();
}
