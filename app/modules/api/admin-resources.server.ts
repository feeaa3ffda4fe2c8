/**
 * Organizations and users through /api/v1 (scope admin, admins only). Writes go through the
 * same module functions as /admin/organizations and /admin/users, so the same rules apply
 * (unique domains, no self-demotion, the last active admin stays) and the same audit rows are
 * written. Lists are keyset-paginated by (name, id) with an opaque cursor, like tickets.
 */
import { and, asc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { organizations, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { can, type Actor } from "../auth/permissions";
import { createOrganization, getOrganization, updateOrganization } from "../orgs/organizations.server";
import { changeUserRole, setUserDisabled, userStatus } from "../orgs/users.server";
import type { createOrganizationBody, listUsersQuery, organizationList, organizationView, updateOrganizationBody, updateUserBody, userList, userView } from "./operations";
import { ApiProblem } from "./problem";

export const ADMIN_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireAdmin(actor: Actor, permission: "manage:organizations" | "manage:users"): void {
  if (!can(actor, permission)) throw new ApiProblem("forbidden", "Only administrators manage organizations and users.");
}

interface Cursor {
  name: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.name, c.id])).toString("base64url");
}

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const [name, id] = JSON.parse(Buffer.from(raw, "base64url").toString()) as unknown[];
    if (typeof name === "string" && typeof id === "string" && UUID.test(id)) return { name, id };
  } catch {
    /* refused below */
  }
  throw new ApiProblem("validation_failed", "The cursor is not one this API gave out.", [{ path: "query.cursor", message: "Use `nextCursor` of the previous page." }]);
}

// ---------- organizations ----------
const memberCount = sql<number>`(select count(*)::int from "users" where "users"."organization_id" = "organizations"."id")`;

function orgAsJson(o: typeof organizations.$inferSelect, members: number): z.input<typeof organizationView> {
  return {
    id: o.id,
    name: o.name,
    domain: o.domain ?? null,
    plan: o.plan,
    shareTickets: o.shareTickets,
    memberCount: Number(members),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export async function listOrganizationsPage(actor: Actor, cursorText: string | undefined): Promise<z.input<typeof organizationList>> {
  requireAdmin(actor, "manage:organizations");
  const cursor = decodeCursor(cursorText);
  const rows = await db()
    .select({ org: organizations, members: memberCount })
    .from(organizations)
    .where(cursor ? sql`("organizations"."name", "organizations"."id") > (${cursor.name}, ${cursor.id}::uuid)` : undefined)
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(ADMIN_PAGE_SIZE + 1);
  const page = rows.slice(0, ADMIN_PAGE_SIZE);
  const last = page.at(-1);
  return {
    organizations: page.map((r) => orgAsJson(r.org, r.members)),
    nextCursor: rows.length > ADMIN_PAGE_SIZE && last ? encodeCursor({ name: last.org.name, id: last.org.id }) : null,
  };
}

export async function organizationAsJson(actor: Actor, id: string): Promise<z.input<typeof organizationView>> {
  requireAdmin(actor, "manage:organizations");
  const [row] = UUID.test(id) ? await db().select({ org: organizations, members: memberCount }).from(organizations).where(eq(organizations.id, id)) : [];
  if (!row) throw new ApiProblem("not_found", "There is no such organization.");
  return orgAsJson(row.org, row.members);
}

export async function createOrganizationViaApi(actor: Actor, body: z.output<typeof createOrganizationBody>, ip: string | null) {
  requireAdmin(actor, "manage:organizations");
  const org = await createOrganization(actor, { name: body.name, domain: body.domain ?? null, plan: body.plan, shareTickets: body.shareTickets }, ip);
  return organizationAsJson(actor, org.id);
}

export async function updateOrganizationViaApi(actor: Actor, id: string, body: z.output<typeof updateOrganizationBody>, ip: string | null) {
  requireAdmin(actor, "manage:organizations");
  const current = await getOrganization(id);
  if (!current) throw new ApiProblem("not_found", "There is no such organization.");
  await updateOrganization(
    actor,
    id,
    {
      name: body.name ?? current.name,
      domain: body.domain === undefined ? current.domain : body.domain,
      plan: body.plan ?? current.plan,
      shareTickets: body.shareTickets ?? current.shareTickets,
    },
    ip,
  );
  return organizationAsJson(actor, id);
}

// ---------- users ----------
const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  organizationId: users.organizationId,
  organizationName: organizations.name,
  disabledAt: users.disabledAt,
  passwordHash: users.passwordHash,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
};

type UserRow = { [K in keyof typeof userColumns]: (typeof userColumns)[K]["_"]["data"] | null } & { id: string; email: string; name: string; createdAt: Date };

function userAsJson(u: UserRow): z.input<typeof userView> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role!,
    status: userStatus({ disabledAt: u.disabledAt, passwordHash: u.passwordHash }),
    organization: u.organizationId && u.organizationName ? { id: u.organizationId, name: u.organizationName } : null,
    lastSignInAt: u.lastSignInAt ? u.lastSignInAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listUsersPage(actor: Actor, query: z.output<typeof listUsersQuery>): Promise<z.input<typeof userList>> {
  requireAdmin(actor, "manage:users");
  const cursor = decodeCursor(query.cursor);
  const conditions: SQL[] = [];
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.organizationId) conditions.push(eq(users.organizationId, query.organizationId));
  if (query.status === "disabled") conditions.push(isNotNull(users.disabledAt));
  if (query.status === "invited") conditions.push(and(isNull(users.disabledAt), isNull(users.passwordHash))!);
  if (query.status === "active") conditions.push(and(isNull(users.disabledAt), isNotNull(users.passwordHash))!);
  if (query.q) conditions.push(or(ilike(users.name, `%${escapeLike(query.q)}%`), ilike(users.email, `%${escapeLike(query.q)}%`))!);
  if (cursor) conditions.push(sql`("users"."name", "users"."id") > (${cursor.name}, ${cursor.id}::uuid)`);
  const rows = await db()
    .select(userColumns)
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.name), asc(users.id))
    .limit(ADMIN_PAGE_SIZE + 1);
  const page = rows.slice(0, ADMIN_PAGE_SIZE);
  const last = page.at(-1);
  return { users: page.map(userAsJson), nextCursor: rows.length > ADMIN_PAGE_SIZE && last ? encodeCursor({ name: last.name, id: last.id }) : null };
}

export async function userAsJsonById(actor: Actor, id: string): Promise<z.input<typeof userView>> {
  requireAdmin(actor, "manage:users");
  const [row] = UUID.test(id) ? await db().select(userColumns).from(users).leftJoin(organizations, eq(organizations.id, users.organizationId)).where(eq(users.id, id)) : [];
  if (!row) throw new ApiProblem("not_found", "There is no such user.");
  return userAsJson(row);
}

export async function updateUserViaApi(actor: Actor, id: string, body: z.output<typeof updateUserBody>, ip: string | null) {
  const before = await userAsJsonById(actor, id);
  if (body.role !== undefined && body.role !== before.role) await changeUserRole(actor, id, body.role, ip);
  if (body.disabled !== undefined && body.disabled !== (before.status === "disabled")) await setUserDisabled(actor, id, body.disabled, ip);
  return userAsJsonById(actor, id);
}
