/** Pure request-security checks used by the HTTP layer (unit-tested on their own). */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths that receive signed machine-to-machine posts (no browser Origin) or bearer-token API calls. */
export function isMachineEndpoint(path: string, headers: Headers): boolean {
  if (path.startsWith("/webhooks/")) return true;
  if (path.startsWith("/api/") && /^Bearer\s/i.test(headers.get("authorization") ?? "")) return true;
  return false;
}

/**
 * CSRF defence: a state-changing request is refused unless it comes from this site. The
 * Origin header (or, without it, Sec-Fetch-Site) must name this site: the configured APP_URL
 * or the origin the request itself was sent to.
 */
export function isCrossSiteRequest(input: {
  method: string;
  path: string;
  headers: Headers;
  appOrigin: string;
  requestOrigin: string;
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (isMachineEndpoint(input.path, input.headers)) return false;
  const origin = input.headers.get("origin");
  if (origin && origin !== "null") return origin !== input.appOrigin && origin !== input.requestOrigin;
  if (origin === "null") return true;
  const site = input.headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  // Neither header: not a browser (curl, scripts). Browsers send Origin on every POST.
  return false;
}

/**
 * Express's "trust proxy" for TRUST_PROXY: one hop (your own reverse proxy) or none. With one
 * hop req.ip is the address the proxy connected from or appended, never a client-sent entry.
 */
export function trustProxySetting(trustProxy: boolean): number | false {
  return trustProxy ? 1 : false;
}

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const directives = [
    "default-src 'self'",
    dev ? `script-src 'self' 'nonce-${nonce}' 'unsafe-inline'` : `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}
