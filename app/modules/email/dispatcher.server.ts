import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { emailOutbox } from "../../../db/schema";
import type { Database } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { errorFields, log } from "~/lib/log.server";
import { assertHeaderSafe, EmailHeaderError } from "./outbox.server";
import { idempotencyKeyFor, transportFromEnv, type OutgoingEmail, type Transport } from "./transport.server";

/**
 * The outbox dispatcher. Every process may run it at once:
 *
 * 1. One statement claims due rows: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED
 *    LIMIT n)` sets status 'sending', a lease (locked_until, and next_attempt_at to the same
 *    instant) and attempts + 1. Two processes never claim the same row; a row whose lease
 *    expired (its process crashed mid-send) is due again, so nothing is lost.
 * 2. Each claimed row is sent with the idempotency key `outbox-<id>`, the same on every attempt,
 *    so a retry after a lost answer does not deliver twice.
 * 3. The row is marked sent, rescheduled with exponential backoff and jitter, or failed after
 *    `maxAttempts`. Those updates are fenced by the lease value this process wrote: a process
 *    whose lease was taken over does not overwrite the newer attempt.
 *
 * Every time written comes from the app clock (tests move it).
 */
export const DISPATCH_DEFAULTS = {
  batchSize: 20,
  concurrency: 5,
  leaseMs: 2 * 60_000,
  sendTimeoutMs: 15_000,
  maxAttempts: 8,
  backoffBaseMs: 30_000,
  backoffMaxMs: 60 * 60_000,
};

export type DispatchOptions = Partial<typeof DISPATCH_DEFAULTS> & {
  transport?: Transport;
  /** 0 ≤ random() < 1, for the jitter (tests make it fixed). */
  random?: () => number;
  /** When aborted, rows not yet sent are released at once. */
  signal?: AbortSignal;
  /** Leases this process holds, so stop() can release them (see releaseOutboxLeases). */
  held?: Map<number, Date>;
};

export interface DispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Rows whose lease another process took over before this one finished. */
  lost: number;
  released: number;
}

type OutboxRow = typeof emailOutbox.$inferSelect;

/** The wait before attempt `attempts + 1`: base · 2^(attempts − 1), capped, ±20 % jitter. */
export function backoffMs(attempts: number, random: () => number = Math.random, base = DISPATCH_DEFAULTS.backoffBaseMs, max = DISPATCH_DEFAULTS.backoffMaxMs): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

/** Claims up to `limit` due rows for this process (one atomic statement). */
export async function claimDueEmails(db: Database, limit: number, leaseMs: number): Promise<{ rows: OutboxRow[]; leaseUntil: Date }> {
  const at = now();
  const leaseUntil = new Date(at.getTime() + leaseMs);
  const due = db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    // 'queued' rows whose time came, and 'sending' rows whose lease expired (next_attempt_at
    // is set to the lease end when claimed): one condition, served by email_outbox_due_idx.
    .where(and(inArray(emailOutbox.status, ["queued", "sending"]), lte(emailOutbox.nextAttemptAt, at)))
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const rows = await db
    .update(emailOutbox)
    .set({
      status: "sending",
      lockedUntil: leaseUntil,
      nextAttemptAt: leaseUntil,
      attempts: sql`${emailOutbox.attempts} + 1`,
    })
    .where(inArray(emailOutbox.id, due))
    .returning();
  rows.sort((a, b) => a.id - b.id);
  return { rows, leaseUntil };
}

function fence(id: number, leaseUntil: Date) {
  return and(eq(emailOutbox.id, id), eq(emailOutbox.status, "sending"), eq(emailOutbox.lockedUntil, leaseUntil));
}

function outgoing(row: OutboxRow): OutgoingEmail {
  return {
    id: row.id,
    from: row.fromAddress,
    to: row.toAddress,
    replyTo: row.replyTo,
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers: row.headers ?? {},
  };
}

/** Refuses a row with CR/LF in a header field even if it reached the table some other way. */
function checkHeaders(row: OutboxRow): void {
  assertHeaderSafe("recipient", row.toAddress);
  assertHeaderSafe("sender", row.fromAddress);
  assertHeaderSafe("subject", row.subject);
  if (row.replyTo) assertHeaderSafe("reply-to", row.replyTo);
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    assertHeaderSafe(`header ${name}`, name);
    assertHeaderSafe(`header ${name}`, value);
  }
}

/** Claims one batch and delivers it. Returns what happened; never throws for a send failure. */
export async function dispatchOutbox(db: Database, options: DispatchOptions = {}): Promise<DispatchResult> {
  const o = { ...DISPATCH_DEFAULTS, ...options };
  const random = options.random ?? Math.random;
  const result: DispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0, lost: 0, released: 0 };
  if (options.signal?.aborted) return result;
  const { rows, leaseUntil } = await claimDueEmails(db, o.batchSize, o.leaseMs);
  result.claimed = rows.length;
  if (rows.length === 0) return result;
  const transport = options.transport ?? transportFromEnv();
  for (const row of rows) options.held?.set(row.id, leaseUntil);

  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      try {
        if (options.signal?.aborted) {
          // Stopping: hand the row back untouched (this attempt never started).
          const released = await db
            .update(emailOutbox)
            .set({ status: "queued", lockedUntil: null, nextAttemptAt: now(), attempts: sql`greatest(${emailOutbox.attempts} - 1, 0)` })
            .where(fence(row.id, leaseUntil))
            .returning({ id: emailOutbox.id });
          if (released.length) result.released++;
          continue;
        }
        await deliver(db, transport, row, leaseUntil, o, random, result);
      } catch (error) {
        // A database error while recording the outcome: the lease expires and the row is
        // retried with the same idempotency key, so nothing is lost or sent twice.
        log("error", "outbox: recording a delivery failed", { emailId: row.id, ...errorFields(error) });
      } finally {
        options.held?.delete(row.id);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, rows.length)) }, worker));
  return result;
}

async function deliver(
  db: Database,
  transport: Transport,
  row: OutboxRow,
  leaseUntil: Date,
  o: typeof DISPATCH_DEFAULTS,
  random: () => number,
  result: DispatchResult,
): Promise<void> {
  let outcome: { ok: true; providerMessageId: string } | { ok: false; error: string; retryable: boolean };
  try {
    checkHeaders(row);
    outcome = await transport.send(outgoing(row), {
      idempotencyKey: idempotencyKeyFor(row.id),
      signal: AbortSignal.timeout(o.sendTimeoutMs),
    });
  } catch (error) {
    outcome =
      error instanceof EmailHeaderError
        ? { ok: false, error: error.message, retryable: false }
        : { ok: false, error: (error as Error)?.message ?? String(error), retryable: true };
  }

  const at = now();
  if (outcome.ok) {
    const updated = await db
      .update(emailOutbox)
      .set({
        status: "sent",
        sentAt: at,
        providerMessageId: outcome.providerMessageId,
        transport: transport.name,
        lockedUntil: null,
        lastError: null,
      })
      .where(fence(row.id, leaseUntil))
      .returning({ id: emailOutbox.id });
    if (updated.length) {
      result.sent++;
      log("info", "email sent", { emailId: row.id, template: row.template, transport: transport.name, attempts: row.attempts });
    } else {
      result.lost++;
      log("warn", "outbox: lease lost before the delivery was recorded", { emailId: row.id });
    }
    return;
  }

  const error = outcome.error.slice(0, 2000);
  if (!outcome.retryable || row.attempts >= o.maxAttempts) {
    const updated = await db
      .update(emailOutbox)
      .set({ status: "failed", lastError: error, lockedUntil: null, transport: transport.name })
      .where(fence(row.id, leaseUntil))
      .returning({ id: emailOutbox.id });
    if (updated.length) result.failed++;
    else result.lost++;
    log("warn", "email failed", { emailId: row.id, template: row.template, attempts: row.attempts, error });
    return;
  }
  const next = new Date(at.getTime() + backoffMs(row.attempts, random, o.backoffBaseMs, o.backoffMaxMs));
  const updated = await db
    .update(emailOutbox)
    .set({ status: "queued", lastError: error, lockedUntil: null, nextAttemptAt: next })
    .where(fence(row.id, leaseUntil))
    .returning({ id: emailOutbox.id });
  if (updated.length) result.retried++;
  else result.lost++;
  log("warn", "email delivery will be retried", { emailId: row.id, attempts: row.attempts, nextAttemptAt: next.toISOString(), error });
}

/**
 * Hands back rows this process still holds (stop() after its wait timed out): they become due
 * at once for another process, which sends them with the same idempotency key.
 */
export async function releaseOutboxLeases(db: Database, held: Map<number, Date>): Promise<number> {
  let released = 0;
  for (const [id, leaseUntil] of held) {
    const rows = await db
      .update(emailOutbox)
      .set({ status: "queued", lockedUntil: null, nextAttemptAt: now() })
      .where(fence(id, leaseUntil))
      .returning({ id: emailOutbox.id });
    released += rows.length;
    held.delete(id);
  }
  return released;
}
