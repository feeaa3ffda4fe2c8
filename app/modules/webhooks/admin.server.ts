// /admin/webhooks: endpoints (create, edit, rotate secret, delete), the delivery log, send test
// and redeliver. Every change is audited in its own transaction.
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { webhookDeliveries, webhooks } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { fieldErrorsOf, formFailure } from "~/lib/forms";
import { echoForm } from "./form";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import type { Actor } from "../auth/permissions";
import { deliverNow, type DeliveryOutcome } from "./deliver.server";
import { buildEvent } from "./emit.server";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, WEBHOOK_SECRET_GRACE_MS } from "./events";
import { checkWebhookTarget } from "./safe-fetch.server";
import { generateWebhookSecret } from "./signing";

export class WebhookAdminError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

/** The endpoint form (create and edit). The URL's reachability is checked by saveWebhook. */
export const webhookFormSchema = z.object({
  url: z.string().trim().min(1, "Enter the endpoint URL.").max(2000, "Keep the URL under 2000 characters."),
  description: z.string().trim().max(200, "Keep the description under 200 characters.").default(""),
  events: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(WEBHOOK_EVENT_TYPES, "Choose events from the list.")).min(1, "Choose at least one event."),
  ),
  format: z.enum(WEBHOOK_FORMATS, "Choose a format."),
  enabled: checkbox,
});
export type WebhookInput = z.infer<typeof webhookFormSchema>;

type Ctx = { actor: Actor; ip?: string | null };

function isUuid(id: string) {
  return z.uuid().safeParse(id).success;
}

/** Endpoints with their last delivery, newest endpoint first. */
export async function listWebhooks() {
  const hooks = await db().select().from(webhooks).orderBy(desc(webhooks.createdAt));
  if (hooks.length === 0) return [];
  const last = await db()
    .selectDistinctOn([webhookDeliveries.webhookId], {
      webhookId: webhookDeliveries.webhookId,
      status: webhookDeliveries.status,
      eventType: webhookDeliveries.eventType,
      responseStatus: webhookDeliveries.lastResponseStatus,
      at: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.webhookId, hooks.map((h) => h.id)))
    .orderBy(webhookDeliveries.webhookId, desc(webhookDeliveries.seq));
  const byHook = new Map(last.map((l) => [l.webhookId, l]));
  return hooks.map((h) => ({ ...publicWebhook(h), lastDelivery: byHook.get(h.id) ?? null }));
}

/** An endpoint without its secrets (the UI shows a secret once, from the action that made it). */
function publicWebhook(h: typeof webhooks.$inferSelect) {
  return {
    id: h.id,
    url: h.url,
    description: h.description,
    events: h.events,
    format: h.format,
    enabled: h.enabled,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    secretHint: `${h.secret.slice(0, 10)}…`,
    rotationEndsAt: h.previousSecret && h.previousSecretExpiresAt && h.previousSecretExpiresAt > now() ? h.previousSecretExpiresAt : null,
  };
}

export async function getWebhook(id: string) {
  if (!isUuid(id)) return null;
  const [h] = await db().select().from(webhooks).where(eq(webhooks.id, id));
  return h ? publicWebhook(h) : null;
}

async function assertTarget(url: string) {
  const problem = await checkWebhookTarget(url);
  if (problem) throw new WebhookAdminError(problem, 400, "url");
}

/** Creates an endpoint; returns it with its secret (shown once). */
export async function createWebhook(ctx: Ctx, input: WebhookInput): Promise<{ id: string; secret: string }> {
  await assertTarget(input.url);
  const secret = generateWebhookSecret();
  return db().transaction(async (tx) => {
    const at = now();
    const [row] = await tx
      .insert(webhooks)
      .values({ ...input, secret, createdById: ctx.actor.id, createdAt: at, updatedAt: at })
      .returning({ id: webhooks.id });
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.created", targetType: "webhook", targetId: row!.id, ip: ctx.ip, data: { url: input.url, events: input.events, format: input.format, enabled: input.enabled } });
    return { id: row!.id, secret };
  });
}

export async function updateWebhook(ctx: Ctx, id: string, input: WebhookInput): Promise<void> {
  const existing = await getWebhook(id);
  if (!existing) throw new WebhookAdminError("There is no such webhook.", 404);
  if (input.url !== existing.url) await assertTarget(input.url);
  await db().transaction(async (tx) => {
    await tx.update(webhooks).set({ ...input, updatedAt: now() }).where(eq(webhooks.id, id));
    const changed = (Object.keys(input) as (keyof WebhookInput)[]).filter((k) => JSON.stringify(input[k]) !== JSON.stringify(existing[k]));
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.updated", targetType: "webhook", targetId: id, ip: ctx.ip, data: { changed, url: input.url } });
  });
}

/** A new secret; the previous one keeps signing for WEBHOOK_SECRET_GRACE_MS. Returns the new secret. */
export async function rotateWebhookSecret(ctx: Ctx, id: string): Promise<{ secret: string; previousValidUntil: Date }> {
  const secret = generateWebhookSecret();
  return db().transaction(async (tx) => {
    const [h] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for("update");
    if (!h) throw new WebhookAdminError("There is no such webhook.", 404);
    const at = now();
    const previousValidUntil = new Date(at.getTime() + WEBHOOK_SECRET_GRACE_MS);
    await tx.update(webhooks).set({ secret, previousSecret: h.secret, previousSecretExpiresAt: previousValidUntil, updatedAt: at }).where(eq(webhooks.id, id));
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.secret_rotated", targetType: "webhook", targetId: id, ip: ctx.ip, data: { previousValidUntil: previousValidUntil.toISOString() } });
    return { secret, previousValidUntil };
  });
}

export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  if (!isUuid(id)) throw new WebhookAdminError("There is no such webhook.", 404);
  await db().transaction(async (tx) => {
    const [h] = await tx.delete(webhooks).where(eq(webhooks.id, id)).returning({ url: webhooks.url });
    if (!h) throw new WebhookAdminError("There is no such webhook.", 404);
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.deleted", targetType: "webhook", targetId: id, ip: ctx.ip, data: { url: h.url } });
  });
}

/** Queues a `ping` for one endpoint and sends it at once through the normal delivery path. */
export async function sendTestPing(ctx: Ctx, id: string): Promise<DeliveryOutcome> {
  const deliveryId = await db().transaction(async (tx) => {
    const [h] = await tx.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.id, id));
    if (!h) throw new WebhookAdminError("There is no such webhook.", 404);
    const event = buildEvent("ping", { webhookId: id, message: "Test event from the Support Portal." });
    const at = now();
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ webhookId: id, eventId: event.id, eventType: "ping", payload: event as unknown as Record<string, unknown>, nextAttemptAt: at, createdAt: at, updatedAt: at })
      .returning({ id: webhookDeliveries.id });
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.tested", targetType: "webhook", targetId: id, ip: ctx.ip, data: { deliveryId: row!.id } });
    return row!.id;
  });
  const outcome = await deliverNow(db(), deliveryId);
  if (!outcome) throw new WebhookAdminError("The test is being sent by the background runner; refresh the log in a moment.", 409);
  return outcome;
}

/** Puts a failed delivery back in the queue (with a fresh set of attempts) and sends it now. */
export async function redeliver(ctx: Ctx, webhookId: string, deliveryId: string): Promise<DeliveryOutcome> {
  if (!isUuid(deliveryId)) throw new WebhookAdminError("There is no such delivery.", 404);
  await db().transaction(async (tx) => {
    const at = now();
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: at, lockedUntil: null, updatedAt: at })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "failed")))
      .returning({ id: webhookDeliveries.id });
    if (!row) throw new WebhookAdminError("Only a failed delivery of this endpoint can be redelivered.", 409);
    await audit(tx, { actorId: ctx.actor.id, action: "webhook.redelivered", targetType: "webhook", targetId: webhookId, ip: ctx.ip, data: { deliveryId } });
  });
  const outcome = await deliverNow(db(), deliveryId);
  if (!outcome) throw new WebhookAdminError("The delivery is being sent by the background runner; refresh the log in a moment.", 409);
  return outcome;
}

export const DELIVERY_PAGE_SIZE = 25;

/** One page of an endpoint's delivery log, newest first (keyset on seq). */
export async function deliveryLog(webhookId: string, before?: number) {
  const rows = await db()
    .select({
      id: webhookDeliveries.id,
      seq: webhookDeliveries.seq,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      lastResponseStatus: webhookDeliveries.lastResponseStatus,
      lastResponseBody: webhookDeliveries.lastResponseBody,
      lastError: webhookDeliveries.lastError,
      durationMs: webhookDeliveries.durationMs,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), ...(before ? [lt(webhookDeliveries.seq, before)] : [])))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(DELIVERY_PAGE_SIZE + 1);
  const more = rows.length > DELIVERY_PAGE_SIZE;
  const page = rows.slice(0, DELIVERY_PAGE_SIZE);
  return { rows: page, nextBefore: more ? page[page.length - 1]!.seq : null };
}

/** Counts by status for one endpoint (header of the log). */
export async function deliveryCounts(webhookId: string) {
  const rows = await db()
    .select({ status: webhookDeliveries.status, n: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .groupBy(webhookDeliveries.status);
  const counts = { pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** parseForm for the endpoint forms: on failure the checked events survive (see echoForm). */
export function parseWebhookForm<S extends z.ZodType>(form: FormData, schema: S) {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    raw[key] = key === "events" ? all : all.length > 1 && new Set(all).size > 1 ? all : all[0];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { success: true as const, data: result.data as z.infer<S> };
  return { success: false as const, response: formFailure(echoForm(form), fieldErrorsOf(result.error)) };
}
