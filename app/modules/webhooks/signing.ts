// Webhook signatures: X-Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
// with one v1 per active secret (two during a rotation's grace period). Pure (node:crypto only).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Portal-Signature";

/** A new endpoint secret: `whsec_` + 32 random bytes, base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signatureV1(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The header value for a body sent at `timestamp` (unix seconds), one v1 per secret. */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureV1(s, timestamp, body)}`)].join(",");
}

/**
 * What a receiver does: parse the header, refuse a timestamp older (or newer) than
 * `toleranceSeconds`, and accept when any v1 matches the HMAC with its secret (constant time).
 */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d+$/.test(value)) t = Number(value);
    if (key === "v1" && value && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  if (t === null || v1.length === 0) return false;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSeconds - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureV1(secret, t, body), "hex");
  return v1.some((candidate) => timingSafeEqual(Buffer.from(candidate, "hex"), expected));
}
