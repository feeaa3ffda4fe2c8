/**
 * Email threading vocabulary (pure, no I/O): reply addresses, Message-IDs, header parsing and
 * the removal of the quoted part of a reply.
 *
 * Outgoing ticket mail carries
 * - Reply-To `reply+<ticket.replyToken>@<INBOUND_EMAIL_DOMAIN>`: the token is 160 random bits,
 *   so a reply to it threads into that ticket and nobody can guess another ticket's address;
 * - Message-ID `<ticket-<number>-<nonce><mac>@<domain>>` where mac = HMAC-SHA256(replyToken,
 *   "<number>.<nonce>") truncated: an In-Reply-To/References naming such an id can be checked
 *   against the ticket without storing every id sent, and cannot be forged for another ticket.
 *   The first mail of a ticket uses the nonce "root", so later mail can reference it.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface ParsedAddress {
  address: string;
  name: string | null;
}

/** `"Ada Lovelace" <Ada@Example.com>` → { address: "ada@example.com", name: "Ada Lovelace" }. */
export function parseAddress(value: string): ParsedAddress | null {
  const trimmed = value.trim();
  const angle = trimmed.match(/^(.*?)<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$/);
  const address = (angle ? angle[2]! : trimmed).trim().toLowerCase();
  if (address.length > 254 || !/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(address)) return null;
  let name = angle ? angle[1]!.trim().replace(/^"(.*)"$/, "$1").trim() : "";
  name = name.replace(/[\r\n\0]/g, " ").slice(0, 120);
  return { address, name: name || null };
}

/** The domain of an address ("ada@Example.com" → "example.com"). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

export function replyAddress(token: string, domain: string): string {
  return `reply+${token}@${domain}`;
}

const TOKEN_SHAPE = /^[a-z2-7]{16,64}$/;

/** The reply token in the first `reply+TOKEN@<domain>` among these addresses, if any. */
export function replyTokenFrom(addresses: string[], domain: string): string | null {
  for (const raw of addresses) {
    const parsed = parseAddress(raw);
    if (!parsed) continue;
    const at = parsed.address.lastIndexOf("@");
    const local = parsed.address.slice(0, at);
    if (parsed.address.slice(at + 1) !== domain.toLowerCase()) continue;
    const match = local.match(/^reply\+(.+)$/);
    if (match && TOKEN_SHAPE.test(match[1]!)) return match[1]!;
  }
  return null;
}

/** The `<id>`s in a Message-ID / In-Reply-To / References header value, in order, deduplicated. */
export function parseMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]{1,250}>/g) ?? [];
  return [...new Set(ids)].slice(0, 50);
}

/** A header by case-insensitive name from a provider's header map (value or first value). */
export function headerValue(headers: Record<string, unknown> | null | undefined, name: string): string | null {
  if (!headers) return null;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    if (typeof value === "string") return value;
    if (Array.isArray(value) && typeof value[0] === "string") return value.join(" ");
  }
  return null;
}

function mac(token: string, number: number, nonce: string): string {
  return createHmac("sha256", token).update(`${number}.${nonce}`).digest("hex").slice(0, 20);
}

/** A new Message-ID for a mail about ticket `number` (the root id for the ticket's first mail). */
export function ticketMessageId(ticket: { number: number; replyToken: string }, domain: string, options: { root?: boolean } = {}): string {
  const nonce = options.root ? "root" : randomBytes(8).toString("hex");
  return `<ticket-${ticket.number}-${nonce}${mac(ticket.replyToken, ticket.number, nonce)}@${domain}>`;
}

/** The thread root every mail of the ticket references. */
export function ticketRootMessageId(ticket: { number: number; replyToken: string }, domain: string): string {
  return ticketMessageId(ticket, domain, { root: true });
}

/** Ticket numbers named by Message-IDs of ours among `ids` (the MAC is checked separately). */
export function ticketIdsIn(ids: string[], domain: string): { id: string; number: number; nonce: string; mac: string }[] {
  const out: { id: string; number: number; nonce: string; mac: string }[] = [];
  const suffix = `@${domain.toLowerCase()}>`;
  for (const id of ids) {
    if (!id.toLowerCase().endsWith(suffix)) continue;
    const m = id.slice(1, id.length - suffix.length).match(/^ticket-(\d{1,9})-(root|[0-9a-f]{16})([0-9a-f]{20})$/);
    if (m) out.push({ id, number: Number(m[1]), nonce: m[2]!, mac: m[3]! });
  }
  return out;
}

/** Whether a parsed Message-ID of ours was really made for this ticket (constant-time MAC check). */
export function verifyTicketMessageId(parsed: { number: number; nonce: string; mac: string }, ticket: { number: number; replyToken: string | null }): boolean {
  if (!ticket.replyToken || parsed.number !== ticket.number) return false;
  const expected = Buffer.from(mac(ticket.replyToken, ticket.number, parsed.nonce));
  const given = Buffer.from(parsed.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The headers that thread a ticket mail: its own Message-ID, and In-Reply-To/References
 * pointing at the thread root and the ticket's latest inbound messages (oldest first).
 */
export function threadHeaders(
  ticket: { number: number; replyToken: string },
  domain: string,
  earlier: string[],
  options: { root?: boolean } = {},
): Record<string, string> {
  const root = ticketRootMessageId(ticket, domain);
  const own = options.root ? root : ticketMessageId(ticket, domain);
  const refs = [...new Set([...(options.root ? [] : [root]), ...earlier.filter((id) => id !== own)])].slice(-20);
  const headers: Record<string, string> = { "Message-ID": own };
  if (refs.length) {
    headers["In-Reply-To"] = refs[refs.length - 1]!;
    headers.References = refs.join(" ");
  }
  return headers;
}

const SEPARATORS: RegExp[] = [
  /^[\s>\-–—#*_=]*Reply above this line/i,
  /^\s*-{2,}\s*Original Message\s*-{2,}/i,
  /^\s*_{5,}\s*$/, // Outlook's separator line
];

/** Where the quoted part of a reply starts (a line index), or -1. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? "";
    if (/^\s*On\s.+wrote:\s*$/i.test(line)) return i;
    if (/^\s*On\s.+/i.test(line) && /wrote:\s*$/i.test(next) && !/^\s*>/.test(next)) return i;
    if (SEPARATORS.some((re) => re.test(line))) return i;
    // Outlook's quoted header block: "From: …" followed by "Sent: …" or "Date: …".
    if (/^\s*From:\s.+$/i.test(line) && /^\s*(Sent|Date):\s/i.test(next)) return i;
  }
  return -1;
}

/**
 * The new part of a plain-text reply: everything above "Reply above this line", an
 * "On <date>, <someone> wrote:" line (which mail clients may wrap over two lines), an
 * "-----Original Message-----" block or a trailing run of ">"-quoted lines.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const start = quoteStart(lines);
  const cut = start === -1 ? lines.length : start;
  let kept = lines.slice(0, cut);
  // A trailing block of "> quoted" lines (and blank lines among them) is the quote.
  let end = kept.length;
  while (end > 0 && (/^\s*>/.test(kept[end - 1]!) || kept[end - 1]!.trim() === "")) end--;
  if (end < kept.length && kept.slice(end).some((l) => /^\s*>/.test(l))) kept = kept.slice(0, end);
  const result = kept.join("\n").trim();
  // Never return an empty message when the whole mail looked like a quote.
  return result || text.trim();
}

/** A plain-text rendering of (already sanitized) HTML, for mail that has no text part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6]|\/blockquote)\b[^>]*>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "- ")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Mail written by a machine (auto-replies, bounces, lists): it may still be threaded, but the
 * portal never answers it, so two auto-responders cannot mail each other forever.
 */
export function isAutoSubmitted(headers: Record<string, unknown> | null | undefined): boolean {
  const auto = headerValue(headers, "auto-submitted");
  if (auto && auto.trim().toLowerCase() !== "no") return true;
  const precedence = headerValue(headers, "precedence")?.trim().toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence)) return true;
  return !!(headerValue(headers, "x-autoreply") || headerValue(headers, "x-autorespond") || headerValue(headers, "list-id"));
}

/**
 * Attachment downloads are fetched only from Resend: the host of the configured API base URL,
 * or, for Resend's own API, its inbound CDN (where Resend's signed download URLs point). HTTPS
 * is required unless the base URL itself is plain http (the local fake in tests).
 */
export function isAllowedDownloadUrl(url: string, baseUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (target.username || target.password) return false;
  if (target.protocol !== "https:" && !(target.protocol === "http:" && base.protocol === "http:")) return false;
  const hosts = new Set([base.host.toLowerCase()]);
  if (base.hostname.toLowerCase() === "api.resend.com") hosts.add("inbound-cdn.resend.com");
  return hosts.has(target.host.toLowerCase());
}
