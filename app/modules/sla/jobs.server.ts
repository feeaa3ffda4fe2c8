// Background work of the SLA engine, registered with the job runner at import time
// (app/server/runtime.server.ts imports this module).
import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { businessCalendars, jobs, slaPolicies } from "../../../db/schema";
import { db, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import { enqueueJob, registerJobHandler, registerPeriodicTask, type JobContext } from "../jobs/runner.server";
import { openTicketIds, recomputeTicketsSla } from "./apply.server";
import { runSlaSweep, SLA_WEBHOOK_JOB } from "./sweep.server";
import { compactSlaDueCounts } from "./rollups.server";
import { checkWebhookTarget, safePost, TargetRefused } from "../webhooks/safe-fetch.server";
import { webhookBody } from "./webhook";

export const SLA_RECOMPUTE_JOB = "sla.recompute";
export { SLA_WEBHOOK_JOB };
const RECOMPUTE_BATCH = 100;

/** Queues one background recompute of every open ticket (at most one unfinished at a time). */
export async function enqueueSlaRecompute(tx: Executor, reason: string): Promise<void> {
  await enqueueJob(tx, SLA_RECOMPUTE_JOB, { reason, requestedAt: now().toISOString() }, { uniqueKey: "sla-recompute", maxAttempts: 5 });
}

/** The latest recompute job, for the admin page's progress. */
export async function latestSlaRecompute() {
  const [row] = await db()
    .select({ id: jobs.id, status: jobs.status, progress: jobs.progress, createdAt: jobs.createdAt, finishedAt: jobs.finishedAt, lastError: jobs.lastError, payload: jobs.payload })
    .from(jobs)
    .where(eq(jobs.type, SLA_RECOMPUTE_JOB))
    .orderBy(desc(jobs.id))
    .limit(1);
  return row ?? null;
}

async function lastConfigChange(database: Database): Promise<number> {
  const [row] = await database
    .select({
      at: sql<string | null>`greatest((select max(${slaPolicies.updatedAt}) from ${slaPolicies}), (select max(${businessCalendars.updatedAt}) from ${businessCalendars}))`,
    })
    .from(sql`(select 1) one`);
  return row?.at ? new Date(row.at).getTime() : 0;
}

/**
 * Recomputes every open ticket in batches (one transaction each), reporting progress. Since only
 * one such job is unfinished at a time, an edit made while it runs triggers one more pass.
 */
export async function recomputeOpenTickets(ctx: Pick<JobContext, "db" | "signal" | "setProgress">): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < 5; pass++) {
    const startedAt = now().getTime();
    const [{ n }] = (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(sql`tickets`).where(sql`status in ('new','open','pending','on_hold') and merged_into_id is null`)) as [{ n: number }];
    let done = 0;
    let after: string | null = null;
    await ctx.setProgress(0, n);
    for (;;) {
      if (ctx.signal.aborted) throw new Error("stopped; will resume");
      const ids = await openTicketIds(ctx.db, after, RECOMPUTE_BATCH);
      if (ids.length === 0) break;
      await ctx.db.transaction(async (tx) => {
        await recomputeTicketsSla(tx, ids);
      });
      done += ids.length;
      after = ids[ids.length - 1]!;
      await ctx.setProgress(Math.min(done, Math.max(n, done)), Math.max(n, done));
    }
    total += done;
    if ((await lastConfigChange(ctx.db)) < startedAt) break;
  }
  return total;
}

/**
 * Refuses webhook targets on private, loopback, link-local or metadata addresses (unless
 * ALLOW_PRIVATE_WEBHOOK_TARGETS=true), resolving the host now. The send itself checks again
 * after resolution (safePost), so a DNS answer that changes in between cannot switch the target.
 */
export async function assertWebhookTarget(url: string): Promise<void> {
  const problem = await checkWebhookTarget(url);
  if (problem) throw new WebhookRefused(problem);
}

export class WebhookRefused extends Error {}

const webhookPayload = z.object({ url: z.string().min(1), text: z.string().max(4000), firingId: z.number().optional() });

/**
 * POSTs {"text": …} through the SSRF-safe sender (address checked after DNS resolution, on the
 * connection itself; no redirects; 10 s timeout). A non-2xx answer or a network error throws,
 * so the runner retries with backoff; a refused target is logged and not retried.
 */
export async function deliverWebhook(payload: Record<string, unknown>): Promise<void> {
  const { url, text } = webhookPayload.parse(payload);
  let res;
  try {
    res = await safePost(url, webhookBody(text), {});
  } catch (e) {
    if (e instanceof TargetRefused) {
      log("warn", "escalation webhook refused", { url: url.slice(0, 200), reason: e.message });
      return; // not retried: it would be refused again
    }
    throw e;
  }
  if (res.status < 200 || res.status >= 300) throw new Error(`The webhook answered ${res.status}`);
}

registerPeriodicTask({
  name: "sla.sweep",
  everyMs: env().SLA_SWEEP_MS,
  async run({ db: database }) {
    await runSlaSweep(database);
  },
});
// The dashboard's "breached now" counters: fold the ticket writes' deltas in (exact without it, only slower to read).
registerPeriodicTask({
  name: "sla.due-counts",
  everyMs: 60_000,
  async run({ db: database }) {
    await compactSlaDueCounts(database);
  },
});
registerJobHandler(SLA_WEBHOOK_JOB, (payload) => deliverWebhook(payload));
registerJobHandler(SLA_RECOMPUTE_JOB, async (_payload, ctx) => {
  await recomputeOpenTickets(ctx);
});
