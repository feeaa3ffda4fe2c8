import {
  createRequestHandler,
  UNSAFE_withComponentProps,
  UNSAFE_withErrorBoundaryProps,
  UNSAFE_withHydrateFallbackProps,
  type ServerBuild,
} from "react-router";
import routeConfig from "~/routes";
import reactRouterConfig from "../../react-router.config";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import { env } from "~/lib/env.server";
import { isCrossSiteRequest } from "~/server/security";

/**
 * The whole React Router application in-process, as the production server runs it (document
 * requests rendered to HTML, single-fetch `.data` requests, resource routes, actions), built
 * from app/routes.ts without Vite. Integration tests use it to see exactly what a browser
 * would receive — page HTML, `.data` payloads, headers — with a real session cookie.
 *
 * The load context comes from the session cookie through resolveRequestContext and the CSRF
 * origin check of app/server/app.ts runs first, as in production.
 */
export interface ConfigRoute {
  id?: string;
  path?: string;
  index?: boolean;
  file: string;
  children?: ConfigRoute[];
}

export interface FlatRoute {
  id: string;
  path: string;
  file: string;
  index: boolean;
}

/** React Router's default route id: the file path without its extension. */
function routeId(route: ConfigRoute): string {
  return route.id ?? route.file.replace(/\.[^/.]+$/, "");
}

/** Every route of app/routes.ts with its full URL pattern (leading slash, no trailing one). */
export function flatRoutes(routes: ConfigRoute[] = routeConfig as unknown as ConfigRoute[], prefix = ""): FlatRoute[] {
  const out: FlatRoute[] = [];
  for (const route of routes) {
    const path = route.index ? prefix || "/" : `${prefix}/${route.path ?? ""}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
    out.push({ id: routeId(route), path, file: route.file, index: !!route.index });
    if (route.children) out.push(...flatRoutes(route.children, route.path ? path : prefix));
  }
  return out;
}

const moduleLoaders = import.meta.glob("../../app/**/*.{ts,tsx}");

async function importRoute(file: string): Promise<Record<string, unknown>> {
  const key = `../../app/${file}`;
  const load = moduleLoaders[key];
  if (!load) throw new Error(`Route module not found: ${file}`);
  const mod = { ...((await load()) as Record<string, unknown>) };
  // What the React Router Vite plugin does to route components: hand them their props.
  type Component = Parameters<typeof UNSAFE_withComponentProps>[0];
  if (typeof mod.default === "function" && file !== "entry.server.tsx") mod.default = UNSAFE_withComponentProps(mod.default as Component);
  if (typeof mod.ErrorBoundary === "function") mod.ErrorBoundary = UNSAFE_withErrorBoundaryProps(mod.ErrorBoundary as never);
  if (typeof mod.HydrateFallback === "function") mod.HydrateFallback = UNSAFE_withHydrateFallbackProps(mod.HydrateFallback as never);
  // Under Vitest a `?url` stylesheet import is empty: leave such links out.
  if (typeof mod.links === "function") {
    const links = mod.links as () => { href?: string }[];
    mod.links = () => links().filter((link) => link.href !== "");
  }
  return mod;
}

let buildPromise: Promise<ServerBuild> | undefined;

async function buildApp(): Promise<ServerBuild> {
  const entry = await importRoute("entry.server.tsx");
  const root = await importRoute("root.tsx");
  const routes: ServerBuild["routes"] = {
    root: { id: "root", path: "", module: root as never },
  };
  const assetRoutes: Record<string, unknown> = {
    root: manifestEntry("root", undefined, "", false, root),
  };
  const walk = async (list: ConfigRoute[], parentId: string) => {
    for (const route of list) {
      const id = routeId(route);
      const mod = await importRoute(route.file);
      routes[id] = { id, parentId, path: route.path, index: route.index, caseSensitive: undefined, module: mod as never };
      assetRoutes[id] = manifestEntry(id, parentId, route.path, !!route.index, mod);
      if (route.children) await walk(route.children, id);
    }
  };
  await walk(routeConfig as unknown as ConfigRoute[], "root");
  return {
    entry: { module: entry as never },
    routes,
    assets: {
      entry: { module: "/assets/entry.client.js", imports: [] },
      routes: assetRoutes,
      url: "/assets/manifest.js",
      version: "test",
    } as never,
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    // The future flags of react-router.config.ts (v8_passThroughRequests: handlers get the raw request).
    future: { ...reactRouterConfig.future } as never,
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: "lazy", manifestPath: "/__manifest" },
  } as ServerBuild;
}

function manifestEntry(id: string, parentId: string | undefined, path: string | undefined, index: boolean, mod: Record<string, unknown>) {
  return {
    id,
    parentId,
    path,
    index,
    module: `/assets/${id}.js`,
    imports: [],
    css: [],
    hasAction: typeof mod.action === "function",
    hasLoader: typeof mod.loader === "function",
    hasClientAction: false,
    hasClientLoader: false,
    hasClientMiddleware: false,
    hasErrorBoundary: typeof mod.ErrorBoundary === "function",
  };
}

/** Sends a request through the application; `ip` is the client address the server would see. */
export async function fetchApp(request: Request, ip = "203.0.113.9"): Promise<Response> {
  buildPromise ??= buildApp();
  const build = await buildPromise;
  const url = new URL(request.url);
  const crossSite = isCrossSiteRequest({
    method: request.method,
    path: url.pathname,
    headers: request.headers,
    appOrigin: new URL(env().APP_URL).origin,
    requestOrigin: url.origin,
  });
  if (crossSite) return new Response("Cross-site request refused.", { status: 403 });
  const handler = createRequestHandler(build, "production");
  let resolved: Awaited<ReturnType<typeof resolveRequestContext>>;
  try {
    resolved = await resolveRequestContext(request.headers.get("cookie"), { ip });
  } catch {
    // As app/server/app.ts's error handler: a failed session lookup (database down) is a 503.
    return new Response("The service is unavailable right now. Please try again shortly.", { status: 503, headers: { "content-type": "text/plain" } });
  }
  const { context, setCookie } = resolved;
  context.documentRender = !url.pathname.endsWith(".data"); // as app/server/app.ts
  const response = await handler(request, context as never);
  if (setCookie) response.headers.append("Set-Cookie", setCookie);
  return response;
}

/** The single-fetch URL React Router's client requests for a page's data. */
export function dataUrl(path: string): string {
  const url = new URL(path, "http://x");
  const pathname = url.pathname === "/" ? "/_root.data" : `${url.pathname.replace(/\/$/, "")}.data`;
  return `${pathname}${url.search}`;
}
