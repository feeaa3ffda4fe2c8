import { sql } from "drizzle-orm";
import { db, rowsOf } from "~/lib/db.server";
import { now } from "~/lib/clock";

export interface BucketPolicy {
  /** Bucket size: the burst allowed. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes one token from the bucket `key`, atomically in the database (one upsert), so the
 * limit holds across processes and under parallel attempts. Also refuses while a growing
 * delay set by `recordFailure` is in force.
 */
export async function consumeToken(key: string, policy: BucketPolicy): Promise<LimitDecision> {
  const at = now();
  const iso = at.toISOString();
  // 1. Refill the bucket for the time elapsed (an upsert: the row is locked for the statement).
  const [bucket] = rowsOf<{ blocked_until: string | Date | null }>(
    await db().execute(sql`
      insert into rate_limits as r (key, tokens, updated_at, failures)
      values (${key}, ${policy.capacity}::float8, ${iso}::timestamptz, 0)
      on conflict (key) do update set
        tokens = least(${policy.capacity}::float8,
                       r.tokens + greatest(0, extract(epoch from (excluded.updated_at - r.updated_at))) * ${policy.refillPerSecond}::float8),
        updated_at = greatest(r.updated_at, excluded.updated_at)
      returning blocked_until
    `),
  );
  const blockedUntil = bucket?.blocked_until ? new Date(bucket.blocked_until) : null;
  if (blockedUntil && blockedUntil.getTime() > at.getTime()) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil.getTime() - at.getTime()) / 1000)) };
  }
  // 2. Take a token only if one is there: a conditional decrement cannot go below zero, even
  //    when many requests race.
  const taken = rowsOf<{ tokens: number }>(
    await db().execute(sql`
      update rate_limits set tokens = tokens - 1 where key = ${key} and tokens >= 1 returning tokens
    `),
  );
  if (taken.length > 0) return { allowed: true };
  const [left] = rowsOf<{ tokens: number }>(await db().execute(sql`select tokens from rate_limits where key = ${key}`));
  const missing = 1 - Number(left?.tokens ?? 0);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / policy.refillPerSecond)) };
}

/** Growing delay after consecutive failures: none for the first 3, then 2, 4, 8 … s, at most 15 min. */
export function delayAfterFailures(failures: number): number {
  if (failures <= 3) return 0;
  return Math.min(15 * 60, 2 ** (failures - 3));
}

export async function recordFailure(key: string): Promise<void> {
  const at = now();
  const rows = rowsOf<{ failures: number }>(
    await db().execute(sql`
      update rate_limits set failures = failures + 1 where key = ${key} returning failures
    `),
  );
  const failures = rows[0]?.failures ?? 0;
  const delay = delayAfterFailures(failures);
  if (delay > 0) {
    await db().execute(sql`
      update rate_limits set blocked_until = ${new Date(at.getTime() + delay * 1000).toISOString()}::timestamptz
      where key = ${key}
    `);
  }
}

export async function resetFailures(key: string): Promise<void> {
  await db().execute(sql`update rate_limits set failures = 0, blocked_until = null where key = ${key}`);
}

/** Sign-in: per IP a burst of 20 then one every 6 s; per account a burst of 10 then one every 30 s. */
export const signInLimits = {
  ip: { capacity: 20, refillPerSecond: 1 / 6 },
  account: { capacity: 10, refillPerSecond: 1 / 30 },
} satisfies Record<string, BucketPolicy>;

/**
 * Forgot-password: per IP 5 requests per 15 minutes (the page answers 429); per address 3 mails
 * per hour, silently (the answer must not reveal whether the address exists).
 */
export const passwordResetLimits = {
  ip: { capacity: 5, refillPerSecond: 5 / (15 * 60) },
  email: { capacity: 3, refillPerSecond: 3 / 3600 },
} satisfies Record<string, BucketPolicy>;

/** Password change on /account: 5 tries of the current password, then one a minute. */
export const passwordChangeLimit: BucketPolicy = { capacity: 5, refillPerSecond: 1 / 60 };
