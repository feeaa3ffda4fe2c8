/** createPortalClient: /api/v1 under the base URL, the bearer token on every request, typed results. */
import { describe, expect, it } from "vitest";
import { createPortalClient } from "~/sdk/client";

describe("createPortalClient", () => {
  it("calls /api/v1 on the base URL with the token, and hands back problems as values", async () => {
    const seen: Request[] = [];
    const fetch = async (input: Request) => {
      seen.push(input);
      if (input.url.includes("/tickets/7")) {
        return new Response(JSON.stringify({ type: "/docs/api#error-not-found", title: "Not found", status: 404, detail: "No.", code: "not_found" }), {
          status: 404,
          headers: { "Content-Type": "application/problem+json" },
        });
      }
      return new Response(JSON.stringify({ tickets: [], nextCursor: null }), { headers: { "Content-Type": "application/json" } });
    };
    const portal = createPortalClient({ baseUrl: "https://support.example.com/", token: "pt_abc", fetch: fetch as typeof globalThis.fetch });
    const list = await portal.GET("/tickets", { params: { query: { status: "open" } } });
    expect(list.data).toEqual({ tickets: [], nextCursor: null });
    expect(seen[0]!.url).toBe("https://support.example.com/api/v1/tickets?status=open");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer pt_abc");
    const missing = await portal.GET("/tickets/{number}", { params: { path: { number: "7" } } });
    expect(missing.data).toBeUndefined();
    expect(missing.error?.code).toBe("not_found");
  });
});
