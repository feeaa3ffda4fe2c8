import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isCrossSiteRequest, isMachineEndpoint } from "~/server/security";

const appOrigin = "https://portal.example.com";
const requestOrigin = "http://127.0.0.1:3000";

function check(method: string, headers: Record<string, string>, path = "/login") {
  return isCrossSiteRequest({ method, path, headers: new Headers(headers), appOrigin, requestOrigin });
}

describe("isCrossSiteRequest", () => {
  it.each(["GET", "HEAD", "OPTIONS", "get"])("never refuses a safe %s", (method) => {
    expect(check(method, { origin: "https://evil.test", "sec-fetch-site": "cross-site" })).toBe(false);
  });

  it("accepts a POST from the configured origin or the origin it was sent to", () => {
    expect(check("POST", { origin: appOrigin })).toBe(false);
    expect(check("POST", { origin: requestOrigin })).toBe(false);
  });

  it.each(["PUT", "PATCH", "DELETE", "POST"])("refuses a %s from another origin", (method) => {
    expect(check(method, { origin: "https://evil.test" })).toBe(true);
  });

  it("refuses look-alike origins", () => {
    expect(check("POST", { origin: "https://portal.example.com.evil.test" })).toBe(true);
    expect(check("POST", { origin: "http://portal.example.com" })).toBe(true);
    expect(check("POST", { origin: "https://portal.example.com:8443" })).toBe(true);
  });

  it('refuses Origin "null" (sandboxed frames, data: URLs, some redirects)', () => {
    expect(check("POST", { origin: "null" })).toBe(true);
    expect(check("POST", { origin: "null", "sec-fetch-site": "same-origin" })).toBe(true);
  });

  it("lets Origin decide over Sec-Fetch-Site when both are present", () => {
    expect(check("POST", { origin: appOrigin, "sec-fetch-site": "cross-site" })).toBe(false);
    expect(check("POST", { origin: "https://evil.test", "sec-fetch-site": "same-origin" })).toBe(true);
  });

  it("falls back to Sec-Fetch-Site without Origin", () => {
    expect(check("POST", { "sec-fetch-site": "same-origin" })).toBe(false);
    expect(check("POST", { "sec-fetch-site": "none" })).toBe(false);
    expect(check("POST", { "sec-fetch-site": "same-site" })).toBe(true);
    expect(check("POST", { "sec-fetch-site": "cross-site" })).toBe(true);
  });

  it("lets non-browser clients without either header through", () => {
    expect(check("POST", {})).toBe(false);
  });

  it("does not apply to machine endpoints (signed webhooks, bearer API calls)", () => {
    expect(check("POST", { origin: "https://evil.test" }, "/webhooks/resend")).toBe(false);
    expect(check("POST", { origin: "https://evil.test", authorization: "Bearer abc" }, "/api/v1/tickets")).toBe(false);
  });

  it("still protects /api/ requests that carry no bearer token (cookie sessions)", () => {
    expect(check("POST", { origin: "https://evil.test" }, "/api/v1/tickets")).toBe(true);
    expect(check("POST", { origin: "https://evil.test", authorization: "Basic abc" }, "/api/v1/tickets")).toBe(true);
  });
});

describe("isMachineEndpoint", () => {
  it("recognises webhooks and bearer API calls only", () => {
    expect(isMachineEndpoint("/webhooks/resend", new Headers())).toBe(true);
    expect(isMachineEndpoint("/api/v1/tickets", new Headers({ authorization: "bearer x" }))).toBe(true);
    expect(isMachineEndpoint("/api/v1/tickets", new Headers())).toBe(false);
    expect(isMachineEndpoint("/webhooks", new Headers())).toBe(false);
    expect(isMachineEndpoint("/account", new Headers({ authorization: "Bearer x" }))).toBe(false);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only with the nonce in production", () => {
    const csp = contentSecurityPolicy("abc123", false);
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("object-src 'none'");
  });

  it("opens websockets for the dev server only", () => {
    expect(contentSecurityPolicy("n", true)).toContain("ws:");
    expect(contentSecurityPolicy("n", false)).not.toContain("ws:");
  });
});
