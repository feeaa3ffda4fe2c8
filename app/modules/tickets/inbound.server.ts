import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { Resend } from "resend";
import { z } from "zod";
import { attachments, auditEvents, emailOutbox, inboundEmails, jobs, organizations, ticketEvents, ticketMessages, tickets, users } from "../../../db/schema";
import { db, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import type { Actor } from "../auth/permissions";
import { generateToken } from "../auth/tokens";
import { enqueueEmail } from "../email/outbox.server";
import { enqueueJob } from "../jobs/runner.server";
import { recomputeTicketSla } from "../sla/apply.server";
import { sanitizeEmailHtml } from "./inbound-html";
import {
  domainOf,
  headerValue,
  htmlToText,
  isAllowedDownloadUrl,
  isAutoSubmitted,
  parseAddress,
  parseMessageIds,
  replyTokenFrom,
  stripQuotedReply,
  ticketIdsIn,
  verifyTicketMessageId,
} from "./inbound";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT, attachmentProblem, customerMayReopen, safeFileName } from "./model";
import { ticketMailThreading } from "./threading.server";
import { loadVisibleTicket, TicketError, ticketUrl } from "./tickets.server";
import { emitTicketEvent, emitTicketReplied, emitTicketUpdated } from "../webhooks/emit.server";

/**
 * Inbound email, the way Resend delivers it:
 *
 * 1. POST /webhooks/resend with an `email.received` event (verified with the SDK's
 *    webhooks.verify): the provider id is recorded in inbound_emails (status 'review' until
 *    processed, so it is never lost) and a job is queued, both once per provider id.
 * 2. The job fetches the message and its attachments through the SDK's receiving API, then
 *    threads it into a ticket (reply token, then our signed Message-IDs, then earlier inbound
 *    Message-IDs), opens a new ticket for a sender of a known organization domain, or leaves
 *    it in the agents' review list (/desk/inbox).
 *
 * Delivery events on the same endpoint update email_outbox.delivery_status and flag bounced
 * or complaining contacts (users.email_bounced_at).
 */
export const INBOUND_JOB = "tickets.inbound_email";
export const inboundJobKey = (providerEmailId: string) => `inbound-email:${providerEmailId}`;

const MAX_WEBHOOK_BYTES = 1_000_000;
const RESEND_DEFAULT_BASE = "https://api.resend.com";

export interface WebhookResult {
  status: number;
  body: Record<string, unknown>;
}

function resendBaseUrl(): string {
  return (env().RESEND_BASE_URL ?? RESEND_DEFAULT_BASE).replace(/\/+$/, "");
}

/** The SDK client for the receiving API (throws without RESEND_API_KEY: the job then retries). */
function resendClient(): Resend {
  const key = env().RESEND_API_KEY;
  if (!key) throw new Error("RESEND_API_KEY is not set: inbound email cannot be fetched from Resend");
  return new Resend(key, { baseUrl: resendBaseUrl() });
}

const eventSchema = z.object({
  type: z.string().min(1).max(100),
  created_at: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

const receivedSchema = z.object({
  email_id: z.string().min(1).max(200),
  from: z.string().max(2000).catch(""),
  to: z.array(z.string().max(2000)).max(200).catch([]),
  subject: z.string().max(2000).catch(""),
  message_id: z.string().max(1000).nullish().catch(null),
});

const deliverySchema = z.object({
  email_id: z.string().min(1).max(200),
  to: z.array(z.string().max(2000)).max(200).catch([]),
});

const DELIVERY_EVENTS = {
  "email.delivery_delayed": "delivery_delayed",
  "email.delivered": "delivered",
  "email.failed": "failed",
  "email.bounced": "bounced",
  "email.complained": "complained",
} as const;
type DeliveryStatus = (typeof DELIVERY_EVENTS)[keyof typeof DELIVERY_EVENTS];
/** Events arrive out of order: a later "delivered" must not hide a bounce or a complaint. */
const deliveryRank: Record<DeliveryStatus, number> = { delivery_delayed: 1, delivered: 2, failed: 3, bounced: 4, complained: 5 };

/** Verifies and handles one webhook request. Never throws for bad input: answers a status. */
export async function handleResendWebhook(payload: string, headers: Headers): Promise<WebhookResult> {
  const secret = env().RESEND_WEBHOOK_SECRET;
  if (!secret) {
    return { status: 503, body: { error: "Inbound email is not configured: set RESEND_WEBHOOK_SECRET to this webhook's signing secret." } };
  }
  if (Buffer.byteLength(payload) > MAX_WEBHOOK_BYTES) return { status: 413, body: { error: "Payload too large." } };
  const id = headers.get("svix-id");
  const timestamp = headers.get("svix-timestamp");
  const signature = headers.get("svix-signature");
  if (!id || !timestamp || !signature) return { status: 401, body: { error: "Missing webhook signature headers (svix-id, svix-timestamp, svix-signature)." } };
  let verified: unknown;
  try {
    // verify() needs no API key, but the SDK's constructor insists on one.
    const client = new Resend(env().RESEND_API_KEY ?? "re_webhook_verification_only", { baseUrl: resendBaseUrl() });
    verified = client.webhooks.verify({ payload, headers: { id, timestamp, signature }, webhookSecret: secret });
  } catch (error) {
    log("warn", "resend webhook refused", { reason: (error as Error)?.message ?? String(error) });
    return { status: 401, body: { error: "Invalid webhook signature." } };
  }
  const event = eventSchema.safeParse(verified);
  if (!event.success) return { status: 400, body: { error: "The event is not a Resend webhook event." } };
  const { type, data } = event.data;

  if (type === "email.received") {
    const parsed = receivedSchema.safeParse(data);
    if (!parsed.success) return { status: 400, body: { error: "email.received without data.email_id." } };
    const recorded = await recordReceived(parsed.data);
    return { status: 200, body: { ok: true, queued: recorded } };
  }
  if (type in DELIVERY_EVENTS) {
    const parsed = deliverySchema.safeParse(data);
    if (!parsed.success) return { status: 400, body: { error: `${type} without data.email_id.` } };
    const matched = await recordDelivery(DELIVERY_EVENTS[type as keyof typeof DELIVERY_EVENTS], parsed.data);
    return { status: 200, body: { ok: true, matched } };
  }
  return { status: 200, body: { ok: true, ignored: type } };
}

/** Records the provider id once and queues the fetch; a redelivery changes nothing. */
async function recordReceived(data: z.infer<typeof receivedSchema>): Promise<boolean> {
  const from = parseAddress(data.from);
  return db().transaction(async (tx) => {
    const inserted = await tx
      .insert(inboundEmails)
      .values({
        providerEmailId: data.email_id,
        fromAddress: from?.address ?? data.from.slice(0, 320),
        fromName: from?.name ?? null,
        toAddresses: data.to.slice(0, 50),
        subject: data.subject.replace(/[\r\n]+/g, " ").slice(0, 500),
        messageId: parseMessageIds(data.message_id)[0] ?? null,
        status: "review",
        receivedAt: now(),
      })
      .onConflictDoNothing({ target: inboundEmails.providerEmailId })
      .returning({ id: inboundEmails.id });
    if (inserted.length === 0) return false;
    await enqueueJob(tx, INBOUND_JOB, { emailId: data.email_id }, { uniqueKey: inboundJobKey(data.email_id), maxAttempts: 8 });
    return true;
  });
}

async function recordDelivery(status: DeliveryStatus, data: z.infer<typeof deliverySchema>): Promise<boolean> {
  const rankOf = sql`case ${emailOutbox.deliveryStatus} when 'delivery_delayed' then 1 when 'delivered' then 2 when 'failed' then 3 when 'bounced' then 4 when 'complained' then 5 else 0 end`;
  return db().transaction(async (tx) => {
    const rows = await tx
      .select({ id: emailOutbox.id, toUserId: emailOutbox.toUserId, toAddress: emailOutbox.toAddress })
      .from(emailOutbox)
      .where(eq(emailOutbox.providerMessageId, data.email_id));
    if (rows.length) {
      await tx
        .update(emailOutbox)
        .set({ deliveryStatus: status })
        .where(and(eq(emailOutbox.providerMessageId, data.email_id), sql`${rankOf} <= ${deliveryRank[status]}`));
    }
    if (status === "bounced" || status === "complained") {
      const ids = rows.map((r) => r.toUserId).filter((v): v is string => !!v);
      const addresses = rows.length
        ? rows.filter((r) => !r.toUserId).map((r) => r.toAddress.toLowerCase())
        : data.to.map((t) => parseAddress(t)?.address).filter((v): v is string => !!v);
      const conditions = [...(ids.length ? [inArray(users.id, ids)] : []), ...(addresses.length ? [inArray(users.email, addresses)] : [])];
      if (conditions.length) {
        await tx
          .update(users)
          .set({ emailBouncedAt: sql`coalesce(${users.emailBouncedAt}, ${now().toISOString()}::timestamptz)` })
          .where(conditions.length === 1 ? conditions[0] : sql`(${conditions[0]}) or (${conditions[1]})`);
      }
    }
    if (!rows.length) log("info", "resend delivery event for an unknown email", { emailId: data.email_id, status });
    return rows.length > 0;
  });
}

// ---------------------------------------------------------------------------------------------
// Fetching a received message

export interface InboundFile {
  name: string;
  type: string;
  bytes: Buffer;
}

export interface FetchedEmail {
  providerEmailId: string;
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  receivedFor: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  autoSubmitted: boolean;
  attachmentCount: number;
  files: InboundFile[];
  refused: string[];
}

async function download(url: string, maxBytes: number): Promise<Buffer> {
  const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(30_000) });
  if (!response.ok || !response.body) throw new Error(`attachment download answered ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new Error("attachment larger than allowed");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error("attachment larger than allowed");
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The message's attachments within the ticket limits (model.ts); the others are named in `refused`. */
async function fetchAttachments(client: Resend, emailId: string): Promise<{ files: InboundFile[]; refused: string[] }> {
  const listed = await client.emails.receiving.attachments.list({ emailId });
  if (listed.error) throw new Error(`resend attachments ${listed.error.statusCode ?? "network"}: ${listed.error.message}`);
  const files: InboundFile[] = [];
  const refused: string[] = [];
  const base = resendBaseUrl();
  for (const item of listed.data.data) {
    const name = safeFileName(item.filename ?? "attachment");
    const type = (item.content_type ?? "").split(";")[0]!.trim().toLowerCase();
    const problem = attachmentProblem({ name, type, size: item.size });
    if (problem) {
      refused.push(problem);
      continue;
    }
    if (files.length >= ATTACHMENT_MAX_COUNT) {
      refused.push(`${name}: more than ${ATTACHMENT_MAX_COUNT} attachments.`);
      continue;
    }
    let url = item.download_url;
    if (!url) {
      const one = await client.emails.receiving.attachments.get({ emailId, id: item.id });
      if (one.error) throw new Error(`resend attachment ${one.error.statusCode ?? "network"}: ${one.error.message}`);
      url = one.data.download_url;
    }
    if (!isAllowedDownloadUrl(url, base)) {
      refused.push(`${name}: download offered from a host other than Resend.`);
      continue;
    }
    const bytes = await download(url, ATTACHMENT_MAX_BYTES);
    const again = attachmentProblem({ name, type, size: bytes.length });
    if (again) refused.push(again);
    else files.push({ name, type, bytes });
  }
  return { files, refused };
}

/** Fetches one received email and its attachments through the SDK. Throws on provider errors (the job retries). */
export async function fetchReceivedEmail(providerEmailId: string, options: { attachments?: boolean } = {}): Promise<FetchedEmail> {
  const client = resendClient();
  const got = await client.emails.receiving.get(providerEmailId);
  if (got.error) throw new Error(`resend receiving ${got.error.statusCode ?? "network"} ${got.error.name}: ${got.error.message}`);
  const email = got.data;
  const headers = email.headers ?? {};
  const html = email.html ? sanitizeEmailHtml(email.html) : null;
  const text = (email.text ?? "").trim() || (html ? htmlToText(html) : "");
  const attachmentCount = email.attachments?.length ?? 0;
  const fetched = attachmentCount > 0 && options.attachments !== false ? await fetchAttachments(client, providerEmailId) : { files: [], refused: [] };
  const inReplyTo = parseMessageIds(headerValue(headers, "in-reply-to"))[0] ?? null;
  return {
    providerEmailId,
    from: parseAddress(email.from ?? ""),
    to: email.to ?? [],
    cc: email.cc ?? [],
    receivedFor: email.received_for ?? [],
    subject: (email.subject ?? "").replace(/[\r\n]+/g, " ").trim().slice(0, 500),
    text: text.slice(0, 200_000),
    html,
    messageId: parseMessageIds(email.message_id ?? headerValue(headers, "message-id"))[0] ?? null,
    inReplyTo,
    references: parseMessageIds(headerValue(headers, "references")),
    autoSubmitted: isAutoSubmitted(headers),
    attachmentCount,
    ...fetched,
  };
}

// ---------------------------------------------------------------------------------------------
// Threading and ticket creation

type TicketRow = typeof tickets.$inferSelect;
type UserRow = typeof users.$inferSelect;

async function ticketById(tx: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id));
  return row;
}

/** The ticket this mail answers, by reply token, then our signed Message-IDs, then earlier inbound ids. */
async function findThread(tx: Executor, mail: FetchedEmail): Promise<{ ticket: TicketRow; via: "token" | "message-id" | "inbound-message-id" } | null> {
  const domain = env().INBOUND_EMAIL_DOMAIN;
  const token = replyTokenFrom([...mail.to, ...mail.cc, ...mail.receivedFor], domain);
  if (token) {
    const [row] = await tx.select().from(tickets).where(eq(tickets.replyToken, token));
    if (row) return { ticket: row, via: "token" };
  }
  const refs = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()];
  const ours = ticketIdsIn(refs, domain);
  if (ours.length) {
    const rows = await tx.select().from(tickets).where(inArray(tickets.number, [...new Set(ours.map((o) => o.number))]));
    for (const candidate of ours) {
      const row = rows.find((r) => r.number === candidate.number);
      if (row && verifyTicketMessageId(candidate, row)) return { ticket: row, via: "message-id" };
    }
  }
  if (refs.length) {
    const [hit] = await tx
      .select({ ticketId: ticketMessages.ticketId })
      .from(ticketMessages)
      .where(inArray(ticketMessages.emailMessageId, refs.slice(0, 50)))
      .orderBy(desc(ticketMessages.createdAt))
      .limit(1);
    if (hit) {
      const row = await ticketById(tx, hit.ticketId);
      if (row) return { ticket: row, via: "inbound-message-id" };
    }
  }
  return null;
}

async function storeFiles(tx: Executor, ticketId: string, messageId: string, uploaderId: string | null, files: InboundFile[]) {
  if (!files.length) return;
  await tx.insert(attachments).values(
    files.map((f) => ({
      ticketId,
      messageId,
      uploaderId,
      fileName: safeFileName(f.name),
      contentType: f.type,
      size: f.bytes.length,
      sha256: createHash("sha256").update(f.bytes).digest("hex"),
      data: f.bytes,
      createdAt: now(),
    })),
  );
}

function messageBody(mail: Pick<FetchedEmail, "text" | "html">, prefix = ""): { body: string; bodyHtml: string | null } {
  const body = stripQuotedReply(mail.text) || "(empty message)";
  const bodyHtml = mail.html ? sanitizeEmailHtml(mail.html, { dropQuotes: true }) || null : null;
  return { body: prefix + body, bodyHtml };
}

/** Appends the mail as a public customer message; a solved or pending ticket reopens like a web reply. */
async function appendToTicket(
  tx: Executor,
  ticket: TicketRow,
  mail: FetchedEmail,
  author: { id: string } | null,
  actorId: string | null,
  reason: string,
  prefix = "",
): Promise<void> {
  const at = now();
  const { body, bodyHtml } = messageBody(mail, prefix);
  const [message] = await tx
    .insert(ticketMessages)
    .values({ ticketId: ticket.id, authorId: author?.id ?? null, visibility: "public", channel: "email", body, bodyHtml, emailMessageId: mail.messageId, createdAt: at })
    .returning({ id: ticketMessages.id });
  await storeFiles(tx, ticket.id, message!.id, author?.id ?? null, mail.files);
  const reopen = ticket.status === "solved" || ticket.status === "pending";
  await tx
    .update(tickets)
    .set({
      lastCustomerMessageAt: at,
      updatedAt: at,
      version: sql`${tickets.version} + 1`,
      ...(reopen ? { status: "open" as const, solvedAt: null } : {}),
    })
    .where(eq(tickets.id, ticket.id));
  if (reopen) {
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId, at, type: "status", data: { from: ticket.status, to: "open", reason } });
  }
  await recomputeTicketSla(tx, ticket.id);
  await emitTicketReplied(tx, ticket.id, message!.id);
  if (reopen) await emitTicketUpdated(tx, ticket.id, { status: { from: ticket.status, to: "open" } });
}

/** Opens a ticket from a mail (channel email) and confirms it to the requester (not to an auto-responder). */
async function createTicketFromMail(
  tx: Executor,
  input: { organizationId: string; requester: { id: string; email: string; name: string }; mail: FetchedEmail; actorId: string | null; inboundEmailId: string },
): Promise<TicketRow> {
  const at = now();
  const subject = input.mail.subject.trim().slice(0, 200) || "(no subject)";
  const [ticket] = await tx
    .insert(tickets)
    .values({
      organizationId: input.organizationId,
      requesterId: input.requester.id,
      subject,
      priority: "normal",
      channel: "email",
      status: "new",
      replyToken: generateToken(),
      createdAt: at,
      updatedAt: at,
      lastCustomerMessageAt: at,
    })
    .returning();
  const { body, bodyHtml } = messageBody(input.mail);
  const [message] = await tx
    .insert(ticketMessages)
    .values({ ticketId: ticket!.id, authorId: input.requester.id, visibility: "public", channel: "email", body, bodyHtml, emailMessageId: input.mail.messageId, createdAt: at })
    .returning({ id: ticketMessages.id });
  await storeFiles(tx, ticket!.id, message!.id, input.requester.id, input.mail.files);
  await tx.insert(ticketEvents).values({
    ticketId: ticket!.id,
    actorId: input.actorId ?? input.requester.id,
    at,
    type: "created",
    data: { channel: "email", priority: "normal", inboundEmailId: input.inboundEmailId },
  });
  await recomputeTicketSla(tx, ticket!.id);
  await emitTicketEvent(tx, "ticket.created", ticket!.id);
  if (!input.mail.autoSubmitted) {
    await enqueueEmail(tx, {
      to: input.requester.email,
      toUserId: input.requester.id,
      template: "ticket_received",
      data: { name: input.requester.name, number: ticket!.number, subject, ticketUrl: ticketUrl(ticket!.number, true) },
      ...(await ticketMailThreading(tx, ticket!.id, { root: true })),
    });
  }
  return ticket!;
}

async function userByEmail(tx: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

function displayName(from: { address: string; name: string | null }): string {
  return (from.name ?? from.address.slice(0, from.address.indexOf("@"))).slice(0, 120) || from.address;
}

/** A customer contact without a password (they can be invited to the portal later). */
async function createContact(tx: Executor, organizationId: string, from: { address: string; name: string | null }): Promise<UserRow> {
  const at = now();
  const [created] = await tx
    .insert(users)
    .values({ email: from.address, name: displayName(from), role: "customer", organizationId, passwordHash: null, createdAt: at, updatedAt: at })
    .onConflictDoNothing()
    .returning();
  return created ?? (await userByEmail(tx, from.address))!;
}

type Outcome = { status: "ticketed"; ticketId: string; via: string } | { status: "review"; reason: string; ticketId?: string };

/** Decides and applies what happens to one fetched mail, inside the caller's transaction. */
async function routeMail(tx: Executor, inboundId: string, mail: FetchedEmail): Promise<Outcome> {
  const domain = env().INBOUND_EMAIL_DOMAIN;
  if (!mail.from) return { status: "review", reason: "no valid sender address" };
  if (domainOf(mail.from.address) === domain) return { status: "review", reason: "sent from the portal's own mail domain" };
  if (mail.refused.length) return { status: "review", reason: `attachment refused: ${mail.refused.join(" ")}` };
  const sender = await userByEmail(tx, mail.from.address);
  const usable = sender && !sender.disabledAt ? sender : undefined;

  const thread = await findThread(tx, mail);
  if (thread) {
    let ticket = thread.ticket;
    for (let hops = 0; ticket.mergedIntoId && hops < 5; hops++) {
      const target = await ticketById(tx, ticket.mergedIntoId);
      if (!target) break;
      ticket = target;
    }
    const mayWrite = !!usable && (usable.id === ticket.requesterId || (usable.role === "customer" && usable.organizationId === ticket.organizationId));
    if (!mayWrite) return { status: "review", reason: `sender is not a contact of ticket #${ticket.number}'s organization`, ticketId: ticket.id };
    if (ticket.status === "closed") return { status: "review", reason: `ticket #${ticket.number} is closed`, ticketId: ticket.id };
    if (ticket.status === "solved" && !customerMayReopen(ticket, now())) {
      return { status: "review", reason: `ticket #${ticket.number} was solved more than 14 days ago`, ticketId: ticket.id };
    }
    await appendToTicket(tx, ticket, mail, usable, usable.id, "customer_email");
    return { status: "ticketed", ticketId: ticket.id, via: thread.via };
  }

  const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.domain, domainOf(mail.from.address)));
  if (!org) return { status: "review", reason: "unknown sender" };
  if (sender && (sender.role !== "customer" || sender.organizationId !== org.id || sender.disabledAt)) {
    return { status: "review", reason: "the sender's account does not belong to that organization" };
  }
  const requester = sender ?? (await createContact(tx, org.id, mail.from));
  const ticket = await createTicketFromMail(tx, { organizationId: org.id, requester, mail, actorId: null, inboundEmailId: inboundId });
  return { status: "ticketed", ticketId: ticket.id, via: "organization-domain" };
}

function mailColumns(mail: FetchedEmail) {
  return {
    ...(mail.from ? { fromAddress: mail.from.address, fromName: mail.from.name } : {}),
    toAddresses: [...mail.to, ...mail.cc].slice(0, 50),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    attachmentCount: mail.attachmentCount,
  };
}

/** The job: fetch, then thread / open a ticket / keep for review, once per provider id. */
export async function processInboundEmail(providerEmailId: string, database: Database = db()): Promise<Outcome | null> {
  const [row] = await database.select().from(inboundEmails).where(eq(inboundEmails.providerEmailId, providerEmailId));
  if (!row || row.status !== "review" || row.reviewedById) return null;
  const mail = await fetchReceivedEmail(providerEmailId);
  const outcome = await database.transaction(async (tx) => {
    const [locked] = await tx.select().from(inboundEmails).where(eq(inboundEmails.id, row.id)).for("update");
    if (!locked || locked.status !== "review" || locked.reviewedById) return null;
    const result = await routeMail(tx, locked.id, mail);
    await tx
      .update(inboundEmails)
      .set({ ...mailColumns(mail), status: result.status, ticketId: result.ticketId ?? null })
      .where(eq(inboundEmails.id, locked.id));
    return result;
  });
  if (outcome) log("info", "inbound email processed", { providerEmailId, ...outcome });
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// The agents' review list

export interface ReviewItem {
  id: string;
  fromAddress: string;
  fromName: string | null;
  subject: string;
  text: string;
  html: string | null;
  receivedAt: Date;
  attachmentCount: number;
  ticketNumber: number | null;
  /** The fetch job has not finished yet. */
  processing: boolean;
  suggestedOrganizationId: string | null;
}

function requireAgent(actor: Actor) {
  if (actor.role !== "agent" && actor.role !== "admin") throw new TicketError("Only agents review inbound email.", 403);
}

export async function reviewCount(): Promise<number> {
  const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(inboundEmails).where(eq(inboundEmails.status, "review"));
  return Number(row?.n ?? 0);
}

/** Mail waiting for an agent, oldest first. */
export async function listReview(actor: Actor, limit = 50): Promise<ReviewItem[]> {
  requireAgent(actor);
  const rows = await db()
    .select({
      mail: inboundEmails,
      ticketNumber: tickets.number,
      processing: sql<boolean>`exists (select 1 from ${jobs} j where j.unique_key = 'inbound-email:' || ${inboundEmails.providerEmailId} and j.status in ('queued', 'running'))`,
      suggestedOrganizationId: sql<string | null>`(select o.id from ${organizations} o where o.domain = split_part(${inboundEmails.fromAddress}, '@', 2))`,
    })
    .from(inboundEmails)
    .leftJoin(tickets, eq(tickets.id, inboundEmails.ticketId))
    .where(eq(inboundEmails.status, "review"))
    .orderBy(asc(inboundEmails.receivedAt))
    .limit(limit);
  return rows.map(({ mail, ticketNumber, processing, suggestedOrganizationId }) => ({
    id: mail.id,
    fromAddress: mail.fromAddress,
    fromName: mail.fromName,
    subject: mail.subject,
    text: mail.text,
    // Sanitized when stored; cleaned again on the way out (the allowlist may have tightened since).
    html: mail.html ? sanitizeEmailHtml(mail.html) : null,
    receivedAt: mail.receivedAt,
    attachmentCount: mail.attachmentCount,
    ticketNumber: ticketNumber ?? null,
    processing: !!processing,
    suggestedOrganizationId: suggestedOrganizationId ?? null,
  }));
}

async function lockedReviewRow(tx: Executor, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new TicketError("That email was not found.", 404);
  const [row] = await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id)).for("update");
  if (!row) throw new TicketError("That email was not found.", 404);
  if (row.status !== "review") throw new TicketError("That email was already handled.", 409);
  return row;
}

async function recordReview(tx: Executor, actor: Actor, action: string, inboundId: string, data: Record<string, unknown>) {
  await tx.insert(auditEvents).values({ at: now(), actorId: actor.id, action, targetType: "inbound_email", targetId: inboundId, data });
}

/** The stored mail as the threading code sees it, with its attachments fetched again (download links expire). */
async function mailForReview(row: typeof inboundEmails.$inferSelect): Promise<FetchedEmail> {
  let files: InboundFile[] = [];
  let refused: string[] = [];
  if (row.attachmentCount > 0) {
    try {
      const fetched = await fetchAttachments(resendClient(), row.providerEmailId);
      files = fetched.files;
      refused = fetched.refused;
    } catch (error) {
      throw new TicketError(`The attachments could not be fetched from Resend just now (${(error as Error).message}). Try again shortly.`, 409);
    }
  }
  return {
    providerEmailId: row.providerEmailId,
    from: { address: row.fromAddress, name: row.fromName },
    to: row.toAddresses,
    cc: [],
    receivedFor: [],
    subject: row.subject,
    text: row.text,
    html: row.html,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo,
    references: row.references,
    autoSubmitted: false,
    attachmentCount: row.attachmentCount,
    files,
    refused,
  };
}

async function unhandledRow(id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new TicketError("That email was not found.", 404);
  const [row] = await db().select().from(inboundEmails).where(eq(inboundEmails.id, id));
  if (!row || row.status !== "review") throw new TicketError(row ? "That email was already handled." : "That email was not found.", row ? 409 : 404);
  const [pending] = await db()
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.uniqueKey, inboundJobKey(row.providerEmailId)), inArray(jobs.status, ["queued", "running"])));
  if (pending) throw new TicketError("This email is still being fetched from Resend; try again in a moment.", 409);
  return row;
}

/** "Create ticket": the sender becomes a contact of the chosen organization and the requester. */
export async function createTicketFromReview(actor: Actor, inboundId: string, organizationId: string): Promise<{ number: number }> {
  requireAgent(actor);
  const mail = await mailForReview(await unhandledRow(inboundId));
  return db().transaction(async (tx) => {
    const row = await lockedReviewRow(tx, inboundId);
    const [org] = await tx.select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw new TicketError("Choose an organization.", 400, "organizationId");
    const from = parseAddress(row.fromAddress);
    if (!from) throw new TicketError("This email has no valid sender address; discard it or add it to a ticket.", 400);
    let requester = await userByEmail(tx, from.address);
    if (requester && (requester.role !== "customer" || requester.organizationId !== org.id)) {
      throw new TicketError(`${from.address} already has an account outside ${org.name}; add the email to one of their tickets instead.`, 400, "organizationId");
    }
    requester ??= await createContact(tx, org.id, { address: from.address, name: row.fromName });
    const ticket = await createTicketFromMail(tx, { organizationId: org.id, requester, mail, actorId: actor.id, inboundEmailId: row.id });
    await tx.update(inboundEmails).set({ status: "ticketed", ticketId: ticket.id, reviewedById: actor.id }).where(eq(inboundEmails.id, row.id));
    await recordReview(tx, actor, "inbound_email.ticket_created", row.id, { number: ticket.number, organizationId: org.id, refusedAttachments: mail.refused });
    return { number: ticket.number };
  });
}

/** "Add to ticket #N": a public message on a ticket the agent may work (a known contact of its organization is the author). */
export async function addReviewToTicket(actor: Actor, inboundId: string, number: number): Promise<{ number: number }> {
  requireAgent(actor);
  const mail = await mailForReview(await unhandledRow(inboundId));
  return db().transaction(async (tx) => {
    const row = await lockedReviewRow(tx, inboundId);
    let ticket: TicketRow;
    try {
      ticket = (await loadVisibleTicket(actor, number, tx)).ticket;
    } catch {
      throw new TicketError(`There is no ticket #${number} you can work on.`, 400, "number");
    }
    if (ticket.mergedIntoId || ticket.status === "closed") throw new TicketError(`#${number} is closed or merged; choose an open ticket.`, 400, "number");
    const sender = await userByEmail(tx, row.fromAddress);
    const author = sender && sender.role === "customer" && sender.organizationId === ticket.organizationId ? sender : null;
    const prefix = author ? "" : `From: ${row.fromName ? `${row.fromName} ` : ""}<${row.fromAddress}>\n\n`;
    await appendToTicket(tx, ticket, mail, author, actor.id, "email_added_by_agent", prefix);
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, actorId: actor.id, at: now(), type: "email_added", data: { from: row.fromAddress, subject: row.subject } });
    await tx.update(inboundEmails).set({ status: "ticketed", ticketId: ticket.id, reviewedById: actor.id }).where(eq(inboundEmails.id, row.id));
    await recordReview(tx, actor, "inbound_email.added_to_ticket", row.id, { number: ticket.number, refusedAttachments: mail.refused });
    return { number: ticket.number };
  });
}

/** "Discard": kept in the table (status discarded) with who discarded it. */
export async function discardReview(actor: Actor, inboundId: string): Promise<void> {
  requireAgent(actor);
  await db().transaction(async (tx) => {
    const row = await lockedReviewRow(tx, inboundId);
    await tx.update(inboundEmails).set({ status: "discarded", reviewedById: actor.id }).where(eq(inboundEmails.id, row.id));
    await recordReview(tx, actor, "inbound_email.discarded", row.id, { from: row.fromAddress, subject: row.subject });
  });
}

export async function organizationChoices() {
  return db().select({ id: organizations.id, name: organizations.name, domain: organizations.domain }).from(organizations).orderBy(asc(organizations.name));
}
