import { emailOutbox } from "../../../db/schema";
import type { Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { renderTemplate, type TemplateData, type TemplateName } from "./templates";

export class EmailHeaderError extends Error {}

const headerUnsafe = /[\r\n\0]/;

/** Refuses CR, LF and NUL in any header field (header injection). */
export function assertHeaderSafe(field: string, value: string): void {
  if (headerUnsafe.test(value)) throw new EmailHeaderError(`Email ${field} must not contain line breaks`);
}

export interface EnqueueInput<K extends TemplateName> {
  to: string;
  toUserId?: string | null;
  template: K;
  data: TemplateData[K];
  replyTo?: string;
  headers?: Record<string, string>;
}

/**
 * Writes an outbox row. Call it inside the transaction of the change that causes the mail:
 * if that change rolls back, no mail is sent; if it commits, the dispatcher delivers it.
 */
export async function enqueueEmail<K extends TemplateName>(tx: Executor, input: EnqueueInput<K>): Promise<{ id: number }> {
  const rendered = renderTemplate(input.template, input.data);
  const from = env().EMAIL_FROM;
  assertHeaderSafe("recipient", input.to);
  assertHeaderSafe("subject", rendered.subject);
  assertHeaderSafe("sender", from);
  if (input.replyTo) assertHeaderSafe("reply-to", input.replyTo);
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    assertHeaderSafe(`header ${name}`, name);
    assertHeaderSafe(`header ${name}`, value);
  }
  const at = now();
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      toAddress: input.to,
      toUserId: input.toUserId ?? null,
      fromAddress: from,
      replyTo: input.replyTo ?? null,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: input.headers ?? {},
      template: input.template,
      createdAt: at,
      nextAttemptAt: at,
    })
    .returning({ id: emailOutbox.id });
  outboxListeners.forEach((listener) => listener());
  return { id: row!.id };
}

/** The in-process job runner subscribes here to dispatch new mail without waiting for its poll. */
const outboxListeners = new Set<() => void>();
export function onEmailEnqueued(listener: () => void): () => void {
  outboxListeners.add(listener);
  return () => outboxListeners.delete(listener);
}
