import { describe, expect, it } from "vitest";
import { requirePermission, requireUser, safeRedirectPath } from "~/modules/auth/guard.server";
import type { RequestContext } from "~/lib/context";

describe("safeRedirectPath", () => {
  it.each(["/portal", "/desk/tickets/42?tab=timeline#m-3", "/", "/help/search?q=a%2Fb"])("keeps the local path %s", (path) => {
    expect(safeRedirectPath(path, "/home")).toBe(path);
  });

  it.each([
    ["https://evil.test/", "an absolute URL"],
    ["http:/evil.test", "a scheme with one slash"],
    ["//evil.test", "a protocol-relative URL"],
    ["/\\evil.test", "a slash-backslash (browsers read it as //)"],
    ["\\\\evil.test", "backslashes"],
    ["/foo\\bar", "a backslash anywhere"],
    ["javascript:alert(1)", "a javascript: URL"],
    ["portal", "a relative path"],
    ["", "an empty string"],
    ["/foo\r\nSet-Cookie: x=y", "CR/LF (header splitting)"],
    ["/\t/evil.test", "a tab (browsers strip it, leaving //)"],
    ["   //evil.test", "leading whitespace before //"],
  ])("refuses %j (%s)", (value) => {
    expect(safeRedirectPath(value, "/home")).toBe("/home");
  });

  it("falls back for non-strings and missing values", () => {
    expect(safeRedirectPath(null, "/home")).toBe("/home");
    expect(safeRedirectPath(undefined, "/home")).toBe("/home");
    expect(safeRedirectPath(new File(["x"], "x.txt"), "/home")).toBe("/home");
    expect(safeRedirectPath(null)).toBe("/");
  });

  it("trims surrounding whitespace of a local path", () => {
    expect(safeRedirectPath("  /portal  ", "/home")).toBe("/portal");
  });
});

function context(user: RequestContext["user"]): RequestContext {
  return { requestId: "r", nonce: "n", ip: null, user, session: null };
}

describe("requireUser and requirePermission", () => {
  it("redirects a signed-out visitor to /login with the way back", () => {
    try {
      requireUser(new URL("http://portal.test/desk/tickets/7?tab=sla"), context(null));
      expect.unreachable();
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(Response);
      const res = thrown as Response;
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/desk/tickets/7?tab=sla")}`);
    }
  });

  it("answers 403 when the role lacks the permission", () => {
    const customer = { id: "u", email: "c@x.test", name: "C", role: "customer" as const, organizationId: "o", timeZone: null };
    try {
      requirePermission(new URL("http://portal.test/admin/users"), context(customer), "view:admin");
      expect.unreachable();
    } catch (thrown) {
      expect((thrown as { init: ResponseInit }).init.status).toBe(403);
    }
    expect(requirePermission(new URL("http://portal.test/portal"), context(customer), "view:portal")).toBe(customer);
  });
});
