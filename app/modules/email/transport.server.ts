import { Resend } from "resend";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";

/** One outgoing message as the dispatcher hands it to a transport. */
export interface OutgoingEmail {
  id: number;
  from: string;
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface SendOptions {
  /** The same key for every attempt of one outbox row: the provider delivers it once. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export type SendResult =
  | { ok: true; providerMessageId: string }
  /** `retryable: false` means trying again cannot help (the provider refused the message). */
  | { ok: false; error: string; retryable: boolean };

export interface Transport {
  /** Stored in email_outbox.transport: "resend" or "dev-mailbox". */
  readonly name: string;
  /** Never throws for provider errors: they come back as `{ ok: false }`. */
  send(email: OutgoingEmail, options: SendOptions): Promise<SendResult>;
}

/** The idempotency key of an outbox row: every attempt of the row reuses it. */
export function idempotencyKeyFor(id: number): string {
  return `outbox-${id}`;
}

/** HTTP statuses for which a retry cannot succeed (the message itself was refused). */
const PERMANENT_STATUSES = new Set([400, 422]);

/**
 * Delivers through the Resend API. The SDK answers errors as values ({ data, error }), never
 * exceptions; a network failure or an aborted request comes back as an error with statusCode null.
 */
export class ResendTransport implements Transport {
  readonly name = "resend";
  private readonly client: Resend;

  constructor(apiKey: string, options: { baseUrl?: string } = {}) {
    // The SDK throws without a key; it also reads RESEND_BASE_URL itself when baseUrl is absent.
    this.client = new Resend(apiKey, options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : undefined);
  }

  async send(email: OutgoingEmail, options: SendOptions): Promise<SendResult> {
    let response: Awaited<ReturnType<Resend["emails"]["send"]>>;
    try {
      response = await this.client.emails.send(
        {
          from: email.from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          ...(Object.keys(email.headers).length > 0 ? { headers: email.headers } : {}),
        },
        { idempotencyKey: options.idempotencyKey, signal: options.signal },
      );
    } catch (error) {
      // Not expected from the SDK, but an exception must not lose the row.
      return { ok: false, error: `resend: ${(error as Error).message ?? String(error)}`, retryable: true };
    }
    if (response.error) {
      const status = response.error.statusCode;
      const aborted = options.signal?.aborted ? " (timed out)" : "";
      return {
        ok: false,
        error: `resend ${status ?? "network"} ${response.error.name}: ${response.error.message}${aborted}`,
        retryable: status === null || !PERMANENT_STATUSES.has(status),
      };
    }
    if (!response.data?.id) return { ok: false, error: "resend: answer without a message id", retryable: true };
    return { ok: true, providerMessageId: response.data.id };
  }
}

/**
 * Without RESEND_API_KEY (development, demos, tests) mail is not sent anywhere: it stays in the
 * outbox table, which the admin mailbox (/admin/mailbox) shows, and the row is marked sent.
 */
export class DevMailboxTransport implements Transport {
  readonly name = "dev-mailbox";

  async send(email: OutgoingEmail, options: SendOptions): Promise<SendResult> {
    log("info", "email kept in the dev mailbox", {
      emailId: email.id,
      to: email.to,
      subject: email.subject,
      view: `${env().APP_URL}/admin/mailbox/${email.id}`,
    });
    return { ok: true, providerMessageId: `dev-${options.idempotencyKey}` };
  }
}

let cached: { key: string; transport: Transport } | undefined;

/** Resend when RESEND_API_KEY is set (RESEND_BASE_URL points it elsewhere), else the dev mailbox. */
export function transportFromEnv(): Transport {
  const { RESEND_API_KEY, RESEND_BASE_URL } = env();
  const key = RESEND_API_KEY ? `resend|${RESEND_API_KEY}|${RESEND_BASE_URL ?? ""}` : "dev-mailbox";
  if (cached?.key !== key) {
    cached = {
      key,
      transport: RESEND_API_KEY ? new ResendTransport(RESEND_API_KEY, { baseUrl: RESEND_BASE_URL }) : new DevMailboxTransport(),
    };
  }
  return cached.transport;
}
