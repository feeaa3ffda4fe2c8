// The one way the portal POSTs to a URL an admin typed (outgoing webhooks, SLA escalation
// webhooks). SSRF-safe:
// - http(s) only, no credentials in the URL;
// - the host is resolved and EVERY address checked (addressRefusal) at save time, and again at
//   send time inside the socket's own `lookup`, so the connection goes to an address that was
//   checked (a DNS answer that changes between the check and the connect cannot switch it);
// - IP-literal hosts are checked before connecting (Node skips `lookup` for them);
// - redirects are never followed (a 3xx is a failed attempt); 10 s timeout; response read capped.
// ALLOW_PRIVATE_WEBHOOK_TARGETS=true (or the older ALLOW_PRIVATE_WEBHOOKS) lifts the address checks
// for development and tests; the scheme and credential checks stay.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup as dnsLookupAsync } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { env } from "~/lib/env.server";
import { addressRefusal, ipLiteralOf, webhookUrlIssue } from "./address";
import { WEBHOOK_MAX_RESPONSE_BYTES, WEBHOOK_RESPONSE_EXCERPT_CHARS, WEBHOOK_TIMEOUT_MS } from "./events";

/** The target may not be reached at all (not retried: it would be refused again). */
export class TargetRefused extends Error {
  override name = "TargetRefused";
}

export function privateTargetsAllowed(): boolean {
  const e = env();
  return e.ALLOW_PRIVATE_WEBHOOK_TARGETS || e.ALLOW_PRIVATE_WEBHOOKS;
}

/**
 * Save-time check: the URL's form, then its host's addresses (all of them must be public).
 * Returns a message for the form, or null.
 */
export async function checkWebhookTarget(value: string): Promise<string | null> {
  const allowPrivate = privateTargetsAllowed();
  const issue = webhookUrlIssue(value, { allowPrivate });
  if (issue) return issue;
  if (allowPrivate) return null;
  const host = new URL(value).hostname;
  if (ipLiteralOf(host)) return null; // already checked by webhookUrlIssue
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookupAsync(host, { all: true, verbatim: true });
  } catch {
    return `The host ${host} could not be resolved. Check the URL.`;
  }
  if (addresses.length === 0) return `The host ${host} could not be resolved. Check the URL.`;
  for (const a of addresses) {
    const refusal = addressRefusal(a.address);
    if (refusal) return `Refused: ${host} resolves to ${a.address}, ${refusal}. Webhooks may only reach public addresses.`;
  }
  return null;
}

/** A `lookup` for http(s).request that refuses the connection when any resolved address is refused. */
export function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true, family: options.family }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as LookupAddress[];
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      if (!allowPrivate) {
        for (const a of list) {
          const refusal = addressRefusal(a.address);
          if (refusal) return callback(new TargetRefused(`Refused: ${hostname} resolves to ${a.address}, ${refusal}.`), "", 0);
        }
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface SafePostResult {
  status: number;
  /** The first characters of the response body (read up to WEBHOOK_MAX_RESPONSE_BYTES). */
  bodyExcerpt: string;
  durationMs: number;
  /** Where a 3xx wanted to send us (not followed). */
  location: string | null;
}

/**
 * POSTs `body` to `url` through the checks above. Resolves with the response (any status);
 * rejects with TargetRefused (never retry) or a network/timeout Error (retry).
 */
export function safePost(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; allowPrivate?: boolean } = {},
): Promise<SafePostResult> {
  const allowPrivate = options.allowPrivate ?? privateTargetsAllowed();
  const issue = webhookUrlIssue(url, { allowPrivate });
  if (issue) return Promise.reject(new TargetRefused(issue));
  const target = new URL(url);
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const client = target.protocol === "https:" ? https : http;
  const t0 = performance.now();
  return new Promise<SafePostResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "SupportPortal-Webhooks/1", ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: checkedLookup(allowPrivate),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              bodyExcerpt: Buffer.concat(chunks).toString("utf8").slice(0, WEBHOOK_RESPONSE_EXCERPT_CHARS),
              durationMs: Math.round(performance.now() - t0),
              location: typeof res.headers.location === "string" ? res.headers.location.slice(0, 500) : null,
            }),
          );
        res.on("data", (chunk: Buffer) => {
          if (size >= WEBHOOK_MAX_RESPONSE_BYTES) return;
          chunks.push(chunk.subarray(0, WEBHOOK_MAX_RESPONSE_BYTES - size));
          size += chunk.length;
          if (size >= WEBHOOK_MAX_RESPONSE_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", (e) => finish(() => reject(e)));
        res.on("close", done);
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`No answer within ${Math.round(timeoutMs / 1000)} s`)));
      req.destroy();
    }, timeoutMs);
    timer.unref?.();
    req.on("error", (e) => finish(() => reject(e instanceof TargetRefused ? e : new Error(networkMessage(e)))));
    // IP-literal hosts never reach `lookup`: check them here (webhookUrlIssue did, unless allowed).
    req.end(body);
  });
}

function networkMessage(e: Error & { code?: string }): string {
  if (e.code === "ECONNREFUSED") return "Connection refused";
  if (e.code === "ENOTFOUND") return "The host could not be resolved";
  if (e.code === "ECONNRESET") return "The connection was reset";
  return e.message || String(e);
}
