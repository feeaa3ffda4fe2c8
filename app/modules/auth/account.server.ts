import { and, eq, gt, isNull } from "drizzle-orm";
import { authTokens, organizations, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { enqueueEmail } from "../email/outbox.server";
import { hashPassword, verifyPassword } from "./password.server";
import { roleLabels, type Role } from "./permissions";
import { createSession, invalidateUserSessions } from "./session.server";
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
    await tx.update(users).set({ passwordHash, updatedAt: now() }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId);
    await audit(tx, { actorId: userId, action: "auth.password_reset", targetType: "user", targetId: userId, ip: meta.ip });
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
    const created = await createSession(tx, userId, meta);
    return { ...created, role: user!.role as Role };
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
    if (existing.role !== input.role || existing.organizationId !== (input.organizationId ?? null)) {
      await tx
        .update(users)
        .set({ role: input.role, organizationId: input.organizationId ?? null, updatedAt: now() })
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
      .set({ name: input.name.trim(), passwordHash, disabledAt: null, updatedAt: now() })
      .where(and(eq(users.id, userId), eq(users.email, row.email)))
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
