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
  const [row] = await enqueueEmails(tx, [input as AnyEnqueueInput]);
  return row!;
}

export type AnyEnqueueInput = { [K in TemplateName]: EnqueueInput<K> }[TemplateName];

const EMAIL_ROWS_PER_STATEMENT = 500;

/**
 * Writes several outbox rows with multi-row inserts (the SLA sweep's escalations: one statement
 * per 500 mails instead of one each). Same checks and transaction rule as enqueueEmail.
 */
export async function enqueueEmails(tx: Executor, inputs: AnyEnqueueInput[]): Promise<{ id: number }[]> {
  if (inputs.length === 0) return [];
  const from = env().EMAIL_FROM;
  assertHeaderSafe("sender", from);
  const at = now();
  const values = inputs.map((input) => {
    const rendered = renderTemplate(input.template, input.data as never);
    assertHeaderSafe("recipient", input.to);
    assertHeaderSafe("subject", rendered.subject);
    if (input.replyTo) assertHeaderSafe("reply-to", input.replyTo);
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      assertHeaderSafe(`header ${name}`, name);
      assertHeaderSafe(`header ${name}`, value);
    }
    return {
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
    };
  });
  const ids: { id: number }[] = [];
  for (let i = 0; i < values.length; i += EMAIL_ROWS_PER_STATEMENT) {
    ids.push(...(await tx.insert(emailOutbox).values(values.slice(i, i + EMAIL_ROWS_PER_STATEMENT)).returning({ id: emailOutbox.id })));
  }
  outboxListeners.forEach((listener) => listener());
  return ids;
}

/** The in-process job runner subscribes here to dispatch new mail without waiting for its poll. */
const outboxListeners = new Set<() => void>();
export function onEmailEnqueued(listener: () => void): () => void {
  outboxListeners.add(listener);
  return () => outboxListeners.delete(listener);
}
