import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { slackChannels, slackEvents, slackMessages, slackThreads, ticketEvents, ticketMessages, tickets, users } from "../../../db/schema";
import { db, type Database, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import { enqueueJob } from "../jobs/runner.server";
import { recomputeTicketSla } from "../sla/apply.server";
import { customerMayReopen } from "../tickets/model";
import { slackClient, slackConfig, slackErrorText, type SlackConfig } from "./client.server";
import { SLACK_CONTENT_SUBTYPES, SLACK_EVENT_JOB } from "./constants";
import { slackToMarkdown, subjectFromSlack } from "./format";
import { verifySlackSignature } from "./signature";

/**
 * Slack's Events API at POST /webhooks/slack:
 *
 * 1. The request is verified (signing secret, raw body, 5-minute window) and answered at once:
 *    url_verification with its challenge; an event_callback is recorded in slack_events under its
 *    event_id (a retry, X-Slack-Retry-Num, or any second delivery finds the row and changes
 *    nothing) and a job is queued in the same transaction.
 * 2. The job (SLACK_EVENT_JOB) looks the author up (users.info) and, in one transaction, turns a
 *    top-level message in a mapped channel into a ticket, or a reply in a ticket's thread into a
 *    public message on it. A Slack message is added once (slack_messages is unique by channel
 *    and ts), and messages of bots, our own included, are never added (no loops).
 */

export interface WebhookResult {
  status: number;
  body: Record<string, unknown>;
}

const MAX_BODY_BYTES = 1_000_000;

const envelopeSchema = z.object({
  type: z.string().min(1).max(100),
  challenge: z.string().max(500).optional(),
  team_id: z.string().max(50).optional(),
  event_id: z.string().min(1).max(100).optional(),
  event: z.record(z.string(), z.unknown()).optional(),
});

const messageSchema = z.object({
  type: z.string(),
  subtype: z.string().optional(),
  channel: z.string().max(50).optional(),
  channel_type: z.string().optional(),
  user: z.string().max(50).optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  text: z.string().max(40_000).optional().default(""),
  ts: z.string().max(50).optional(),
  thread_ts: z.string().max(50).optional(),
  files: z.array(z.unknown()).optional(),
});
export type SlackMessageEvent = z.infer<typeof messageSchema>;

export type EventClass =
  | { kind: "ignore"; reason: string }
  | { kind: "message"; message: SlackMessageEvent & { channel: string; user: string; ts: string }; threadTs: string | null };

/** What an event is to us (pure apart from its inputs): a customer's message, or something to ignore and why. */
export function classifySlackEvent(event: Record<string, unknown> | undefined, config: Pick<SlackConfig, "botUserId" | "botId">): EventClass {
  const parsed = messageSchema.safeParse(event ?? {});
  if (!parsed.success) return { kind: "ignore", reason: "not a message event" };
  const m = parsed.data;
  if (m.type !== "message") return { kind: "ignore", reason: `event type ${m.type}` };
  if (m.bot_id || m.subtype === "bot_message") return { kind: "ignore", reason: "sent by a bot" };
  if (m.subtype && !SLACK_CONTENT_SUBTYPES.has(m.subtype)) return { kind: "ignore", reason: `message subtype ${m.subtype}` };
  if (m.channel_type === "im" || m.channel_type === "mpim") return { kind: "ignore", reason: "direct message" };
  if (!m.channel || !m.user || !m.ts) return { kind: "ignore", reason: "message without channel, user or ts" };
  if ((config.botUserId && m.user === config.botUserId) || (config.botId && m.bot_id === config.botId)) return { kind: "ignore", reason: "sent by this app" };
  if (!m.text.trim() && !m.files?.length) return { kind: "ignore", reason: "empty message" };
  const threadTs = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null;
  return { kind: "message", message: { ...m, channel: m.channel, user: m.user, ts: m.ts }, threadTs };
}

/** Verifies and records one request. Never throws for bad input: answers a status. */
export async function handleSlackWebhook(rawBody: Buffer, headers: Headers): Promise<WebhookResult> {
  const config = await slackConfig();
  if (!config.signingSecret) return { status: 503, body: { error: "Slack is not configured: add the signing secret at /admin/slack (or set SLACK_SIGNING_SECRET)." } };
  if (rawBody.length > MAX_BODY_BYTES) return { status: 413, body: { error: "Payload too large." } };
  const check = verifySlackSignature({
    secret: config.signingSecret,
    timestamp: headers.get("x-slack-request-timestamp"),
    signature: headers.get("x-slack-signature"),
    rawBody,
    nowSeconds: Math.floor(now().getTime() / 1000),
  });
  if (!check.ok) {
    log("warn", "slack webhook refused", { reason: check.reason });
    return { status: 401, body: { error: "Invalid Slack signature." } };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { status: 400, body: { error: "The body is not JSON." } };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { status: 400, body: { error: "Not a Slack Events API request." } };
  const e = envelope.data;
  if (e.type === "url_verification") {
    if (!e.challenge) return { status: 400, body: { error: "url_verification without a challenge." } };
    return { status: 200, body: { challenge: e.challenge } };
  }
  if (e.type !== "event_callback") return { status: 200, body: { ok: true, ignored: e.type } };
  if (!e.event_id || !e.event) return { status: 400, body: { error: "event_callback without event_id or event." } };
  if (config.teamId && e.team_id && e.team_id !== config.teamId) {
    log("warn", "slack event from another workspace ignored", { teamId: e.team_id });
    return { status: 200, body: { ok: true, ignored: "another workspace" } };
  }
  const classified = classifySlackEvent(e.event, config);
  const eventType = typeof e.event.type === "string" ? e.event.type.slice(0, 100) : "unknown";
  const recorded = await db().transaction(async (tx) => {
    const inserted = await tx
      .insert(slackEvents)
      .values({
        eventId: e.event_id!,
        teamId: e.team_id ?? null,
        type: eventType,
        payload: e.event!,
        status: classified.kind === "ignore" ? "ignored" : "received",
        outcome: classified.kind === "ignore" ? classified.reason : null,
        receivedAt: now(),
        processedAt: classified.kind === "ignore" ? now() : null,
      })
      .onConflictDoNothing({ target: slackEvents.eventId })
      .returning({ eventId: slackEvents.eventId });
    if (!inserted.length) return false;
    if (classified.kind === "message") await enqueueJob(tx, SLACK_EVENT_JOB, { eventId: e.event_id }, { uniqueKey: `slack-event:${e.event_id}`, maxAttempts: 8 });
    return true;
  });
  const retry = headers.get("x-slack-retry-num");
  if (!recorded && retry) log("info", "slack retry of a recorded event", { eventId: e.event_id, retry, reason: headers.get("x-slack-retry-reason") });
  return { status: 200, body: { ok: true, duplicate: !recorded } };
}

// ---------------------------------------------------------------------------------------------
// The job

interface Author {
  slackUserId: string;
  name: string;
  email: string | null;
}

/** users.info: the author's name and email (scope users:read.email). A deleted/unknown user is anonymous; other errors retry. */
async function lookupAuthor(token: string, slackUserId: string): Promise<Author> {
  try {
    const info = await slackClient(token).users.info({ user: slackUserId });
    const u = info.user;
    const name = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || slackUserId;
    return { slackUserId, name: name.slice(0, 120), email: u?.profile?.email?.toLowerCase() ?? null };
  } catch (error) {
    if (slackErrorText(error) === "user_not_found") return { slackUserId, name: slackUserId, email: null };
    throw new Error(`users.info failed: ${slackErrorText(error)}`);
  }
}

/** Names for <@U…> mentions (at most 5 lookups; a failed one leaves the id). */
async function mentionNames(token: string, text: string): Promise<Record<string, string>> {
  const ids = [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!))].slice(0, 5);
  const names: Record<string, string> = {};
  for (const id of ids) {
    try {
      names[id] = (await lookupAuthor(token, id)).name;
    } catch {
      /* keep the id */
    }
  }
  return names;
}

type Outcome = { status: "done" | "ignored"; outcome: string; ticketId?: string };

async function requesterFor(tx: Executor, mapping: typeof slackChannels.$inferSelect, author: Author) {
  if (author.email) {
    const [match] = await tx
      .select({ id: users.id, role: users.role, organizationId: users.organizationId, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.email, author.email));
    if (match && match.role === "customer" && match.organizationId === mapping.organizationId && !match.disabledAt) return { id: match.id, matched: true };
  }
  return { id: mapping.fallbackRequesterId, matched: false };
}

function bodyFor(text: string, names: Record<string, string>, author: Author, matched: boolean, files: number): string {
  let body = slackToMarkdown(text, names);
  if (files) body = `${body}${body ? "\n\n" : ""}_(${files === 1 ? "a file" : `${files} files`} shared in Slack)_`;
  if (!matched) body = `**${author.name}**${author.email ? ` (${author.email})` : ""} wrote in Slack:\n\n${body}`;
  return body.slice(0, 100_000);
}

async function applyMessage(tx: Executor, row: typeof slackEvents.$inferSelect, cls: Extract<EventClass, { kind: "message" }>, author: Author, names: Record<string, string>): Promise<Outcome> {
  const m = cls.message;
  const [mapping] = await tx.select().from(slackChannels).where(eq(slackChannels.channelId, m.channel));
  if (!mapping) return { status: "ignored", outcome: "channel is not mapped to an organization" };
  const [seen] = await tx
    .select({ id: slackMessages.id })
    .from(slackMessages)
    .where(and(eq(slackMessages.channelId, m.channel), eq(slackMessages.ts, m.ts)));
  if (seen) return { status: "ignored", outcome: "message already added" };
  const requester = await requesterFor(tx, mapping, author);
  const body = bodyFor(m.text, names, author, requester.matched, m.files?.length ?? 0);
  const at = now();

  if (cls.threadTs) {
    const [thread] = await tx
      .select({ ticketId: slackThreads.ticketId })
      .from(slackThreads)
      .where(and(eq(slackThreads.channelId, m.channel), eq(slackThreads.threadTs, cls.threadTs)));
    if (!thread) return { status: "ignored", outcome: "reply in a thread that is not a ticket" };
    let [ticket] = await tx.select().from(tickets).where(eq(tickets.id, thread.ticketId));
    for (let hops = 0; ticket?.mergedIntoId && hops < 5; hops++) [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticket.mergedIntoId));
    if (!ticket) return { status: "ignored", outcome: "the thread's ticket is gone" };
    if (ticket.status === "closed" || (ticket.status === "solved" && !customerMayReopen(ticket, at))) {
      return { status: "ignored", outcome: `ticket #${ticket.number} is closed`, ticketId: ticket.id };
    }
    const [message] = await tx
      .insert(ticketMessages)
      .values({ ticketId: ticket.id, authorId: requester.id, visibility: "public", channel: "slack", body, createdAt: at })
      .returning({ id: ticketMessages.id });
    await tx.insert(slackMessages).values({ ticketMessageId: message!.id, direction: "inbound", channelId: m.channel, ts: m.ts, threadTs: cls.threadTs, slackUserId: author.slackUserId, postedAt: at, createdAt: at });
    const reopen = ticket.status === "solved" || ticket.status === "pending";
    await tx
      .update(tickets)
      .set({ lastCustomerMessageAt: at, updatedAt: at, version: sql`${tickets.version} + 1`, ...(reopen ? { status: "open" as const, solvedAt: null } : {}) })
      .where(eq(tickets.id, ticket.id));
    if (reopen) await tx.insert(ticketEvents).values({ ticketId: ticket.id, at, type: "status", data: { from: ticket.status, to: "open", reason: "slack_reply" } });
    await recomputeTicketSla(tx, ticket.id, at);
    return { status: "done", outcome: `reply added to #${ticket.number}`, ticketId: ticket.id };
  }

  const [ticket] = await tx
    .insert(tickets)
    .values({
      organizationId: mapping.organizationId,
      requesterId: requester.id,
      subject: subjectFromSlack(slackToMarkdown(m.text, names)),
      priority: "normal",
      channel: "slack",
      status: "new",
      createdAt: at,
      updatedAt: at,
      lastCustomerMessageAt: at,
    })
    .returning({ id: tickets.id, number: tickets.number });
  const [message] = await tx
    .insert(ticketMessages)
    .values({ ticketId: ticket!.id, authorId: requester.id, visibility: "public", channel: "slack", body, createdAt: at })
    .returning({ id: ticketMessages.id });
  await tx.insert(slackThreads).values({ ticketId: ticket!.id, channelId: m.channel, threadTs: m.ts, createdAt: at });
  await tx.insert(slackMessages).values({ ticketMessageId: message!.id, direction: "inbound", channelId: m.channel, ts: m.ts, threadTs: m.ts, slackUserId: author.slackUserId, postedAt: at, createdAt: at });
  await tx.insert(ticketEvents).values({
    ticketId: ticket!.id,
    at,
    type: "created",
    data: { channel: "slack", priority: "normal", slackChannel: mapping.channelName || m.channel, slackUser: author.name, eventId: row.eventId },
  });
  await recomputeTicketSla(tx, ticket!.id, at);
  return { status: "done", outcome: `ticket #${ticket!.number} created`, ticketId: ticket!.id };
}

/** The job: once per recorded event (a second run finds it processed and does nothing). */
export async function processSlackEvent(eventId: string, database: Database = db()): Promise<Outcome | null> {
  const [row] = await database.select().from(slackEvents).where(eq(slackEvents.eventId, eventId));
  if (!row || row.status !== "received") return null;
  const config = await slackConfig(database);
  const cls = classifySlackEvent(row.payload, config);
  let author: Author | null = null;
  let names: Record<string, string> = {};
  if (cls.kind === "message") {
    const [mapping] = await database.select({ id: slackChannels.id }).from(slackChannels).where(eq(slackChannels.channelId, cls.message.channel));
    if (mapping) {
      if (!config.botToken) throw new Error("Slack bot token missing: cannot look up the message's author");
      author = await lookupAuthor(config.botToken, cls.message.user);
      names = await mentionNames(config.botToken, cls.message.text);
    }
  }
  const outcome = await database.transaction(async (tx) => {
    const [locked] = await tx.select().from(slackEvents).where(eq(slackEvents.eventId, eventId)).for("update");
    if (!locked || locked.status !== "received") return null;
    let result: Outcome;
    if (cls.kind === "ignore") result = { status: "ignored", outcome: cls.reason };
    else if (!author) result = { status: "ignored", outcome: "channel is not mapped to an organization" };
    else result = await applyMessage(tx, locked, cls, author, names);
    await tx
      .update(slackEvents)
      .set({ status: result.status, outcome: result.outcome.slice(0, 500), ticketId: result.ticketId ?? null, processedAt: now() })
      .where(eq(slackEvents.eventId, eventId));
    return result;
  });
  if (outcome) log("info", "slack event processed", { eventId, ...outcome });
  return outcome;
}
