import { createHmac, randomUUID } from "node:crypto";

/**
 * Signs a webhook exactly as Svix (and so Resend) does: HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the base64-decoded secret that follows the `whsec_` prefix,
 * sent as `svix-signature: v1,<base64 signature>` beside svix-id and svix-timestamp.
 */
export function svixHeaders(secret: string, body: string, options: { id?: string; timestamp?: number } = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID().replace(/-/g, "")}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,${signature}` };
}

/** A fresh secret in Resend's format. */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(randomUUID() + randomUUID()).toString("base64")}`;
}
