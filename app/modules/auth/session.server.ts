import { and, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { organizations, sessions, users } from "../../../db/schema";
import type { Executor } from "~/lib/db.server";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { generateToken, hashToken } from "./tokens";
import { permissions, type Role } from "./permissions";
import { unreadNotificationCountSql } from "../notifications/notifications.server";

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * DAY;
export const SESSION_ABSOLUTE_MS = 90 * DAY;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organizationId: string | null;
  timeZone: string | null;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

export function sessionCookieName(): string {
  return env().secureCookies ? "__Host-session" : "session";
}

/** Creates a session for a user; returns the token (only its hash is stored). */
export async function createSession(
  tx: Executor,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const at = now();
  const session: Session = {
    id: hashToken(token),
    userId,
    expiresAt: new Date(at.getTime() + SESSION_IDLE_MS),
    absoluteExpiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS),
  };
  await tx.insert(sessions).values({
    ...session,
    createdAt: at,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, session };
}

/**
 * What every page's header shows about the signed-in person, read by the session lookup's own
 * statement so the root loader needs none: the unread notification count (null for roles without
 * the bell) and whether a customer's organization is a beta customer (the Feedback link).
 */
export interface SessionShell {
  unreadNotifications: number | null;
  betaCustomer: boolean;
}

export type SessionValidation =
  | { session: Session; user: SessionUser; renewed: boolean; shell: SessionShell }
  | { session: null; user: null; renewed: false; shell: null };

/**
 * Looks up a cookie token. Expired sessions (idle or absolute) and disabled users are refused
 * and the row deleted. When less than half of the idle window remains, the expiry slides
 * forward (never past the absolute lifetime) and `renewed` tells the caller to re-send the cookie.
 */
export async function validateSessionToken(token: string): Promise<SessionValidation> {
  const none = { session: null, user: null, renewed: false, shell: null } as const;
  if (!/^[a-z2-7]{16,64}$/.test(token)) return none;
  const id = hashToken(token);
  const [row] = await db()
    .select({
      session: sessions,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        organizationId: users.organizationId,
        timeZone: users.timeZone,
        disabledAt: users.disabledAt,
      },
      // Scalar subqueries by index: the header's facts come with the session in one round trip.
      unreadNotifications: sql<number | null>`case when ${inArray(users.role, [...permissions["read:notifications:own"]])} then ${unreadNotificationCountSql(users.id)} end`,
      betaCustomer: sql<boolean>`coalesce(${users.role} = 'customer' and (select ${organizations.plan} = 'beta' from ${organizations} where ${organizations.id} = ${users.organizationId}), false)`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row) return none;
  const at = now().getTime();
  const { session } = row;
  if (at >= session.expiresAt.getTime() || at >= session.absoluteExpiresAt.getTime() || row.user.disabledAt) {
    await db().delete(sessions).where(eq(sessions.id, id));
    return none;
  }
  let renewed = false;
  let expiresAt = session.expiresAt;
  if (session.expiresAt.getTime() - at < SESSION_IDLE_MS / 2) {
    expiresAt = new Date(Math.min(at + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()));
    if (expiresAt.getTime() > session.expiresAt.getTime()) {
      await db().update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
      renewed = true;
    }
  }
  const { disabledAt: _disabled, ...user } = row.user;
  return {
    session: { id, userId: session.userId, expiresAt, absoluteExpiresAt: session.absoluteExpiresAt },
    user,
    renewed,
    shell: {
      unreadNotifications: row.unreadNotifications === null ? null : Number(row.unreadNotifications),
      betaCustomer: row.betaCustomer === true,
    },
  };
}

export async function invalidateSession(tx: Executor, sessionId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user, optionally keeping the one in use. */
export async function invalidateUserSessions(tx: Executor, userId: string, exceptSessionId?: string): Promise<void> {
  await tx
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}

export interface SessionSummary {
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** The user's live sessions, newest first, for "Where you're signed in" (ids stay server-side). */
export async function listUserSessions(userId: string, currentSessionId: string | null): Promise<SessionSummary[]> {
  const at = now();
  const rows = await db()
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, at), gt(sessions.absoluteExpiresAt, at)))
    .orderBy(desc(sessions.createdAt));
  return rows.map(({ id, absoluteExpiresAt: _a, ...row }) => ({ ...row, current: id === currentSessionId }));
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now().getTime()) / 1000));
  const parts = [`${sessionCookieName()}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (env().secureCookies) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(): string {
  const parts = [`${sessionCookieName()}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"];
  if (env().secureCookies) parts.push("Secure");
  return parts.join("; ");
}

export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName();
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    // A malformed escape (e.g. "%E0%A4%A") must read as "no session", not fail the request.
    try {
      return decodeURIComponent(part.slice(eq + 1).trim()) || null;
    } catch {
      return null;
    }
  }
  return null;
}
