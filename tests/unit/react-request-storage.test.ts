import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { reactServerWithoutRequestStorage } from "../../vite.config";

const reactDomDir = dirname(createRequire(import.meta.url).resolve("react-dom/package.json"));
const nodeRenderer = join(reactDomDir, "cjs/react-dom-server.node.production.js");

type Hook = (this: unknown, ...args: unknown[]) => unknown;
const plugin = reactServerWithoutRequestStorage();
const resolveId = plugin.resolveId as Hook;
const load = plugin.load as Hook;

describe("the server build's React renderer without request storage (vite.config.ts)", () => {
  it("still matches React's Node renderer: it creates its request storage from async_hooks", () => {
    // If a React upgrade changes this, the shim no longer applies: re-check docs/performance.md.
    const source = readFileSync(nodeRenderer, "utf8");
    expect(source).toMatch(/async_hooks = require\("async_hooks"\)/);
    expect(source).toMatch(/requestStorage = new async_hooks\.AsyncLocalStorage\(\)/);
  });

  it("resolves react-dom/server to the production Node renderer and its async_hooks to the shim, in the SSR build only", () => {
    const ssr = { ssr: true };
    expect(resolveId.call({}, "react-dom/server", "/work/app/entry.server.tsx", ssr)).toBe(nodeRenderer);
    const shim = resolveId.call({}, "async_hooks", nodeRenderer, ssr);
    expect(shim).toEqual(expect.stringContaining("react-dom-server-request-storage"));
    expect(resolveId.call({}, "node:async_hooks", nodeRenderer, ssr)).toBe(shim);
    // Everyone else keeps Node's module, and the client build is untouched.
    expect(resolveId.call({}, "async_hooks", "/work/db/client.ts", ssr)).toBeNull();
    expect(resolveId.call({}, "react-dom/server", "/work/app/entry.server.tsx", { ssr: false })).toBeNull();
    expect(plugin.apply).toBe("build");
  });

  it("gives React a storage that runs its work and holds nothing", async () => {
    const shim = resolveId.call({}, "async_hooks", nodeRenderer, { ssr: true }) as string;
    const code = load.call({}, shim) as string;
    const { AsyncLocalStorage } = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { AsyncLocalStorage: new () => { run(store: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]): unknown; getStore(): unknown } };
    const storage = new AsyncLocalStorage();
    expect(storage.run({ request: 1 }, (a, b) => [a, b, storage.getStore()], "x", 2)).toEqual(["x", 2, undefined]);
    expect(load.call({}, "/some/other/module.js")).toBeNull();
  });
});
