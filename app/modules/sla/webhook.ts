// Pure checks for escalation webhooks (Slack-compatible incoming webhooks: POST {"text": …}).
// Addresses are judged by the outgoing-webhook classifier (app/modules/webhooks/address.ts);
// sending goes through app/modules/webhooks/safe-fetch.server.ts.
import { isRefusedAddress } from "../webhooks/address";

/** True for loopback, private, link-local, CGNAT, unspecified, multicast, metadata and reserved addresses (IPv4-mapped included). */
export function isPrivateAddress(address: string): boolean {
  return isRefusedAddress(address);
}

/** A webhook URL an admin may save: http(s), a host, no credentials. Returns a message or null. */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL such as https://hooks.slack.com/services/…";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The webhook URL must start with https:// or http://.";
  if (url.username || url.password) return "Leave credentials out of the webhook URL.";
  return null;
}

/** The Slack-compatible body of an escalation message. */
export function webhookBody(text: string): string {
  return JSON.stringify({ text });
}
