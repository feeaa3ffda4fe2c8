import { reactRouter } from "@react-router/dev/vite";
import { defineConfig, type Plugin } from "vite";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * React's Node renderer (react-dom/server.node) keeps an AsyncLocalStorage, only so that
 * `ReactDOM.preload()`-style calls made from async code after a render began can find that render
 * (code inside the render finds it without). The portal makes no such calls, and enabling the
 * storage costs every request: Node 20 then runs an async hook for every promise and async
 * resource in the process (~160 per page), and each one created during a render carries the
 * render's whole state — which V8 keeps alive through its young-generation collections wherever
 * such an object is held weakly. The server build therefore bundles react-dom/server with a
 * storage that holds nothing (docs/performance.md, "React's request storage and the Request
 * copies").
 */
const requestStorageShim = "\0react-dom-server-request-storage";
export function reactServerWithoutRequestStorage(): Plugin {
  const reactDomDir = dirname(createRequire(import.meta.url).resolve("react-dom/package.json"));
  const nodeRenderer = join(reactDomDir, "cjs/react-dom-server.node.production.js");
  const reactDom = join(reactDomDir, "cjs/react-dom.production.js");
  return {
    name: "react-dom-server-without-request-storage",
    // `react-router build` always builds for production; the dev server keeps React's own files.
    apply: "build",
    enforce: "pre",
    resolveId(source, importer, options) {
      if (!options.ssr) return null;
      // entry.server's renderer: the production Node build itself (react-dom/server would bundle
      // the development build and the legacy renderer beside it).
      if (source === "react-dom/server") return nodeRenderer;
      if (importer === nodeRenderer) {
        if (source === "async_hooks" || source === "node:async_hooks") return requestStorageShim;
        if (source === "react-dom") return reactDom;
      }
      return null;
    },
    load(id) {
      if (id !== requestStorageShim) return null;
      return [
        "export class AsyncLocalStorage {",
        "  run(_store, callback, ...args) { return callback(...args); }",
        "  getStore() { return undefined; }",
        "}",
        "export default { AsyncLocalStorage };",
      ].join("\n");
    },
  };
}

// The SSR build bundles the whole HTTP application (app/server/app.ts): express,
// the React Router request handler, the database handle and the job runner share
// one module graph, so there is exactly one database connection per process.
export default defineConfig(({ isSsrBuild }) => ({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  build: {
    rollupOptions: isSsrBuild ? { input: "./app/server/app.ts" } : undefined,
  },
  ssr: {
    external: ["@node-rs/argon2", "@electric-sql/pglite", "postgres", "drizzle-orm", "resend", "express", "compression"],
    // Bundled, so that reactServerWithoutRequestStorage applies to it (react stays external).
    noExternal: ["react-dom"],
  },
  optimizeDeps: {
    exclude: ["@node-rs/argon2", "@electric-sql/pglite", "postgres", "drizzle-orm"],
  },
  plugins: [reactServerWithoutRequestStorage(), reactRouter()],
}));
