/**
 * The Node entry: `npm start` (production), `npm run dev` (Vite dev server) and
 * `npm run worker` (the job runner alone). It serves the static assets, hands every other
 * request to the application bundled in build/server/index.js, and shuts down gracefully on
 * SIGTERM.
 *
 * In production this file runs compiled: `npm run build` bundles it into build/start.js and
 * `npm start` (scripts/start.js) runs that with plain `node`, rebuilding first when the sources
 * are newer than the build. Run from source through tsx (`npm run dev`, or `tsx server.ts`), it
 * builds when the build is missing or stale itself. tsx's loader hooks cost the production
 * process ~80 MB of resident memory (a loader thread and its caches; docs/performance.md), which
 * is why production does not use them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { parseEnv } from "./app/lib/env.server";
import { createAppServer } from "./app/server/http-server";

const mode = process.argv.includes("--worker") ? "worker" : process.argv.includes("--dev") ? "dev" : "serve";
process.env.NODE_ENV ??= mode === "dev" ? "development" : "production";

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// From source this file sits in the project's root; compiled, in build/.
const bundled = !existsSync(join(import.meta.dirname, "package.json")) && existsSync(join(import.meta.dirname, "server/index.js"));
const root = bundled ? resolve(import.meta.dirname, "..") : resolve(import.meta.dirname);
const serverBuild = join(root, "build/server/index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  if (bundled) return; // scripts/start.js checked the build before loading this one.
  const builtAt = existsSync(serverBuild) ? statSync(serverBuild).mtimeMs : 0;
  const sourcesAt = Math.max(newestMtime(join(root, "app")), newestMtime(join(root, "db")), statSync(join(root, "vite.config.ts")).mtimeMs);
  if (builtAt >= sourcesAt) return;
  console.log(builtAt ? "Sources changed since the last build: rebuilding…" : "Building the portal (first start)…");
  execFileSync(process.execPath, [join(root, "node_modules/@react-router/dev/bin.js"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
}

interface AppModule {
  app: express.Express;
  startRuntime(options: { jobs: boolean }): Promise<{ driver: string; openMs: number; migrateMs: number; seeded: boolean; demo: boolean }>;
  stopRuntime(): Promise<void>;
}

function printDemo(demo: boolean, url: string | null): void {
  if (url) console.log(`\n  Support Portal is running on ${url}\n`);
  if (!demo) return;
  console.log("  Demo sign-ins (password demo-password-2026):");
  for (const [role, emails] of [
    ["admin", "admin@demo.test"],
    ["agents", "agent@demo.test, agent2@demo.test"],
    ["sales", "sales@demo.test"],
    ["customers", "alice@acme.test, bob@acme.test (Acme); carol@globex.test, dan@globex.test (Globex)"],
  ]) {
    console.log(`    ${role.padEnd(10)} ${emails}`);
  }
  console.log("");
}

async function main(): Promise<void> {
  const started = performance.now();
  const web = express();
  web.disable("x-powered-by");
  // The files of public/ in build/client, by path ("/favicon.svg").
  const publicFiles = new Set<string>();
  let appModule: AppModule;

  if (mode === "dev") {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    web.use(viteServer.middlewares);
    appModule = (await viteServer.ssrLoadModule("./app/server/app.ts")) as AppModule;
    web.use(async (req, res, next) => {
      try {
        const fresh = (await viteServer.ssrLoadModule("./app/server/app.ts")) as AppModule;
        fresh.app(req, res, next);
      } catch (error) {
        if (error instanceof Error) viteServer.ssrFixStacktrace(error);
        next(error);
      }
    });
  } else {
    ensureBuilt();
    appModule = (await import(pathToFileURL(serverBuild).href)) as AppModule;
    if (mode === "serve") {
      web.use("/assets", express.static(join(root, "build/client/assets"), { immutable: true, maxAge: "1y", index: false }));
      // build/client holds assets/ and the files of public/ (favicon, robots.txt): only those names
      // are looked up on disk; every other request goes straight to the app.
      const clientDir = join(root, "build/client");
      for (const name of readdirSync(clientDir)) if (name !== "assets") publicFiles.add(`/${name}`);
      const publicStatic = express.static(clientDir, { maxAge: "1h", index: false });
      web.use((req, res, next) => (publicFiles.has(req.path) ? publicStatic(req, res, next) : next()));
      // An asset or public file that is not on disk falls through to the app (its 404 page).
      web.use(appModule.app);
    }
  }

  const info = await appModule.startRuntime({ jobs: mode === "worker" || config.RUN_JOBS });

  let server: Server | undefined;
  if (mode !== "worker") {
    server = await new Promise<Server>((resolveListen, reject) => {
      // Static files through `web`; everything else straight to the app (app/server/http-server.ts).
      const s = mode === "serve" ? createAppServer(appModule.app, { web, isStatic: (path) => path.startsWith("/assets/") || publicFiles.has(path) }) : createServer(web);
      s.listen(config.PORT, config.HOST, () => resolveListen(s));
      s.on("error", reject);
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.PORT;
    const host = config.HOST === "0.0.0.0" || config.HOST === "127.0.0.1" || config.HOST === "::" ? "localhost" : config.HOST;
    printDemo(info.demo, `http://${host}:${port}`);
    console.log(
      JSON.stringify({
        time: new Date().toISOString(),
        level: "info",
        msg: "listening",
        port,
        driver: info.driver,
        startupMs: Math.round(performance.now() - started),
      }),
    );
  } else {
    console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "worker started", driver: info.driver }));
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "shutting down", signal }));
    const force = setTimeout(() => {
      console.error("Shutdown took longer than 20 s; exiting.");
      process.exit(1);
    }, 20_000);
    force.unref();
    if (server) {
      // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
      const closed = new Promise<void>((r) => server!.close(() => r()));
      server.closeIdleConnections();
      await closed;
    }
    await appModule.stopRuntime();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  if (process.env.NODE_ENV === "development") console.error(error);
  process.exit(1);
});
