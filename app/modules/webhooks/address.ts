// Which network addresses a webhook may reach (SSRF protection), and which URLs may be saved.
// Pure: no DNS here (safe-fetch.server.ts resolves names and checks every address with this).
import ipaddr from "ipaddr.js";

/** Named because they are the usual SSRF prize; also covered by the ranges below. */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"]);

const reasons: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT (shared) address",
  private: "a private network address",
  reserved: "a reserved address",
  uniqueLocal: "a unique-local (private) IPv6 address",
  ipv4Mapped: "an IPv4-mapped IPv6 address",
  rfc6145: "an IPv4-translated IPv6 address",
  rfc6052: "a NAT64 IPv6 address",
  "6to4": "a 6to4 IPv6 address",
  teredo: "a Teredo IPv6 address",
};

/**
 * Why `address` (an IP literal, any form ipaddr.js parses: dotted, decimal, hex, IPv6, IPv4-mapped)
 * must not be reached, or null when it is a public unicast address. Anything else is refused:
 * only the `unicast` range of either family is allowed.
 */
export function addressRefusal(address: string): string | null {
  const literal = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(literal);
  } catch {
    return "not an IP address";
  }
  if (parsed.kind() === "ipv6") {
    const v6 = parsed as ipaddr.IPv6;
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judge the IPv4 inside.
    if (v6.isIPv4MappedAddress()) {
      const inner = addressRefusal(v6.toIPv4Address().toString());
      return inner ? `${inner} (IPv4-mapped)` : null;
    }
  }
  const normalized = parsed.toNormalizedString();
  const text = parsed.toString();
  if (METADATA_ADDRESSES.has(text) || METADATA_ADDRESSES.has(normalized)) return "a cloud metadata address";
  const range = parsed.range();
  if (range === "unicast" && parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
    return "an IPv4-compatible IPv6 address";
  }
  if (range === "unicast") return null;
  return reasons[range] ?? `a special-purpose address (${range})`;
}

/** True when the address may not be reached (convenience for callers that need no reason). */
export function isRefusedAddress(address: string): boolean {
  return addressRefusal(address) !== null;
}

/** An IP literal host of a parsed URL ("[::1]" → "::1"), or null for a name. */
export function ipLiteralOf(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(bare) ? bare : null;
}

/**
 * Checks a URL an admin wants to save, before any DNS: http(s) only, a host, no credentials,
 * and (unless private targets are allowed) no private or special IP literal. The URL parser has
 * already turned decimal and hex forms (http://2130706433/, http://0x7f.1/) into dotted ones.
 */
export function webhookUrlIssue(value: string, options: { allowPrivate?: boolean } = {}): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL such as https://example.com/hooks/portal.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The URL must start with https:// or http://.";
  if (!url.hostname) return "The URL needs a host name.";
  if (url.username || url.password) return "Leave credentials out of the URL (use the signing secret to authenticate).";
  if (value.length > 2000) return "Keep the URL under 2000 characters.";
  const literal = ipLiteralOf(url.hostname);
  if (literal && !options.allowPrivate) {
    const refusal = addressRefusal(literal);
    if (refusal) return `Refused: ${url.hostname} is ${refusal}. Webhooks may only reach public addresses.`;
  }
  if (!literal && !options.allowPrivate && /(^|\.)localhost\.?$/i.test(url.hostname)) {
    return `Refused: ${url.hostname} is a loopback name. Webhooks may only reach public addresses.`;
  }
  return null;
}
