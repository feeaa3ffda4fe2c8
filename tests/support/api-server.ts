/**
 * A running HTTP server for the API on an ephemeral loopback port, so API tests call it over
 * HTTP — with the typed client, exactly as a customer's script would. It is React Router's
 * express request handler (app/server/react-router-handler.ts, as in app/server/app.ts) over the API routes
 * of app/routes.ts, with the same load context (resolveRequestContext) and the same
 * cross-site check (app/server/security.ts) as production.
 *
 * app/server/app.ts itself is not used: it imports the build from
 * `virtual:react-router/server-build`, which only the Vite plugin provides (a vitest module
 * mock of it did not reliably reach app.ts's dynamic import).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import type { ServerBuild } from "react-router";
import { env } from "~/lib/env.server";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import routeConfig from "~/routes";
import { createRequestHandler } from "~/server/react-router-handler";
import { isCrossSiteRequest } from "~/server/security";

interface ConfigRoute {
  id?: string;
  path?: string;
  index?: boolean;
  file: string;
  children?: ConfigRoute[];
}

const apiModules = import.meta.glob("../../app/routes/api/*.ts");

/** The API routes of app/routes.ts (every `api/v1…` path), as React Router's build lists them. */
export async function apiServerBuild(): Promise<ServerBuild> {
  const routes: ServerBuild["routes"] = { root: { id: "root", path: "", module: {} as never } };
  const manifest: Record<string, unknown> = { root: entry("root", undefined, "", {}) };
  for (const route of routeConfig as unknown as ConfigRoute[]) {
    if (!route.path?.startsWith("api/v1")) continue;
    const load = apiModules[`../../app/${route.file}`];
    if (!load) throw new Error(`No module for ${route.file}`);
    const mod = (await load()) as Record<string, unknown>;
    const id = route.id ?? route.file.replace(/\.[^/.]+$/, "");
    routes[id] = { id, parentId: "root", path: route.path, index: undefined, caseSensitive: undefined, module: mod as never };
    manifest[id] = entry(id, "root", route.path, mod);
  }
  return {
    entry: { module: { default: () => new Response("Not an API page", { status: 404 }) } as never },
    routes,
    assets: { entry: { module: "/assets/entry.client.js", imports: [] }, routes: manifest, url: "/assets/manifest.js", version: "api-test" } as never,
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: {} as never,
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: "lazy", manifestPath: "/__manifest" },
    // Spelled out: a vitest module mock throws on reading an export it does not have.
    basename: undefined,
    unstable_getCriticalCss: undefined,
    allowedActionOrigins: undefined,
  } as ServerBuild;
}

function entry(id: string, parentId: string | undefined, path: string, mod: Record<string, unknown>) {
  return {
    id,
    parentId,
    path,
    module: `/assets/${id}.js`,
    imports: [],
    hasAction: typeof mod.action === "function",
    hasLoader: typeof mod.loader === "function",
    hasClientAction: false,
    hasClientLoader: false,
    hasClientMiddleware: false,
    hasErrorBoundary: false,
  };
}

export interface RunningServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1 and an ephemeral port. */
export async function startApiServer(): Promise<RunningServer> {
  const build = await apiServerBuild();
  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    const headers = new Headers();
    for (const name of ["origin", "sec-fetch-site", "authorization"]) {
      const value = req.get(name);
      if (value) headers.set(name, value);
    }
    const crossSite = isCrossSiteRequest({ method: req.method, path: req.path, headers, appOrigin: new URL(env().APP_URL).origin, requestOrigin: `${req.protocol}://${req.get("host")}` });
    if (crossSite) res.status(403).type("text/plain").send("Cross-site request refused.");
    else next();
  });
  app.all(
    "/{*splat}",
    createRequestHandler({
      build,
      mode: "production",
      async getLoadContext(req) {
        const { context } = await resolveRequestContext(req.get("cookie"), { ip: req.ip ?? null });
        return context;
      },
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
