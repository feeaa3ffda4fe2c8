import { and, asc, eq, ilike, isNotNull, isNull, ne, or, type SQL } from "drizzle-orm";
import { organizations, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { roleLabels, type Role } from "../auth/permissions";
import { invalidateUserSessions } from "../auth/session.server";

export type UserStatus = "active" | "invited" | "disabled";
export const userStatuses = ["active", "invited", "disabled"] as const satisfies readonly UserStatus[];
export const staffRoles = ["agent", "sales", "admin"] as const satisfies readonly Role[];
export type StaffRole = (typeof staffRoles)[number];

/** A refused user change, with a message meant for the admin who asked. */
export class UserAdminError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** Disabled wins over invited: a disabled account cannot sign in whatever else is true. */
export function userStatus(row: { disabledAt: Date | null; passwordHash: string | null }): UserStatus {
  if (row.disabledAt) return "disabled";
  if (!row.passwordHash) return "invited";
  return "active";
}

function statusCondition(status: UserStatus): SQL {
  switch (status) {
    case "disabled":
      return isNotNull(users.disabledAt);
    case "invited":
      return and(isNull(users.disabledAt), isNull(users.passwordHash))!;
    case "active":
      return and(isNull(users.disabledAt), isNotNull(users.passwordHash))!;
  }
}

export interface UserFilters {
  role?: Role;
  status?: UserStatus;
  /** Matches name or email, case-insensitively. */
  q?: string;
}

export interface UserListRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string | null;
  organizationName: string | null;
  status: UserStatus;
  lastSignInAt: Date | null;
  createdAt: Date;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Every user matching the filters, staff first by role, then by name. */
export async function listUsers(filters: UserFilters = {}, limit = 500): Promise<UserListRow[]> {
  const conditions: SQL[] = [];
  if (filters.role) conditions.push(eq(users.role, filters.role));
  if (filters.status) conditions.push(statusCondition(filters.status));
  const q = filters.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  const rows = await db()
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      organizationId: users.organizationId,
      organizationName: organizations.name,
      disabledAt: users.disabledAt,
      passwordHash: users.passwordHash,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.name), asc(users.email))
    .limit(limit);
  return rows.map(({ disabledAt, passwordHash, ...row }) => ({ ...row, status: userStatus({ disabledAt, passwordHash }) }));
}

interface Actor {
  id: string;
}

/**
 * Locks the target row and every active admin (in that order, so two admins acting on each
 * other at once serialize instead of both succeeding), and answers how many active admins
 * other than the target remain.
 */
async function lockTargetAndAdmins(tx: Executor, userId: string) {
  const [target] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
  if (!target) throw new UserAdminError("That user does not exist.", 404);
  const otherAdmins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), isNotNull(users.passwordHash), ne(users.id, userId)))
    .for("update");
  return { target, otherActiveAdmins: otherAdmins.length };
}

/** Changes a staff member's role; their sessions end so the new permissions apply at once. */
export async function changeUserRole(actor: Actor, userId: string, role: StaffRole, ip: string | null): Promise<{ name: string }> {
  if (userId === actor.id) throw new UserAdminError("You cannot change your own role. Ask another administrator.");
  return db().transaction(async (tx) => {
    const { target, otherActiveAdmins } = await lockTargetAndAdmins(tx, userId);
    if (target.role === "customer") {
      throw new UserAdminError("Customer contacts belong to an organization and cannot be given a staff role. Invite them as staff with another email.");
    }
    if (target.role === role) throw new UserAdminError(`${target.name} is already ${article(roleLabels[role])}.`);
    if (target.role === "admin" && userStatus(target) === "active" && otherActiveAdmins === 0) {
      throw new UserAdminError("At least one active administrator must remain.", 409);
    }
    await tx.update(users).set({ role, updatedAt: now() }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId);
    await audit(tx, {
      actorId: actor.id,
      action: "user.role_changed",
      targetType: "user",
      targetId: userId,
      ip,
      data: { from: target.role, to: role },
    });
    return { name: target.name };
  });
}

/** Disables an account (it can no longer sign in; every session ends) or enables it again. */
export async function setUserDisabled(actor: Actor, userId: string, disabled: boolean, ip: string | null): Promise<{ name: string }> {
  if (disabled && userId === actor.id) throw new UserAdminError("You cannot disable your own account. Ask another administrator.");
  return db().transaction(async (tx) => {
    const { target, otherActiveAdmins } = await lockTargetAndAdmins(tx, userId);
    if (disabled) {
      if (target.disabledAt) throw new UserAdminError(`${target.name} is already disabled.`);
      if (target.role === "admin" && userStatus(target) === "active" && otherActiveAdmins === 0) {
        throw new UserAdminError("At least one active administrator must remain.", 409);
      }
      await tx.update(users).set({ disabledAt: now(), updatedAt: now() }).where(eq(users.id, userId));
      await invalidateUserSessions(tx, userId);
      await audit(tx, { actorId: actor.id, action: "user.disabled", targetType: "user", targetId: userId, ip });
    } else {
      if (!target.disabledAt) throw new UserAdminError(`${target.name} is not disabled.`);
      await tx.update(users).set({ disabledAt: null, updatedAt: now() }).where(eq(users.id, userId));
      await audit(tx, { actorId: actor.id, action: "user.enabled", targetType: "user", targetId: userId, ip });
    }
    return { name: target.name };
  });
}

function article(label: string): string {
  return `${/^[aeiou]/i.test(label) ? "an" : "a"} ${label.toLowerCase()}`;
}

/** A timestamp for a table cell, in the viewer's time zone (formatted on the server so the
 * hydrated page shows the same text). */
export function formatTimestamp(value: Date | null, timeZone: string | null | undefined): string | null {
  if (!value) return null;
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short", timeZone: timeZone || "UTC" };
  try {
    return new Intl.DateTimeFormat("en-GB", options).format(value) + (timeZone ? "" : " UTC");
  } catch {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(value) + " UTC";
  }
}
