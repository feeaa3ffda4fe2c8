// A rendered page leaves no timer behind: entry.server's abort timer (streamTimeout + 1 s) is
// cleared once the render completes. A pending one kept every answered request — its loader
// data, router context and stream — reachable for six seconds (docs/performance.md, mixed load).
import { describe, expect, it } from "vitest";
import { fetchApp } from "../support/app-server";
import { url } from "../support/requests";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("document rendering", () => {
  it("clears the stream's abort timer when the page is rendered", async () => {
    // Warm up (module loading, caches), then count the timers that outlive five rendered pages.
    await (await fetchApp(new Request(url("/login")))).text();
    await new Promise((r) => setTimeout(r, 50));
    const before = timers();
    for (let i = 0; i < 5; i++) {
      const response = await fetchApp(new Request(url("/login")));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("</html>");
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
