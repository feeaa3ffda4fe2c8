import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { groupMembers, groups, organizations, savedViews, ticketEvents, ticketMessages, tickets, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { renderMarkdown } from "~/lib/markdown";
import type { Actor } from "../auth/permissions";
import { enqueueEmail } from "../email/outbox.server";
import { recomputeTicketSla } from "../sla/apply.server";
import { queueSlackReply } from "../slack/outbound.server";
import { HIGHLIGHT_START, HIGHLIGHT_STOP, highlightToHtml } from "~/lib/html";
import { normalizeTags, queueFiltersSchema, type QueueFilters } from "./filters";
import { statusLabels, type TicketPriority, type TicketStatus } from "./model";
import { loadVisibleTicket, storeAttachments, TicketError, ticketUrl, type TicketRow, type UploadedFile } from "./tickets.server";
import { ticketMailThreading } from "./threading.server";
import { emitTicketReplied, emitTicketUpdated } from "../webhooks/emit.server";

import { deskViews, type DeskView } from "./views";
export { deskViews, type DeskView };

const OPEN: TicketStatus[] = ["new", "open", "pending", "on_hold"];
/** The nearest SLA due time of a ticket (null when no clock runs); indexed as tickets_sla_due_idx. */
const slaDue = sql`least(${tickets.firstResponseDueAt}, ${tickets.nextResponseDueAt}, ${tickets.resolutionDueAt})`;

export async function groupIdsOf(userId: string): Promise<string[]> {
  const rows = await db().select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId));
  return rows.map((r) => r.groupId);
}

/** Agents work tickets of their groups, unrouted tickets and their own; admins everything. */
export function scopeFor(actor: Actor, groupIds: string[]): SQL | undefined {
  if (actor.role === "admin") return undefined;
  const parts: SQL[] = [isNull(tickets.groupId), eq(tickets.assigneeId, actor.id)];
  if (groupIds.length) parts.push(inArray(tickets.groupId, groupIds));
  return or(...parts);
}

function viewCondition(view: DeskView, actor: Actor, groupIds: string[]): SQL | undefined {
  switch (view) {
    case "unassigned":
      return and(isNull(tickets.assigneeId), inArray(tickets.status, ["new", "open"]));
    case "mine":
      return and(eq(tickets.assigneeId, actor.id), inArray(tickets.status, OPEN));
    case "my-groups":
      return groupIds.length ? and(inArray(tickets.groupId, groupIds), inArray(tickets.status, OPEN)) : sql`false`;
    case "all-open":
      return inArray(tickets.status, OPEN);
    case "pending":
      return inArray(tickets.status, ["pending", "on_hold"]);
    case "recently-solved":
      return and(eq(tickets.status, "solved"), sql`${tickets.solvedAt} > ${new Date(now().getTime() - 7 * 86400_000).toISOString()}::timestamptz`);
    case "breaching-soon":
      return and(inArray(tickets.status, OPEN), sql`${slaDue} >= ${now().toISOString()}::timestamptz and ${slaDue} <= ${new Date(now().getTime() + 3600_000).toISOString()}::timestamptz`);
    case "breached":
      return and(inArray(tickets.status, OPEN), sql`${slaDue} < ${now().toISOString()}::timestamptz`);
  }
}

export type DeskSort = "due" | "priority" | "created" | "updated";
const PAGE_SIZE = 50;

const priorityRank = sql<number>`case ${tickets.priority} when 'urgent' then 4 when 'high' then 3 when 'normal' then 2 else 1 end`;

/** Counts per view for the sidebar (one round trip; two without the actor's `groupIds`). */
export async function deskViewCounts(actor: Actor, knownGroupIds?: string[]): Promise<Record<DeskView, number>> {
  const groupIds = knownGroupIds ?? (await groupIdsOf(actor.id));
  const scope = scopeFor(actor, groupIds);
  const entries = Object.keys(deskViews) as DeskView[];
  const selects = Object.fromEntries(
    entries.map((v) => [v, sql<number>`count(*) filter (where ${viewCondition(v, actor, groupIds) ?? sql`true`})`.mapWith(Number)]),
  ) as Record<DeskView, SQL.Aliased<number> | SQL<number>>;
  // Every view counts open tickets or recently solved ones: read only those (partial indexes
  // tickets_open_scope_idx and tickets_solved_at_idx), not the whole history.
  const candidates = or(
    inArray(tickets.status, OPEN),
    and(eq(tickets.status, "solved"), sql`${tickets.solvedAt} > ${new Date(now().getTime() - 7 * 86400_000).toISOString()}::timestamptz`),
  );
  const [row] = await db()
    .select(selects as Record<string, SQL<number>>)
    .from(tickets)
    .where(and(scope, isNull(tickets.mergedIntoId), candidates));
  return row as Record<DeskView, number>;
}

interface Cursor {
  key: number | string;
  number: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString()) as Cursor;
    if (typeof c.number !== "number" || (typeof c.key !== "number" && typeof c.key !== "string")) return null;
    return c;
  } catch {
    return null;
  }
}

function escapeLike(q: string): string {
  return q.replace(/[%_\\]/g, "\\$&");
}

function dayStart(d: string): string {
  return `${d}T00:00:00Z`;
}

/** SQL for the filters of a custom view (every value bound as a parameter). */
function filterConditions(f: QueueFilters): SQL[] {
  const c: SQL[] = [];
  if (f.status?.length) c.push(inArray(tickets.status, f.status));
  if (f.priority?.length) c.push(inArray(tickets.priority, f.priority));
  if (f.groupId) c.push(eq(tickets.groupId, f.groupId));
  if (f.assigneeId === "none") c.push(isNull(tickets.assigneeId));
  else if (f.assigneeId) c.push(eq(tickets.assigneeId, f.assigneeId));
  if (f.organizationId) c.push(eq(tickets.organizationId, f.organizationId));
  if (f.tag) c.push(sql`${tickets.tags} @> array[${f.tag}]::text[]`);
  if (f.channel) c.push(eq(tickets.channel, f.channel));
  if (f.createdFrom) c.push(sql`${tickets.createdAt} >= ${dayStart(f.createdFrom)}::timestamptz`);
  if (f.createdTo) c.push(sql`${tickets.createdAt} < ${dayStart(f.createdTo)}::timestamptz + interval '1 day'`);
  if (f.updatedFrom) c.push(sql`${tickets.updatedAt} >= ${dayStart(f.updatedFrom)}::timestamptz`);
  if (f.updatedTo) c.push(sql`${tickets.updatedAt} < ${dayStart(f.updatedTo)}::timestamptz + interval '1 day'`);
  return c;
}

export interface QueueInput {
  /** A built-in view, or null for a custom (saved or ad-hoc) view given by `filters`. */
  view: DeskView | null;
  filters?: QueueFilters;
  sort: DeskSort;
  q?: string;
  cursor?: string;
}

/**
 * One page of a view, keyset-paginated on (sort key, number). A text search matches subject,
 * messages (internal notes too: this is the staff desk), requester name or email, and the
 * number; each hit carries a highlighted snippet of the best matching message. `knownGroupIds`
 * (groupIdsOf the actor, when the caller read them already) saves a round trip.
 */
export async function deskQueue(actor: Actor, input: QueueInput, knownGroupIds?: string[]) {
  const groupIds = knownGroupIds ?? (await groupIdsOf(actor.id));
  const conditions: (SQL | undefined)[] = [scopeFor(actor, groupIds), input.view ? viewCondition(input.view, actor, groupIds) : undefined, isNull(tickets.mergedIntoId)];
  if (input.filters) conditions.push(...filterConditions(input.filters));
  const q = (input.q ?? input.filters?.q ?? "").trim();
  const query = sql`websearch_to_tsquery('english', ${q})`;
  if (q) {
    const asNumber = /^#?\d{1,9}$/.test(q) ? Number(q.replace("#", "")) : null;
    conditions.push(
      or(
        sql`${tickets.searchVector} @@ ${query}`,
        sql`exists (select 1 from ${ticketMessages} m where m.ticket_id = ${tickets.id} and m.search_vector @@ ${query})`,
        sql`exists (select 1 from ${users} u where u.id = ${tickets.requesterId} and (u.email ilike ${"%" + escapeLike(q) + "%"} or u.name ilike ${"%" + escapeLike(q) + "%"}))`,
        ...(asNumber !== null ? [eq(tickets.number, asNumber)] : []),
      ),
    );
  }
  const key = input.sort === "priority" ? priorityRank : input.sort === "created" ? tickets.createdAt : tickets.updatedAt;
  const cursor = decodeCursor(input.cursor);
  if (cursor && input.sort === "due") {
    // Ascending, nulls last: the cursor key is the due time, or "" for a ticket without one.
    conditions.push(
      cursor.key === ""
        ? sql`(${slaDue} is null and ${tickets.number} > ${cursor.number})`
        : sql`(${slaDue} > ${String(cursor.key)}::timestamptz or (${slaDue} = ${String(cursor.key)}::timestamptz and ${tickets.number} > ${cursor.number}) or ${slaDue} is null)`,
    );
  } else if (cursor) {
    conditions.push(
      input.sort === "priority"
        ? sql`(${priorityRank}, ${tickets.number}) < (${Number(cursor.key)}, ${cursor.number})`
        : sql`(${key}, ${tickets.number}) < (${String(cursor.key)}::timestamptz, ${cursor.number})`,
    );
  }
  const requester = sql<string>`(select name from ${users} where ${users.id} = ${tickets.requesterId})`;
  const assignee = sql<string | null>`(select name from ${users} where ${users.id} = ${tickets.assigneeId})`;
  const headlineOptions = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=24, MinWords=8, MaxFragments=1`;
  const snippet = q
    ? sql<string | null>`(select ts_headline('english', m.body, ${query}, ${headlineOptions}) from ${ticketMessages} m
        where m.ticket_id = ${tickets.id} and m.search_vector @@ ${query}
        order by ts_rank(m.search_vector, ${query}) desc limit 1)`
    : sql<string | null>`null`;
  const rows = await db()
    .select({
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      tags: tickets.tags,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
      organizationName: organizations.name,
      requesterName: requester,
      assigneeName: assignee,
      groupName: groups.name,
      snippet,
      slaDueAt: sql<string | null>`to_char(${slaDue} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      // A scalar subquery with LIMIT (not EXISTS): evaluated for the page's rows only by index;
      // EXISTS let the planner hash every warning of every ticket instead (docs/performance.md).
      slaWarned: sql<boolean>`coalesce((select true from sla_events e join sla_timers s on s.ticket_id = e.ticket_id and s.metric = e.metric and s.cycle = e.cycle
        where e.ticket_id = ${tickets.id} and e.kind = 'warning' and s.state in ('running', 'warning', 'breached') limit 1), false)`,
      sortKey:
        input.sort === "priority"
          ? priorityRank
          : input.sort === "due"
            ? sql<string>`coalesce(to_char(${slaDue} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '')`
            : sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .leftJoin(groups, eq(groups.id, tickets.groupId))
    .where(and(...conditions.filter((c): c is SQL => !!c)))
    .orderBy(...(input.sort === "due" ? [sql`${slaDue} asc nulls last`, asc(tickets.number)] : [desc(key), desc(tickets.number)]))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    tickets: page.map(({ sortKey: _s, snippet: raw, ...t }) => ({ ...t, snippetHtml: raw ? highlightToHtml(raw) : null })),
    nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor({ key: last.sortKey, number: last.number }) : null,
  };
}

/** An agent's saved views. */
export async function listSavedViews(actor: Actor) {
  return db().select({ id: savedViews.id, name: savedViews.name }).from(savedViews).where(eq(savedViews.ownerId, actor.id)).orderBy(asc(savedViews.name));
}

export async function getSavedView(actor: Actor, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db().select().from(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.ownerId, actor.id)));
  if (!row) return null;
  const parsed = queueFiltersSchema.safeParse(row.filters);
  return { id: row.id, name: row.name, filters: parsed.success ? parsed.data : {} };
}

export async function saveView(actor: Actor, name: string, filters: QueueFilters): Promise<string> {
  const [row] = await db().insert(savedViews).values({ ownerId: actor.id, name, filters, createdAt: now() }).returning({ id: savedViews.id });
  return row!.id;
}

export async function deleteSavedView(actor: Actor, id: string): Promise<void> {
  // A built-in view's name ("all-open") is no saved view: nothing to delete (a uuid cast would fail).
  if (!/^[0-9a-f-]{36}$/i.test(id)) return;
  await db().delete(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.ownerId, actor.id)));
}

/** Organizations for the filter form. */
export async function organizationOptions() {
  return db().select({ id: organizations.id, name: organizations.name }).from(organizations).orderBy(asc(organizations.name));
}

/** Agents and admins who can be assigned, and the groups. */
export async function assignmentOptions() {
  const agents = await db()
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(inArray(users.role, ["agent", "admin"]), isNull(users.disabledAt)))
    .orderBy(asc(users.name));
  const groupRows = await db().select({ id: groups.id, name: groups.name }).from(groups).orderBy(asc(groups.name));
  return { agents, groups: groupRows };
}

/**
 * Agents act within their groups: an agent may route a ticket into one of their own groups or
 * back to "no group" (triage, seen by every agent); moving it into another team's queue is an
 * admin's call. The group select offers agents only these choices.
 */
async function assertMayMoveToGroup(tx: Executor, actor: Actor, groupId: string | null) {
  if (actor.role === "admin" || groupId === null) return;
  const [member] = await tx
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, actor.id)));
  if (!member) throw new TicketError("You can move a ticket only into one of your own groups; ask an admin to route it to another team.", 403, "groupId");
}

async function recordEvent(tx: Executor, ticketId: string, actorId: string, type: string, data: Record<string, unknown>) {
  await tx.insert(ticketEvents).values({ ticketId, actorId, at: now(), type, data });
}

async function bump(tx: Executor, ticket: TicketRow, expectedVersion: number, patch: Partial<TicketRow>) {
  const updated = await tx
    .update(tickets)
    .set({ ...patch, version: sql`${tickets.version} + 1`, updatedAt: now() })
    .where(and(eq(tickets.id, ticket.id), eq(tickets.version, expectedVersion)))
    .returning({ version: tickets.version });
  if (updated.length === 0) {
    throw new TicketError("Someone else changed this ticket after you opened it. The latest version is shown; review it and try again.", 409);
  }
}

function statusPatch(from: TicketStatus, to: TicketStatus): Partial<TicketRow> {
  if (from === to) return {};
  const at = now();
  return {
    status: to,
    ...(to === "solved" ? { solvedAt: at } : {}),
    ...(to === "closed" ? { closedAt: at } : {}),
    ...(from === "solved" && to !== "closed" ? { solvedAt: null } : {}),
  };
}

export interface AgentUpdate {
  version: number;
  reply?: { body: string; visibility: "public" | "internal"; files?: UploadedFile[] };
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  groupId?: string | null;
  tags?: string[];
  /** Tags to add (a macro's), merged with the ticket's current ones. */
  addTags?: string[];
}

/**
 * One save from the workspace: an optional reply or note plus field changes, applied only if
 * the ticket is still at `version` (otherwise 409 and nothing is written). Each change writes
 * a timeline event in the same transaction; a public reply and a move to solved email the requester.
 */
export async function updateTicketAsAgent(actor: Actor, number: number, change: AgentUpdate): Promise<void> {
  if (actor.role !== "agent" && actor.role !== "admin") throw new TicketError("Only agents work tickets.", 403);
  await db().transaction(async (tx) => {
    // Saves of one ticket take turns: the second waits here, then sees the new version (409).
    // Without the lock both passed the version check and, on Postgres, one failed on the ticket
    // row's update with a 500 instead of a 409 (tests/integration/faults-concurrency.test.ts).
    await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number)).for("update");
    const { ticket } = await loadVisibleTicket(actor, number, tx);
    if (ticket.version !== change.version) {
      throw new TicketError("Someone else changed this ticket after you opened it. The latest version is shown; review it and try again.", 409);
    }
    const at = now();
    const patch: Partial<TicketRow> = {};
    let status = change.status ?? ticket.status;
    if (change.reply?.visibility === "public" && status === "new" && !change.status) status = "open";
    Object.assign(patch, statusPatch(ticket.status, status));
    if (change.priority && change.priority !== ticket.priority) patch.priority = change.priority;
    if (change.assigneeId !== undefined && change.assigneeId !== ticket.assigneeId) {
      if (change.assigneeId) {
        const [assignee] = await tx.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, change.assigneeId));
        if (!assignee || (assignee.role !== "agent" && assignee.role !== "admin") || assignee.disabledAt) {
          throw new TicketError("Choose an active agent to assign.", 400, "assigneeId");
        }
      }
      patch.assigneeId = change.assigneeId;
    }
    if (change.groupId !== undefined && change.groupId !== ticket.groupId) {
      await assertMayMoveToGroup(tx, actor, change.groupId);
      patch.groupId = change.groupId;
    }
    let tagChange: { added: string[]; removed: string[] } | null = null;
    if (change.tags || change.addTags?.length) {
      const next = normalizeTags([...(change.tags ?? ticket.tags), ...(change.addTags ?? [])]);
      const added = next.filter((t) => !ticket.tags.includes(t));
      const removed = ticket.tags.filter((t) => !next.includes(t));
      if (added.length || removed.length) {
        patch.tags = next;
        tagChange = { added, removed };
      }
    }

    let messageHtml: string | null = null;
    let postedToSlack = false;
    if (change.reply) {
      const [message] = await tx
        .insert(ticketMessages)
        .values({
          ticketId: ticket.id,
          authorId: actor.id,
          visibility: change.reply.visibility,
          channel: "web",
          body: change.reply.body,
          createdAt: at,
        })
        .returning({ id: ticketMessages.id });
      await storeAttachments(tx, ticket.id, message!.id, actor.id, change.reply.files ?? []);
      if (change.reply.visibility === "public") {
        patch.lastAgentReplyAt = at;
        if (!ticket.firstRespondedAt) patch.firstRespondedAt = at;
        messageHtml = renderMarkdown(change.reply.body);
        // A ticket that started in Slack is answered in its Slack thread (never an internal note).
        postedToSlack = await queueSlackReply(tx, ticket.id, message!.id);
      }
    }
    if (Object.keys(patch).length === 0 && !change.reply) return;
    await bump(tx, ticket, change.version, patch);

    if (patch.status) await recordEvent(tx, ticket.id, actor.id, "status", { from: ticket.status, to: patch.status });
    if (patch.priority) await recordEvent(tx, ticket.id, actor.id, "priority", { from: ticket.priority, to: patch.priority });
    if (patch.assigneeId !== undefined) await recordEvent(tx, ticket.id, actor.id, "assignment", { from: ticket.assigneeId, to: patch.assigneeId });
    if (patch.groupId !== undefined) await recordEvent(tx, ticket.id, actor.id, "group", { from: ticket.groupId, to: patch.groupId });
    if (tagChange) await recordEvent(tx, ticket.id, actor.id, "tags", tagChange);
    await recomputeTicketSla(tx, ticket.id);
    // Outgoing webhooks (same transaction): field changes, and the reply when it is public.
    await emitTicketUpdated(tx, ticket.id, {
      ...(patch.status ? { status: { from: ticket.status, to: patch.status } } : {}),
      ...(patch.priority ? { priority: { from: ticket.priority, to: patch.priority } } : {}),
      ...(patch.assigneeId !== undefined ? { assignee: { from: ticket.assigneeId, to: patch.assigneeId } } : {}),
      ...(patch.groupId !== undefined ? { group: { from: ticket.groupId, to: patch.groupId } } : {}),
    });
    if (change.reply?.visibility === "public") {
      const [reply] = await tx
        .select({ id: ticketMessages.id })
        .from(ticketMessages)
        .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.authorId, actor.id), eq(ticketMessages.visibility, "public"), eq(ticketMessages.createdAt, at)))
        .limit(1);
      if (reply) await emitTicketReplied(tx, ticket.id, reply.id);
    }

    const [requester] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, ticket.requesterId));
    if (requester && messageHtml !== null && change.reply && !postedToSlack) {
      const [author] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.id));
      await enqueueEmail(tx, {
        to: requester.email,
        toUserId: requester.id,
        template: "ticket_reply",
        data: {
          name: requester.name,
          number: ticket.number,
          subject: ticket.subject,
          authorName: author?.name ?? "Support",
          bodyHtml: messageHtml,
          bodyText: change.reply.body,
          ticketUrl: ticketUrl(ticket.number, true),
        },
        ...(await ticketMailThreading(tx, ticket.id)),
      });
    } else if (requester && patch.status === "solved") {
      await enqueueEmail(tx, {
        to: requester.email,
        toUserId: requester.id,
        template: "ticket_status",
        data: { name: requester.name, number: ticket.number, subject: ticket.subject, statusLabel: statusLabels.solved, ticketUrl: ticketUrl(ticket.number, true) },
        ...(await ticketMailThreading(tx, ticket.id)),
      });
    }
  });
}

export interface BulkChange {
  assigneeId?: string | null;
  status?: TicketStatus;
  priority?: TicketPriority;
  groupId?: string | null;
  addTag?: string;
}

/**
 * Applies one change to several tickets, each in its own transaction with its own timeline
 * events, so one ticket the agent may not work (skipped and counted) does not block the rest.
 */
export async function bulkUpdate(actor: Actor, numbers: number[], change: BulkChange): Promise<{ updated: number; skipped: number }> {
  if (actor.role !== "agent" && actor.role !== "admin") throw new TicketError("Only agents work tickets.", 403);
  let updated = 0;
  let skipped = 0;
  for (const number of [...new Set(numbers)].slice(0, 200)) {
    try {
      const [row] = await db().select({ version: tickets.version, tags: tickets.tags }).from(tickets).where(eq(tickets.number, number));
      if (!row) {
        skipped++;
        continue;
      }
      const tags = change.addTag ? [...row.tags, ...normalizeTags(change.addTag)] : undefined;
      await updateTicketAsAgent(actor, number, { version: row.version, ...change, tags });
      updated++;
    } catch (e) {
      if (e instanceof TicketError) skipped++;
      else throw e;
    }
  }
  return { updated, skipped };
}
