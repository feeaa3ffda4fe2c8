import { and, asc, eq, inArray } from "drizzle-orm";
import { groupMembers, groups, macros, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit, type AuditBy } from "../audit/audit.server";
import { normalizeTags } from "./filters";
import type { TicketStatus } from "./model";

export class AdminError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Groups (queues) with their members, and the staff who can join them. */
export async function listGroups() {
  const rows = await db().select().from(groups).orderBy(asc(groups.name));
  const members = rows.length
    ? await db()
        .select({ groupId: groupMembers.groupId, userId: users.id, name: users.name })
        .from(groupMembers)
        .innerJoin(users, eq(users.id, groupMembers.userId))
        .where(inArray(groupMembers.groupId, rows.map((r) => r.id)))
        .orderBy(asc(users.name))
    : [];
  const staff = await db()
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.role, ["agent", "admin"]))
    .orderBy(asc(users.name));
  return { groups: rows.map((g) => ({ ...g, members: members.filter((m) => m.groupId === g.id) })), staff };
}

// Group changes are audited (group.*) when `by` names the admin who made them.
export async function createGroup(name: string, description: string, by?: AuditBy) {
  return db().transaction(async (tx) => {
    const inserted = await tx.insert(groups).values({ name, description, createdAt: now() }).onConflictDoNothing().returning({ id: groups.id });
    if (!inserted.length) throw new AdminError("A group with this name already exists.", "name");
    const id = inserted[0]!.id;
    if (by) await audit(tx, { actorId: by.actorId, ip: by.ip, action: "group.created", targetType: "group", targetId: id, data: { name } });
    return id;
  });
}

export async function addGroupMember(groupId: string, userId: string, by?: AuditBy) {
  await db().transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role, email: users.email }).from(users).where(eq(users.id, userId));
    if (!user || (user.role !== "agent" && user.role !== "admin")) throw new AdminError("Only agents and admins join groups.", "userId");
    const added = await tx.insert(groupMembers).values({ groupId, userId }).onConflictDoNothing().returning({ userId: groupMembers.userId });
    if (by && added.length) await audit(tx, { actorId: by.actorId, ip: by.ip, action: "group.member_added", targetType: "group", targetId: groupId, data: { userId, email: user.email } });
  });
}

export async function removeGroupMember(groupId: string, userId: string, by?: AuditBy) {
  await db().transaction(async (tx) => {
    const removed = await tx.delete(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId))).returning({ userId: groupMembers.userId });
    if (by && removed.length) await audit(tx, { actorId: by.actorId, ip: by.ip, action: "group.member_removed", targetType: "group", targetId: groupId, data: { userId } });
  });
}

export async function deleteGroup(groupId: string, by?: AuditBy) {
  await db().transaction(async (tx) => {
    const deleted = await tx.delete(groups).where(eq(groups.id, groupId)).returning({ name: groups.name });
    if (by && deleted.length) await audit(tx, { actorId: by.actorId, ip: by.ip, action: "group.deleted", targetType: "group", targetId: groupId, data: { name: deleted[0]!.name } });
  });
}

export interface MacroInput {
  name: string;
  body: string;
  setStatus: TicketStatus | null;
  addTags: string;
  active: boolean;
}

export async function listMacros(options: { activeOnly?: boolean } = {}) {
  return db()
    .select()
    .from(macros)
    .where(options.activeOnly ? eq(macros.active, true) : undefined)
    .orderBy(asc(macros.name));
}

export async function saveMacro(id: string | null, input: MacroInput, actorId: string) {
  const values = { name: input.name, body: input.body, setStatus: input.setStatus, addTags: normalizeTags(input.addTags), active: input.active, updatedAt: now() };
  if (id) {
    const updated = await db().update(macros).set(values).where(eq(macros.id, id)).returning({ id: macros.id });
    if (!updated.length) throw new AdminError("That macro no longer exists.");
    return id;
  }
  const [row] = await db().insert(macros).values({ ...values, createdById: actorId, createdAt: now() }).returning({ id: macros.id });
  return row!.id;
}

export async function deleteMacro(id: string) {
  await db().delete(macros).where(eq(macros.id, id));
}

export async function getMacro(id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db().select().from(macros).where(and(eq(macros.id, id), eq(macros.active, true)));
  return row ?? null;
}
