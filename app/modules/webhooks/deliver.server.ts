// Delivering webhook events. Every process may dispatch at once:
// 1. one statement claims due rows (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`),
//    setting a lease (locked_until, and next_attempt_at to the same instant) and attempts + 1; a
//    row whose process died mid-send is due again when the lease ends, so nothing is lost;
// 2. each row is POSTed through safePost with stable X-Portal-Delivery / X-Portal-Event-Id
//    headers, so a receiver drops the repeat of an attempt whose answer was lost (exactly once
//    in effect);
// 3. the outcome is written fenced by this process's lease: delivered (2xx), rescheduled with
//    exponential backoff, or failed after WEBHOOK_MAX_ATTEMPTS (or at once when the target is refused).
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "../../../db/schema";
import type { Database } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { errorFields, log } from "~/lib/log.server";
import { WEBHOOK_MAX_ATTEMPTS, type WebhookFormat } from "./events";
import { safePost, TargetRefused } from "./safe-fetch.server";
import { signatureHeader } from "./signing";
import { slackText } from "./slack";
import type { WebhookEvent } from "./emit.server";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export const DELIVERY_LEASE_MS = 60_000;

/** The wait before attempt `attempts + 1`: 30 s · 2^(attempts − 1), at most 2 h, ±20 % jitter. */
export function webhookBackoffMs(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(2 * 60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

export interface DeliveryOutcome {
  id: string;
  status: "delivered" | "pending" | "failed";
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
  attempts: number;
}

/** Claims due rows (or the one row `onlyId`, when due) for this process. */
async function claim(database: Database, limit: number, onlyId?: string): Promise<{ rows: DeliveryRow[]; leaseUntil: Date }> {
  const at = now();
  const leaseUntil = new Date(at.getTime() + DELIVERY_LEASE_MS);
  const due = database
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, at),
        ...(onlyId ? [eq(webhookDeliveries.id, onlyId)] : []),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const rows = await database
    .update(webhookDeliveries)
    .set({ lockedUntil: leaseUntil, nextAttemptAt: leaseUntil, attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: at, updatedAt: at })
    .where(inArray(webhookDeliveries.id, due))
    .returning();
  return { rows: rows.sort((a, b) => a.seq - b.seq), leaseUntil };
}

/** The request body an endpoint of `format` receives for `event`. */
export function deliveryBody(format: WebhookFormat, event: WebhookEvent): string {
  return format === "slack" ? JSON.stringify({ text: slackText(event) }) : JSON.stringify(event);
}

/** The secrets that sign now: the current one, plus the previous one during its grace period. */
export function activeSecrets(hook: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, at: Date): string[] {
  const secrets = [hook.secret];
  if (hook.previousSecret && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt > at) secrets.push(hook.previousSecret);
  return secrets;
}

async function attempt(database: Database, row: DeliveryRow, leaseUntil: Date, random: () => number): Promise<DeliveryOutcome> {
  const mine = and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.lockedUntil, leaseUntil));
  const [hook] = await database.select().from(webhooks).where(eq(webhooks.id, row.webhookId));
  const event = row.payload as unknown as WebhookEvent;
  let responseStatus: number | null = null;
  let responseBody: string | null = null;
  let error: string | null = null;
  let durationMs: number | null = null;
  let retry = true;
  if (!hook) {
    error = "The endpoint was deleted.";
    retry = false;
  } else if (!hook.enabled && row.eventType !== "ping") {
    error = "The endpoint is disabled.";
    retry = false;
  } else {
    const body = deliveryBody(hook.format, event);
    const at = now();
    const timestamp = Math.floor(at.getTime() / 1000);
    const headers = {
      "X-Portal-Event": row.eventType,
      "X-Portal-Event-Id": row.eventId,
      "X-Portal-Delivery": row.id,
      "X-Portal-Signature": signatureHeader(activeSecrets(hook, at), timestamp, body),
    };
    try {
      const res = await safePost(hook.url, body, headers);
      responseStatus = res.status;
      responseBody = res.bodyExcerpt || null;
      durationMs = res.durationMs;
      if (res.status >= 300 && res.status < 400) error = `Redirect to ${res.location ?? "another URL"} not followed; update the endpoint URL.`;
      else if (res.status < 200 || res.status >= 300) error = `The endpoint answered ${res.status}.`;
    } catch (e) {
      error = ((e as Error)?.message ?? String(e)).slice(0, 1000);
      if (e instanceof TargetRefused) retry = false;
    }
  }
  const at = now();
  const common = { lastResponseStatus: responseStatus, lastResponseBody: responseBody, durationMs, lockedUntil: null, updatedAt: at };
  let status: DeliveryOutcome["status"];
  if (!error) {
    status = "delivered";
    await database.update(webhookDeliveries).set({ ...common, status, lastError: null, deliveredAt: at, nextAttemptAt: at }).where(mine);
  } else if (!retry || row.attempts >= WEBHOOK_MAX_ATTEMPTS) {
    status = "failed";
    await database.update(webhookDeliveries).set({ ...common, status, lastError: error, nextAttemptAt: at }).where(mine);
    log("warn", "webhook delivery failed for good", { deliveryId: row.id, webhookId: row.webhookId, attempts: row.attempts, error });
  } else {
    status = "pending";
    const next = new Date(at.getTime() + webhookBackoffMs(row.attempts, random));
    await database.update(webhookDeliveries).set({ ...common, status, lastError: error, nextAttemptAt: next }).where(mine);
  }
  return { id: row.id, status, responseStatus, error, durationMs, attempts: row.attempts };
}

export interface WebhookDispatchResult {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

/** Claims and sends due deliveries until none is left (bounded). */
export async function dispatchWebhooks(
  database: Database,
  options: { batchSize?: number; signal?: AbortSignal; random?: () => number } = {},
): Promise<WebhookDispatchResult> {
  const batchSize = options.batchSize ?? 20;
  const random = options.random ?? Math.random;
  const result: WebhookDispatchResult = { claimed: 0, delivered: 0, retried: 0, failed: 0 };
  for (let round = 0; round < 50 && !options.signal?.aborted; round++) {
    const { rows, leaseUntil } = await claim(database, batchSize);
    result.claimed += rows.length;
    // Send a batch concurrently (each endpoint's slowness is its own), record each outcome.
    const outcomes = await Promise.all(
      rows.map((row) =>
        attempt(database, row, leaseUntil, random).catch((e) => {
          log("error", "webhook delivery crashed", { deliveryId: row.id, ...errorFields(e) });
          return null;
        }),
      ),
    );
    for (const o of outcomes) {
      if (o?.status === "delivered") result.delivered++;
      else if (o?.status === "pending") result.retried++;
      else if (o?.status === "failed") result.failed++;
    }
    if (rows.length < batchSize) break;
  }
  return result;
}

/** Sends one delivery now, if it is due and nobody else holds it (send test, redeliver). */
export async function deliverNow(database: Database, deliveryId: string): Promise<DeliveryOutcome | null> {
  const { rows, leaseUntil } = await claim(database, 1, deliveryId);
  if (!rows[0]) return null;
  return attempt(database, rows[0], leaseUntil, Math.random);
}
