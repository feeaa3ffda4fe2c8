import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)).
 * Pure (node:crypto only) so the tests and the fake sign exactly the way the server checks.
 */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody);
  return `v0=${hmac.digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Checks the headers against the raw body bytes; `nowSeconds` is the server's clock. */
export function verifySlackSignature(input: {
  secret: string;
  timestamp: string | null;
  signature: string | null;
  rawBody: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: "missing X-Slack-Request-Timestamp or X-Slack-Signature" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return { ok: false, reason: "timestamp older than 5 minutes" };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: "malformed signature" };
  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "signature mismatch" };
  return { ok: true };
}
