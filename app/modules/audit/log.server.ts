/**
 * The audit log behind /admin/audit and /admin/audit.csv: audit_events filtered by actor,
 * action, target and a date range in the viewer's time zone, newest first, keyset-paginated on
 * (at, id) — the audit_events_at_idx index.
 */
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { auditEvents, organizations, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { isValidTimeZone } from "~/lib/dates";
import { auditActionLabel, auditTargetHref } from "./actions";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));
const day = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date like 2026-03-31.")
      .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That is not a real date.")
      .optional(),
  );

/** The filter of the page and the export: query-string fields, all optional. */
export const auditFilterSchema = z
  .object({
    /** Part of the actor's email or name; "system" for events without a person. */
    actor: optionalText(200),
    // Any recorded action name (the list offers the known ones; a newer one still filters).
    action: optionalText(60).pipe(z.string().regex(/^[a-z_]+\.[a-z_]+$/, "Choose an action from the list.").optional()),
    targetType: optionalText(40).pipe(z.string().regex(/^[a-z_]+$/, "A target type is a word such as user or organization.").optional()),
    targetId: optionalText(100),
    from: day,
    to: day,
    /** Keyset cursor: "<ISO instant with microseconds>~<id>" of the last row shown. */
    after: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z~\d{1,18}$/)
      .optional()
      .catch(undefined),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "The end date is before the start date." });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRow {
  id: number;
  at: Date;
  cursor: string;
  action: string;
  actionLabel: string;
  actor: { id: string; name: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  /** A readable name of the target (the user's email, the organization's name) when known. */
  targetLabel: string | null;
  targetHref: string | null;
  ip: string | null;
  data: Record<string, unknown>;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const actorUser = alias(users, "actor_user");
const targetUser = alias(users, "target_user");

function whereOf(filter: AuditFilter, timeZone: string): SQL[] {
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const where: SQL[] = [];
  if (filter.actor) {
    if (filter.actor.toLowerCase() === "system") where.push(sql`${auditEvents.actorId} is null`);
    else {
      const like = `%${escapeLike(filter.actor)}%`;
      where.push(or(ilike(actorUser.email, like), ilike(actorUser.name, like))!);
    }
  }
  if (filter.action) where.push(eq(auditEvents.action, filter.action));
  if (filter.targetType) where.push(eq(auditEvents.targetType, filter.targetType));
  if (filter.targetId) where.push(eq(auditEvents.targetId, filter.targetId));
  // Whole days in the viewer's zone: [from 00:00, the day after `to` 00:00), DST-exact in SQL.
  if (filter.from) where.push(sql`${auditEvents.at} >= (${filter.from}::date)::timestamp at time zone ${zone}`);
  if (filter.to) where.push(sql`${auditEvents.at} < (${filter.to}::date + 1)::timestamp at time zone ${zone}`);
  return where;
}

/** One page of events, newest first, and the cursor of the next (older) page. */
export async function listAuditEvents(filter: AuditFilter, timeZone: string, limit = 50): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  const where = whereOf(filter, timeZone);
  if (filter.after) {
    const [at, id] = filter.after.split("~") as [string, string];
    where.push(sql`(${auditEvents.at}, ${auditEvents.id}) < (${at}::timestamptz, ${Number(id)})`);
  }
  const rows = await db()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      cursorAt: sql<string>`to_char(${auditEvents.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      action: auditEvents.action,
      actorId: auditEvents.actorId,
      actorName: actorUser.name,
      actorEmail: actorUser.email,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      targetUserEmail: targetUser.email,
      ip: auditEvents.ip,
      data: auditEvents.data,
    })
    .from(auditEvents)
    .leftJoin(actorUser, eq(actorUser.id, auditEvents.actorId))
    .leftJoin(targetUser, sql`${auditEvents.targetType} = 'user' and ${targetUser.id}::text = ${auditEvents.targetId}`)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const orgNames = await organizationNames(page.filter((r) => r.targetType === "organization").map((r) => r.targetId!));
  const result = page.map<AuditRow>((r) => {
    const targetLabel = r.targetType === "user" ? (r.targetUserEmail ?? null) : r.targetType === "organization" ? (orgNames.get(r.targetId ?? "") ?? null) : null;
    return {
      id: Number(r.id),
      at: r.at,
      cursor: `${r.cursorAt}~${r.id}`,
      action: r.action,
      actionLabel: auditActionLabel(r.action),
      actor: r.actorId && r.actorEmail ? { id: r.actorId, name: r.actorName ?? r.actorEmail, email: r.actorEmail } : null,
      targetType: r.targetType,
      targetId: r.targetId,
      targetLabel,
      targetHref: r.action.endsWith("deleted") ? null : auditTargetHref(r.targetType, r.targetId, targetLabel),
      ip: r.ip,
      data: r.data ?? {},
    };
  });
  return { rows: result, nextCursor: more ? result[result.length - 1]!.cursor : null };
}

async function organizationNames(ids: string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)))];
  if (valid.length === 0) return new Map();
  const rows = await db().select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, valid));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Staff who may appear as actors, for the actor field's suggestions. */
export async function actorSuggestions(): Promise<{ email: string; name: string }[]> {
  return db()
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(inArray(users.role, ["admin", "agent", "sales"]))
    .orderBy(asc(users.email))
    .limit(300);
}

export const AUDIT_CSV_MAX_ROWS = 100_000;

/** The same filter as the page, every matching row (up to AUDIT_CSV_MAX_ROWS), newest first. */
export async function auditCsvRows(filter: AuditFilter, timeZone: string): Promise<{ rows: AuditRow[]; truncated: boolean }> {
  const rows: AuditRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listAuditEvents({ ...filter, after }, timeZone, 1000);
    rows.push(...page.rows);
    if (!page.nextCursor) return { rows, truncated: false };
    if (rows.length >= AUDIT_CSV_MAX_ROWS) return { rows: rows.slice(0, AUDIT_CSV_MAX_ROWS), truncated: true };
    after = page.nextCursor;
  }
}

/** Details as one readable line: "role: agent → admin, email: a@b.c". */
export function detailsText(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}
