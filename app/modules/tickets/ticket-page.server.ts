// The agent's ticket page (/desk/tickets/:number) in one SQL statement.
//
// The page used to take 19 statements of its own (ticket, group membership three times, thread,
// attachments, people, rating, timeline, merged-into, agents, groups, macros, links, the
// requester's other tickets, a fresh SLA computation of five statements, the feedback item). Each
// was a small index lookup, so the cost was the round trips. Here CTEs find the ticket by number
// and decide visibility with the agent's groups, and scalar subqueries aggregate every part as
// JSON (json_agg / json_build_object, each by index); the SLA panel is read from the caches
// (sla_timers, tickets.*_due_at) instead of replaying the timeline (see sla/cached-view.server.ts).
//
// Authorization is the same as getTicketThread's: the decision is canViewTicket (access.ts) on
// the ticket's scope and the agent's group ids, answering 404 when it refuses; the SQL only skips
// the page's parts for a ticket the same rule refuses, so nothing is read for a refused request.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { messageVisibilityEnum, roleEnum, ticketChannelEnum } from "../../../db/schema";
import { db, rowsOf } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { renderMarkdown } from "~/lib/markdown";
import type { Actor } from "../auth/permissions";
import { getTicketSlaClocks, getTicketSlaPromise, type TicketSlaView } from "../sla/apply.server";
import type { Targets } from "../sla/policy";
import { slaPromiseFromCache, slaViewFromCache } from "../sla/cached-view.server";
import { canViewTicket } from "./access";
import { sanitizeEmailHtml } from "./inbound-html";
import { customerMayReopen, ticketPriorities, ticketStatuses } from "./model";
import { TicketError } from "./tickets.server";

const ticketChannels = ticketChannelEnum.enumValues;
const date = z.string().transform((s) => new Date(s));
const person = z.object({ id: z.string(), name: z.string(), email: z.string() });
const listed = z.object({ number: z.number(), subject: z.string(), status: z.enum(ticketStatuses) });

// The page's JSON is checked at this boundary as before, but its long arrays (a thread's messages
// with their attachments, the timeline, the 200 agents of the assignee select) by hand-written
// mappers: the same checks as the zod schemas they replace (types, enums, nullability, dates
// converted once), ~5× cheaper per element than zod's generic object parse, which was most of the
// module's JavaScript for a 100-message thread (docs/performance.md, "Drizzle overhead").
// The small parts (ticket, people, SLA caches) keep their zod schemas.
class PageShapeError extends Error {}
function bad(path: string, expected: string, value: unknown): never {
  throw new PageShapeError(`ticket page JSON: ${path} should be ${expected}, got ${value === null ? "null" : typeof value}`);
}
function objectAt(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) bad(path, "an object", v);
  return v as Record<string, unknown>;
}
function arrayAt(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path, "an array", v);
  return v;
}
function stringAt(v: unknown, path: string): string {
  if (typeof v !== "string") bad(path, "a string", v);
  return v;
}
function stringOrNullAt(v: unknown, path: string): string | null {
  if (v === null) return null;
  if (typeof v !== "string") bad(path, "a string or null", v);
  return v;
}
function numberAt(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) bad(path, "a number", v);
  return v;
}
function dateAt(v: unknown, path: string): Date {
  return new Date(stringAt(v, path));
}
function enumAt<T extends string>(v: unknown, values: readonly T[], path: string): T {
  if (!values.includes(v as T)) bad(path, `one of ${values.join(", ")}`, v);
  return v as T;
}

const messageVisibilities = messageVisibilityEnum.enumValues;
const roles = roleEnum.enumValues;

export interface TicketPageMessage {
  id: string;
  visibility: (typeof messageVisibilities)[number];
  channel: (typeof ticketChannels)[number];
  body: string;
  bodyHtml: string | null;
  createdAt: Date;
  authorId: string | null;
  authorName: string | null;
  authorRole: (typeof roles)[number] | null;
  attachments: { id: string; messageId: string | null; fileName: string; size: number }[];
}

function messagesAt(v: unknown): TicketPageMessage[] {
  return arrayAt(v, "messages").map((x, i) => {
    const p = `messages[${i}]`;
    const m = objectAt(x, p);
    return {
      id: stringAt(m.id, `${p}.id`),
      visibility: enumAt(m.visibility, messageVisibilities, `${p}.visibility`),
      channel: enumAt(m.channel, ticketChannels, `${p}.channel`),
      body: stringAt(m.body, `${p}.body`),
      bodyHtml: stringOrNullAt(m.bodyHtml, `${p}.bodyHtml`),
      createdAt: dateAt(m.createdAt, `${p}.createdAt`),
      authorId: stringOrNullAt(m.authorId, `${p}.authorId`),
      authorName: stringOrNullAt(m.authorName, `${p}.authorName`),
      authorRole: m.authorRole === null ? null : enumAt(m.authorRole, roles, `${p}.authorRole`),
      attachments: arrayAt(m.attachments, `${p}.attachments`).map((y, j) => {
        const q = `${p}.attachments[${j}]`;
        const a = objectAt(y, q);
        return { id: stringAt(a.id, `${q}.id`), messageId: stringOrNullAt(a.messageId, `${q}.messageId`), fileName: stringAt(a.fileName, `${q}.fileName`), size: numberAt(a.size, `${q}.size`) };
      }),
    };
  });
}

export interface TicketPageEvent {
  id: number;
  at: Date;
  type: string;
  data: Record<string, unknown>;
  actorName: string | null;
}

function eventsAt(v: unknown): TicketPageEvent[] {
  return arrayAt(v, "events").map((x, i) => {
    const p = `events[${i}]`;
    const e = objectAt(x, p);
    return { id: numberAt(e.id, `${p}.id`), at: dateAt(e.at, `${p}.at`), type: stringAt(e.type, `${p}.type`), data: objectAt(e.data, `${p}.data`), actorName: stringOrNullAt(e.actorName, `${p}.actorName`) };
  });
}

/** The agents, groups and macros of the page's selects: `{ id, name }` each. */
function idNamesAt(v: unknown, path: string): { id: string; name: string }[] {
  return arrayAt(v, path).map((x, i) => {
    const o = objectAt(x, `${path}[${i}]`);
    return { id: stringAt(o.id, `${path}[${i}].id`), name: stringAt(o.name, `${path}[${i}].name`) };
  });
}

const ticketSchema = z.object({
  id: z.string(),
  number: z.number(),
  organizationId: z.string(),
  requesterId: z.string(),
  assigneeId: z.string().nullable(),
  groupId: z.string().nullable(),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  priority: z.enum(ticketPriorities),
  channel: z.enum(ticketChannels),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  version: z.number(),
  mergedIntoId: z.string().nullable(),
  createdAt: date,
  updatedAt: date,
  solvedAt: date.nullable(),
  organizationName: z.string(),
  plan: z.string(),
  shareTickets: z.boolean(),
});

const threadShape = {
  ticket: ticketSchema.nullable(),
  visible: z.boolean(),
  requester: person.nullable(),
  assignee: person.nullable(),
  rating: z.object({ rating: z.enum(["good", "bad"]), comment: z.string().nullable(), createdAt: date }).nullable(),
  mergedIntoNumber: z.number().nullable(),
};

const calendarSchema = z.object({
  id: z.string(),
  timeZone: z.string(),
  hours: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))),
  holidays: z.array(z.string()),
  updatedAt: date,
});
const targetsJson = z.record(z.string(), z.record(z.string(), z.number()).optional());

const pageSchema = z.object({
  ...threadShape,
  myGroupIds: z.array(z.string()),
  related: z.array(listed),
  others: z.array(listed.extend({ updatedAt: date })),
  feedbackItemId: z.string().nullable(),
  sla: z
    .object({
      policyId: z.string().nullable(),
      priority: z.string(),
      dueAt: z.object({ firstResponse: date.nullable(), nextResponse: date.nullable(), resolution: date.nullable() }),
      policy: z
        .object({
          name: z.string(),
          active: z.boolean(),
          warnFraction: z.number(),
          targets: targetsJson,
          calendar: calendarSchema.nullable(),
        })
        .nullable(),
      timers: z.array(
        z.object({
          metric: z.string(),
          cycle: z.number(),
          targetMinutes: z.number().nullable(),
          state: z.string(),
          elapsedMinutes: z.number(),
          achievedAt: date.nullable(),
          computedAt: date,
        }),
      ),
    })
    .nullable(),
});

export type DeskTicketPageRow = z.infer<typeof pageSchema> & {
  messages: TicketPageMessage[];
  events: TicketPageEvent[];
  agents: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  macros: { id: string; name: string }[];
};

/** The desk statement's JSON document, checked: zod for the small parts, the mappers above for the long arrays. */
export function parseDeskPageJson(text: string): DeskTicketPageRow {
  const json = objectAt(JSON.parse(text), "page");
  return {
    ...pageSchema.parse(json),
    messages: messagesAt(json.messages),
    events: eventsAt(json.events),
    agents: idNamesAt(json.agents, "agents"),
    groups: idNamesAt(json.groups, "groups"),
    macros: idNamesAt(json.macros, "macros"),
  };
}

/** The ticket by number with its organization's facts (the first CTE of both pages' statements). */
const ticketCte = (number: number) => sql`
    t as (
      select tk.id, tk.number, tk.organization_id, tk.requester_id, tk.assignee_id, tk.group_id, tk.subject, tk.status,
             tk.priority, tk.channel, tk.category, tk.tags, tk.version, tk.merged_into_id, tk.created_at, tk.updated_at, tk.solved_at,
             tk.sla_policy_id, tk.first_response_due_at, tk.next_response_due_at, tk.resolution_due_at,
             o.name as organization_name, o.plan, o.share_tickets
      from tickets tk
      join organizations o on o.id = tk.organization_id
      where tk.number = ${number}::int
    )`;

const ticketJson = sql`(select json_build_object(
          'id', t.id, 'number', t.number, 'organizationId', t.organization_id, 'requesterId', t.requester_id,
          'assigneeId', t.assignee_id, 'groupId', t.group_id, 'subject', t.subject, 'status', t.status,
          'priority', t.priority, 'channel', t.channel, 'category', t.category, 'tags', t.tags, 'version', t.version,
          'mergedIntoId', t.merged_into_id, 'createdAt', t.created_at, 'updatedAt', t.updated_at, 'solvedAt', t.solved_at,
          'organizationName', t.organization_name, 'plan', t.plan, 'shareTickets', t.share_tickets) from t)`;

/** The visible ticket's (v) thread in time order with each message's attachments; customers: public messages only. */
const messagesJson = (publicOnly: boolean) => sql`(select coalesce(json_agg(json_build_object(
          'id', m.id, 'visibility', m.visibility, 'channel', m.channel, 'body', m.body, 'bodyHtml', m.body_html,
          'createdAt', m.created_at, 'authorId', m.author_id, 'authorName', u.name, 'authorRole', u.role,
          'attachments', coalesce((select json_agg(json_build_object('id', a.id, 'messageId', a.message_id, 'fileName', a.file_name, 'size', a.size) order by a.created_at, a.id)
                                   from attachments a where a.message_id = m.id), '[]'::json)
        ) order by m.created_at), '[]'::json)
        from v join ticket_messages m on m.ticket_id = v.id left join users u on u.id = m.author_id
        ${publicOnly ? sql`where m.visibility = 'public'` : sql``})`;

const peopleJson = sql`
      'requester', (select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from v join users u on u.id = v.requester_id),
      'assignee', (select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from v join users u on u.id = v.assignee_id),
      'rating', (select json_build_object('rating', r.rating, 'comment', r.comment, 'createdAt', r.created_at) from v join csat_ratings r on r.ticket_id = v.id),
      'mergedIntoNumber', (select x.number from v join tickets x on x.id = v.merged_into_id)`;

/** The desk statement: one row, one JSON document (text, parsed here the same way on both drivers). */
function deskStatement(actor: Actor, number: number) {
  const admin = actor.role === "admin";
  // The agents' rule of canViewTicket, for a ticket row `x` (admins: every ticket).
  const inScope = (x: string) =>
    sql`(${admin}::boolean or ${sql.raw(x)}.group_id is null or ${sql.raw(x)}.assignee_id = ${actor.id}::uuid or ${sql.raw(x)}.group_id = any((select ids from mine)::uuid[]))`;
  return sql`
    with ${ticketCte(number)}, mine as (
      select coalesce(array_agg(gm.group_id order by gm.group_id), '{}'::uuid[]) as ids from group_members gm where gm.user_id = ${actor.id}::uuid
    ), v as (
      select t.* from t where ${inScope("t")}
    )
    select json_build_object(
      'ticket', ${ticketJson},
      'myGroupIds', (select ids from mine),
      'visible', exists (select 1 from v),
      'messages', ${messagesJson(false)},
      ${peopleJson},
      'events', (select coalesce(json_agg(json_build_object('id', e.id, 'at', e.at, 'type', e.type, 'data', e.data, 'actorName', u.name) order by e.at, e.id), '[]'::json)
        from v join ticket_events e on e.ticket_id = v.id left join users u on u.id = e.actor_id),
      'agents', (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name) order by u.name), '[]'::json)
        from users u where u.role in ('agent', 'admin') and u.disabled_at is null and exists (select 1 from v)),
      'groups', (select coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name), '[]'::json) from groups g where exists (select 1 from v)),
      'macros', (select coalesce(json_agg(json_build_object('id', mc.id, 'name', mc.name) order by mc.name), '[]'::json)
        from macros mc where mc.active and exists (select 1 from v)),
      'related', (select coalesce(json_agg(json_build_object('number', x.number, 'subject', x.subject, 'status', x.status) order by x.number), '[]'::json)
        from v
        cross join lateral (select l.related_ticket_id as other from ticket_links l where l.ticket_id = v.id
                            union all select l.ticket_id from ticket_links l where l.related_ticket_id = v.id) link
        join tickets x on x.id = link.other
        where ${inScope("x")}),
      'others', (select coalesce(json_agg(json_build_object('number', o.number, 'subject', o.subject, 'status', o.status, 'updatedAt', o.updated_at) order by o.updated_at desc), '[]'::json)
        from (select x.number, x.subject, x.status, x.updated_at from v join tickets x on x.requester_id = v.requester_id
              where x.id <> v.id and ${inScope("x")} order by x.updated_at desc limit 10) o),
      'feedbackItemId', (select f.id from v join feedback_items f on f.ticket_id = v.id where v.plan = 'beta' limit 1),
      'sla', (select json_build_object(
          'policyId', v.sla_policy_id,
          'priority', v.priority,
          'dueAt', json_build_object('firstResponse', v.first_response_due_at, 'nextResponse', v.next_response_due_at, 'resolution', v.resolution_due_at),
          'policy', (select json_build_object('name', p.name, 'active', p.active, 'warnFraction', p.warn_fraction, 'targets', p.targets,
              'calendar', (select json_build_object('id', c.id, 'timeZone', c.time_zone, 'hours', c.hours, 'holidays', c.holidays, 'updatedAt', c.updated_at)
                           from business_calendars c where c.id = p.calendar_id))
            from sla_policies p where p.id = v.sla_policy_id),
          'timers', (select coalesce(json_agg(json_build_object('metric', s.metric, 'cycle', s.cycle, 'targetMinutes', s.target_minutes, 'state', s.state,
              'elapsedMinutes', s.elapsed_minutes, 'achievedAt', s.achieved_at, 'computedAt', s.computed_at)), '[]'::json)
            from sla_timers s where s.ticket_id = v.id)
        ) from v)
    )::text as page`;
}

/**
 * Rendered message HTML by message id, with the source it was rendered from: a thread is read far
 * more often than it is written, and rendering 100 messages' markdown was ~0.65 ms of every load
 * of a long ticket. A hit needs the very same source (an edited or redacted body renders afresh);
 * the sanitizer's allowlist is code, so a new allowlist comes with a new process. Bounded.
 */
const renderedCache = new Map<string, { source: string; email: boolean; html: string }>();
const renderedCacheMax = 5_000;

function renderedHtml(id: string, body: string, bodyHtml: string | null): string {
  const email = Boolean(bodyHtml);
  const source = email ? bodyHtml! : body;
  const hit = renderedCache.get(id);
  if (hit && hit.email === email && hit.source === source) return hit.html;
  const html = email ? sanitizeEmailHtml(source) : renderMarkdown(source);
  if (!hit && renderedCache.size >= renderedCacheMax) renderedCache.delete(renderedCache.keys().next().value!);
  renderedCache.set(id, { source, email, html });
  return html;
}

/** As getTicketThread: a mail's own HTML (sanitized again in case the allowlist tightened), else markdown. */
function withHtml<M extends { id: string; body: string; bodyHtml: string | null }>(m: M): M & { html: string; isEmailHtml: boolean } {
  return { ...m, html: renderedHtml(m.id, m.body, m.bodyHtml), isEmailHtml: Boolean(m.bodyHtml) };
}

export interface DeskTicketPage {
  ticket: NonNullable<DeskTicketPageRow["ticket"]>;
  organizationName: string;
  plan: string;
  requester: DeskTicketPageRow["requester"];
  assignee: DeskTicketPageRow["assignee"];
  messages: (DeskTicketPageRow["messages"][number] & { html: string; isEmailHtml: boolean })[];
  events: DeskTicketPageRow["events"];
  rating: DeskTicketPageRow["rating"];
  mergedIntoNumber: number | null;
  options: { agents: DeskTicketPageRow["agents"]; groups: DeskTicketPageRow["groups"] };
  macros: DeskTicketPageRow["macros"];
  /** Groups this agent may route the ticket into (null: any, for admins). */
  movableGroupIds: string[] | null;
  related: DeskTicketPageRow["related"];
  others: DeskTicketPageRow["others"];
  feedbackItemId: string | null;
  sla: TicketSlaView;
}

/**
 * Everything the agent's ticket page shows, in one round trip (plus a fresh SLA computation only
 * when the cache cannot answer: see slaViewFromCache). Throws TicketError 404 when the ticket does
 * not exist or this agent may not see it, exactly as getTicketThread does.
 */
export async function getDeskTicketPage(actor: Actor, number: number, at: Date = now()): Promise<DeskTicketPage> {
  if (actor.role !== "agent" && actor.role !== "admin") throw new TicketError("Ticket not found", 404);
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) throw new TicketError("Ticket not found", 404);
  const [row] = rowsOf<{ page: string }>(await db().execute(deskStatement(actor, number)));
  const page = parseDeskPageJson(row!.page);
  const t = page.ticket;
  if (!t) throw new TicketError("Ticket not found", 404);
  const groupIds = actor.role === "agent" ? page.myGroupIds : [];
  const visible = canViewTicket(actor, { ...t, organizationSharesTickets: t.shareTickets }, groupIds);
  if (!visible) throw new TicketError("Ticket not found", 404);
  // The statement applies the same rule; if they ever disagree the page would be empty, not wrong.
  if (!page.visible || !page.sla) throw new Error(`ticket page: the SQL scope and canViewTicket disagree on #${number}`);
  const cached = slaViewFromCache(
    {
      policyId: page.sla.policyId,
      priority: page.sla.priority,
      dueAt: page.sla.dueAt,
      // (targets: the policy's JSON as stored; targetsFor reads the ticket's priority from it)
      policy: page.sla.policy ? { ...page.sla.policy, targets: page.sla.policy.targets as Targets } : null,
      timers: page.sla.timers,
    },
    at,
  );
  const sla = cached ?? (await getTicketSlaClocks(t.id, at));
  return {
    ticket: t,
    organizationName: t.organizationName,
    plan: t.plan,
    requester: page.requester,
    assignee: page.assignee,
    messages: page.messages.map(withHtml),
    events: page.events,
    rating: page.rating,
    mergedIntoNumber: page.mergedIntoNumber,
    options: { agents: page.agents, groups: page.groups },
    macros: page.macros,
    movableGroupIds: actor.role === "admin" ? null : page.myGroupIds,
    related: page.related,
    others: page.others,
    feedbackItemId: page.feedbackItemId,
    sla,
  };
}

const portalSchema = z.object({
  ...threadShape,
  sla: z
    .object({
      computed: z.boolean(),
      policyId: z.string().nullable(),
      priority: z.string(),
      policy: z.object({ active: z.boolean(), targets: targetsJson, calendar: calendarSchema.nullable() }).nullable(),
    })
    .nullable(),
});

/**
 * The customer statement: the same ticket CTE, visibility by canViewTicket's customer rule (their
 * organization's ticket, their own unless the organization shares tickets), public messages only,
 * no timeline, and the cached policy for the promise.
 */
function portalStatement(actor: Actor, number: number) {
  return sql`
    with ${ticketCte(number)}, v as (
      select t.* from t where t.organization_id = ${actor.organizationId}::uuid and (t.requester_id = ${actor.id}::uuid or t.share_tickets)
    )
    select json_build_object(
      'ticket', ${ticketJson},
      'visible', exists (select 1 from v),
      'messages', ${messagesJson(true)},
      ${peopleJson},
      'sla', (select json_build_object(
          'computed', exists (select 1 from sla_timers s where s.ticket_id = v.id),
          'policyId', v.sla_policy_id,
          'priority', v.priority,
          'policy', (select json_build_object('active', p.active, 'targets', p.targets,
              'calendar', (select json_build_object('id', c.id, 'timeZone', c.time_zone, 'hours', c.hours, 'holidays', c.holidays, 'updatedAt', c.updated_at)
                           from business_calendars c where c.id = p.calendar_id))
            from sla_policies p where p.id = v.sla_policy_id)
        ) from v)
    )::text as page`;
}

export interface PortalTicketPage {
  ticket: NonNullable<DeskTicketPageRow["ticket"]>;
  requester: DeskTicketPageRow["requester"];
  assignee: DeskTicketPageRow["assignee"];
  messages: DeskTicketPage["messages"];
  rating: DeskTicketPageRow["rating"];
  mergedIntoNumber: number | null;
  mayReopen: boolean;
  /** The SLA promise while the ticket is open (null when solved or closed, or without a policy). */
  slaPromise: string | null;
}

/**
 * The customer's ticket page in one round trip: what getTicketThread gives a customer (never an
 * internal note, nor its attachments, nor the timeline) plus the SLA promise from the cached
 * policy. 404 exactly where getTicketThread answers it.
 */
export async function getPortalTicketPage(actor: Actor, number: number, at: Date = now()): Promise<PortalTicketPage> {
  if (actor.role !== "customer" || !actor.organizationId) throw new TicketError("Ticket not found", 404);
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) throw new TicketError("Ticket not found", 404);
  const [row] = rowsOf<{ page: string }>(await db().execute(portalStatement(actor, number)));
  const json = objectAt(JSON.parse(row!.page), "page");
  const page = { ...portalSchema.parse(json), messages: messagesAt(json.messages) };
  const t = page.ticket;
  if (!t || !canViewTicket(actor, { ...t, organizationSharesTickets: t.shareTickets })) throw new TicketError("Ticket not found", 404);
  if (!page.visible || !page.sla) throw new Error(`portal ticket page: the SQL scope and canViewTicket disagree on #${number}`);
  let slaPromise: string | null = null;
  if (t.status !== "solved" && t.status !== "closed" && !t.mergedIntoId) {
    // As getTicketSlaPromise's timeline: a public message by staff is an agent reply.
    const replied = page.messages.some((m) => m.authorRole !== null && m.authorRole !== "customer");
    const cached = slaPromiseFromCache({ ...page.sla, policy: page.sla.policy ? { ...page.sla.policy, targets: page.sla.policy.targets as Targets } : null }, replied);
    slaPromise = cached === undefined ? await getTicketSlaPromise(t.id) : cached;
  }
  return {
    ticket: t,
    requester: page.requester,
    assignee: page.assignee,
    messages: page.messages.map(withHtml),
    rating: page.rating,
    mergedIntoNumber: page.mergedIntoNumber,
    mayReopen: customerMayReopen(t, at),
    slaPromise,
  };
}
