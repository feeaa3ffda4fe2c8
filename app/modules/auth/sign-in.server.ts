import { and, eq, isNull } from "drizzle-orm";
import { isValidTimeZone } from "~/lib/dates";
import { users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { consumeToken, recordFailure, resetFailures, signInLimits } from "./rate-limit.server";
import { createSession, type Session } from "./session.server";
import type { Role } from "./permissions";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type SignInResult =
  | { ok: true; token: string; session: Session; user: { id: string; role: Role } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Checks the per-IP and per-account limits, then the password. An unknown email, a disabled
 * account and a wrong password give the same answer after the same Argon2 work.
 */
export async function signIn(input: {
  email: string;
  password: string;
  ip: string | null;
  userAgent?: string | null;
  /** The browser's time zone: remembered on the first sign-in if the person has none yet. */
  timeZone?: string | null;
}): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const ipKey = `signin:ip:${input.ip ?? "unknown"}`;
  const accountKey = `signin:account:${email}`;
  for (const [key, policy] of [
    [ipKey, signInLimits.ip],
    [accountKey, signInLimits.account],
  ] as const) {
    const decision = await consumeToken(key, policy);
    if (!decision.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds };
  }

  const [user] = await db()
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  const valid =
    user && user.passwordHash && !user.disabledAt
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password);

  if (!valid || !user) {
    await recordFailure(ipKey);
    await recordFailure(accountKey);
    await audit(db(), {
      actorId: user?.id ?? null,
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      ip: input.ip,
      data: { email },
    });
    return { ok: false, reason: "invalid" };
  }

  await resetFailures(accountKey);
  await resetFailures(ipKey);
  const created = await db().transaction(async (tx) => {
    const s = await createSession(tx, user.id, { ip: input.ip, userAgent: input.userAgent });
    await tx.update(users).set({ lastSignInAt: now() }).where(eq(users.id, user.id));
    if (input.timeZone && isValidTimeZone(input.timeZone)) {
      await tx.update(users).set({ timeZone: input.timeZone }).where(and(eq(users.id, user.id), isNull(users.timeZone)));
    }
    await audit(tx, { actorId: user.id, action: "auth.sign_in", targetType: "user", targetId: user.id, ip: input.ip });
    return s;
  });
  return { ok: true, token: created.token, session: created.session, user: { id: user.id, role: user.role } };
}
