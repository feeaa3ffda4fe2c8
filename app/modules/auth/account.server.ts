import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { authTokens, organizations, sessions, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { enqueueEmail } from "../email/outbox.server";
import { hashPassword, verifyPassword } from "./password.server";
import { roleLabels, type Role } from "./permissions";
import { createSession, invalidateUserSessions } from "./session.server";
import { consumeToken, passwordResetLimits } from "./rate-limit.server";
import { normalizeEmail } from "./sign-in.server";
import { generateToken, hashToken } from "./tokens";

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class AccountError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Sends a reset link when the address belongs to an active account. The caller answers the
 * same either way, so the form does not reveal which addresses exist.
 */
export async function requestPasswordReset(emailInput: string, ip: string | null): Promise<void> {
  const email = normalizeEmail(emailInput);
  const [user] = await db()
    .select({ id: users.id, name: users.name, disabledAt: users.disabledAt, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  if (!user || user.disabledAt || !user.passwordHash) return;
  // At most a few mails per address per hour, so the form cannot flood someone's inbox.
  if (!(await consumeToken(`reset:email:${email}`, passwordResetLimits.email)).allowed) return;
  const token = generateToken();
  await db().transaction(async (tx) => {
    // Any earlier unused reset link stops working.
    await tx
      .update(authTokens)
      .set({ usedAt: now() })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, "password_reset"), isNull(authTokens.usedAt)));
    await tx.insert(authTokens).values({
      tokenHash: hashToken(token),
      purpose: "password_reset",
      userId: user.id,
      email,
      expiresAt: new Date(now().getTime() + RESET_TOKEN_TTL_MS),
      createdAt: now(),
    });
    await enqueueEmail(tx, {
      to: email,
      toUserId: user.id,
      template: "password_reset",
      data: { name: user.name, resetUrl: `${env().APP_URL}/reset-password/${token}`, expiresInMinutes: 60 },
    });
    await audit(tx, { actorId: user.id, action: "auth.password_reset_requested", targetType: "user", targetId: user.id, ip });
  });
}

type TokenPurpose = (typeof authTokens.$inferSelect)["purpose"];

/** Finds a usable (unused, unexpired) token of a purpose. */
export async function findUsableToken(token: string, purpose: TokenPurpose) {
  if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
  const [row] = await db()
    .select()
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now()),
      ),
    )
    .limit(1);
  return row ?? null;
}

export type TokenState = "usable" | "used" | "expired" | "invalid";

/**
 * What a link's token is now, for the page that opens it: usable, already used, expired, or
 * unknown. Pages answer 410 for used/expired and 400 for unknown instead of failing.
 */
export async function inspectToken(token: string, purpose: TokenPurpose): Promise<{ state: TokenState; row: typeof authTokens.$inferSelect | null }> {
  if (!/^[a-z2-7]{16,64}$/.test(token)) return { state: "invalid", row: null };
  const [row] = await db()
    .select()
    .from(authTokens)
    .where(and(eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, purpose)))
    .limit(1);
  if (!row) return { state: "invalid", row: null };
  if (row.usedAt) return { state: "used", row: null };
  if (row.expiresAt.getTime() <= now().getTime()) return { state: "expired", row: null };
  return { state: "usable", row };
}

export interface InvitationDetails {
  email: string;
  name: string;
  role: Role;
  inviterName: string | null;
  organizationName: string | null;
  expiresAt: Date;
}

/** The invitation behind a link (who invited whom, to what), or why it cannot be used. */
export async function describeInvitation(token: string): Promise<{ state: TokenState; invitation: InvitationDetails | null }> {
  const { state, row } = await inspectToken(token, "invitation");
  if (state !== "usable" || !row?.userId) return { state: state === "usable" ? "invalid" : state, invitation: null };
  const [user] = await db()
    .select({ name: users.name, role: users.role, disabledAt: users.disabledAt, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, row.userId));
  if (!user || user.passwordHash) return { state: "used", invitation: null };
  if (user.disabledAt) return { state: "invalid", invitation: null };
  let inviterName: string | null = null;
  if (row.invitedById) {
    const [inviter] = await db().select({ name: users.name }).from(users).where(eq(users.id, row.invitedById));
    inviterName = inviter?.name ?? null;
  }
  let organizationName: string | null = null;
  if (row.organizationId) {
    const [org] = await db().select({ name: organizations.name }).from(organizations).where(eq(organizations.id, row.organizationId));
    organizationName = org?.name ?? null;
  }
  return {
    state: "usable",
    invitation: {
      email: row.email,
      name: user.name,
      role: (row.role ?? user.role) as Role,
      inviterName,
      organizationName,
      expiresAt: row.expiresAt,
    },
  };
}

/** Marks a token used; only one caller can win (single use even under races). */
async function claimToken(tx: Executor, id: string): Promise<boolean> {
  const claimed = await tx
    .update(authTokens)
    .set({ usedAt: now() })
    .where(and(eq(authTokens.id, id), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now())))
    .returning({ id: authTokens.id });
  return claimed.length === 1;
}

/** Sets a new password from a reset link, ends every session, and signs the user in afresh. */
export async function resetPassword(token: string, password: string, meta: { ip: string | null; userAgent?: string | null }) {
  const row = await findUsableToken(token, "password_reset");
  if (!row || !row.userId) throw new AccountError("This reset link is invalid or has expired. Ask for a new one.");
  const passwordHash = await hashPassword(password);
  const userId = row.userId;
  return db().transaction(async (tx) => {
    if (!(await claimToken(tx, row.id))) throw new AccountError("This reset link has already been used.");
    // A link mailed before the account was disabled must not sign a disabled user back in.
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: now() })
      .where(and(eq(users.id, userId), isNull(users.disabledAt)))
      .returning({ role: users.role });
    if (!updated) throw new AccountError("This account is disabled. Contact your administrator.");
    await invalidateUserSessions(tx, userId);
    await audit(tx, { actorId: userId, action: "auth.password_reset", targetType: "user", targetId: userId, ip: meta.ip });
    const created = await createSession(tx, userId, meta);
    return { ...created, role: updated.role as Role };
  });
}

export interface InviteInput {
  email: string;
  name?: string;
  role: Role;
  organizationId?: string | null;
  invitedBy: { id: string; name: string };
  ip?: string | null;
}

/**
 * Invites a person: creates (or reuses) a user row without a password and mails a 7-day,
 * single-use link bound to that user. Re-inviting replaces the previous link.
 */
export async function inviteUser(input: InviteInput): Promise<{ userId: string }> {
  const email = normalizeEmail(input.email);
  if (input.role === "customer" && !input.organizationId) throw new AccountError("Choose the customer's organization.", "organizationId");
  if (input.role !== "customer" && input.organizationId) throw new AccountError("Staff do not belong to a customer organization.", "organizationId");
  return db().transaction(async (tx) => invite(tx, { ...input, email }));
}

/** The transactional body of an invitation, for callers that already hold a transaction. */
export async function invite(tx: Executor, input: InviteInput): Promise<{ userId: string }> {
  const email = normalizeEmail(input.email);
  let organizationName: string | null = null;
  if (input.organizationId) {
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, input.organizationId));
    if (!org) throw new AccountError("That organization does not exist.", "organizationId");
    organizationName = org.name;
  }
  const [existing] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
  let userId: string;
  if (existing) {
    if (existing.passwordHash) throw new AccountError("Someone with this email already has an account.", "email");
    if (existing.role !== input.role || existing.organizationId !== (input.organizationId ?? null) || existing.disabledAt) {
      // Re-inviting is an explicit decision to let this person in: it also re-enables the row.
      await tx
        .update(users)
        .set({ role: input.role, organizationId: input.organizationId ?? null, disabledAt: null, updatedAt: now() })
        .where(eq(users.id, existing.id));
    }
    userId = existing.id;
    await tx
      .update(authTokens)
      .set({ usedAt: now() })
      .where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, "invitation"), isNull(authTokens.usedAt)));
  } else {
    const [created] = await tx
      .insert(users)
      .values({
        email,
        name: input.name?.trim() || email.split("@")[0]!,
        role: input.role,
        organizationId: input.organizationId ?? null,
        createdAt: now(),
        updatedAt: now(),
      })
      .returning({ id: users.id });
    userId = created!.id;
  }
  const token = generateToken();
  await tx.insert(authTokens).values({
    tokenHash: hashToken(token),
    purpose: "invitation",
    userId,
    email,
    role: input.role,
    organizationId: input.organizationId ?? null,
    invitedById: input.invitedBy.id,
    expiresAt: new Date(now().getTime() + INVITATION_TTL_MS),
    createdAt: now(),
  });
  await enqueueEmail(tx, {
    to: email,
    toUserId: userId,
    template: "invitation",
    data: {
      inviterName: input.invitedBy.name,
      organizationName,
      role: roleLabels[input.role].toLowerCase(),
      acceptUrl: `${env().APP_URL}/invite/${token}`,
      expiresInDays: 7,
    },
  });
  await audit(tx, {
    actorId: input.invitedBy.id,
    action: "user.invited",
    targetType: "user",
    targetId: userId,
    ip: input.ip ?? null,
    data: { email, role: input.role, organizationId: input.organizationId ?? null },
  });
  return { userId };
}

/** Accepts an invitation: sets name and password on the bound user and signs them in. */
export async function acceptInvitation(
  token: string,
  input: { name: string; password: string },
  meta: { ip: string | null; userAgent?: string | null },
) {
  const row = await findUsableToken(token, "invitation");
  if (!row || !row.userId) throw new AccountError("This invitation is invalid or has expired. Ask for a new one.");
  const passwordHash = await hashPassword(input.password);
  const userId = row.userId;
  return db().transaction(async (tx) => {
    if (!(await claimToken(tx, row.id))) throw new AccountError("This invitation has already been used.");
    const [user] = await tx
      .update(users)
      .set({ name: input.name.trim(), passwordHash, updatedAt: now() })
      // Disabling a pending invitee revokes the invitation (re-inviting enables the row again).
      .where(and(eq(users.id, userId), eq(users.email, row.email), isNull(users.disabledAt), isNull(users.passwordHash)))
      .returning({ role: users.role });
    if (!user) throw new AccountError("This invitation no longer matches an account.");
    await audit(tx, { actorId: userId, action: "user.invitation_accepted", targetType: "user", targetId: userId, ip: meta.ip });
    const created = await createSession(tx, userId, meta);
    return { ...created, role: user.role as Role };
  });
}

export async function updateProfile(userId: string, input: { name: string; timeZone: string | null }, ip: string | null) {
  await db().transaction(async (tx) => {
    await tx.update(users).set({ name: input.name.trim(), timeZone: input.timeZone, updatedAt: now() }).where(eq(users.id, userId));
    await audit(tx, { actorId: userId, action: "user.profile_updated", targetType: "user", targetId: userId, ip });
  });
}

/** Changes the password after checking the current one; every other session ends. */
export async function changePassword(
  userId: string,
  sessionId: string,
  input: { currentPassword: string; newPassword: string },
  ip: string | null,
): Promise<void> {
  const [user] = await db().select().from(users).where(eq(users.id, userId));
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AccountError("The current password is not right.", "currentPassword");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db().transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: now() }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId, sessionId);
    await audit(tx, { actorId: userId, action: "auth.password_changed", targetType: "user", targetId: userId, ip });
    await enqueueEmail(tx, {
      to: user.email,
      toUserId: userId,
      template: "password_changed",
      data: { name: user.name, accountUrl: `${env().APP_URL}/account` },
    });
  });
}

/** Ends every session of the user except the one in use ("Sign out other sessions"). */
export async function signOutOtherSessions(userId: string, sessionId: string, ip: string | null): Promise<number> {
  return db().transaction(async (tx) => {
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), ne(sessions.id, sessionId)))
      .returning({ id: sessions.id });
    await audit(tx, {
      actorId: userId,
      action: "auth.sign_out",
      targetType: "user",
      targetId: userId,
      ip,
      data: { scope: "other_sessions", count: ended.length },
    });
    return ended.length;
  });
}
