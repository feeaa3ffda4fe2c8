import { matchRoutes, type RouteObject } from "react-router";

/** The part of a React Router server build's route manifest this needs. */
export interface ManifestRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
}

export const UNMATCHED_ROUTE = "(unmatched)";

/**
 * Maps request paths to the route pattern that serves them ("/desk/tickets/:number"), so
 * metrics are labelled by route instead of by raw URL (bounded cardinality: one series per
 * route, never one per ticket). Single-fetch data requests (`/desk.data`, `/_root.data`) count
 * as the route they load, `/__manifest` (lazy route discovery) as itself; a path no route
 * matches is "(unmatched)".
 */
export function createRoutePatternMatcher(manifest: Record<string, ManifestRoute | undefined>): (pathname: string) => string {
  const byParent = new Map<string | undefined, ManifestRoute[]>();
  for (const route of Object.values(manifest)) {
    if (!route) continue;
    const list = byParent.get(route.parentId) ?? [];
    list.push(route);
    byParent.set(route.parentId, list);
  }
  const build = (parentId: string | undefined): RouteObject[] =>
    (byParent.get(parentId) ?? []).map((r) =>
      r.index
        ? ({ id: r.id, index: true, path: r.path } as RouteObject)
        : ({ id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: build(r.id) } as RouteObject),
    );
  const tree = build(undefined);
  const cache = new Map<string, string>();

  return (rawPathname: string) => {
    // React Router's lazy route discovery asks /__manifest?paths=… on client navigations.
    if (rawPathname === "/__manifest") return "/__manifest";
    let pathname = rawPathname;
    if (pathname === "/_root.data") pathname = "/";
    else if (pathname.endsWith(".data")) pathname = pathname.slice(0, -5);
    const cached = cache.get(pathname);
    if (cached) return cached;
    const matches = matchRoutes(tree, pathname);
    let pattern = UNMATCHED_ROUTE;
    if (matches?.length) {
      const parts = matches.map((m) => m.route.path ?? "").filter((p) => p !== "");
      pattern = `/${parts.join("/")}`.replace(/\/+/g, "/");
    }
    // The cache is bounded: unmatched and parameterised paths could otherwise fill it.
    if (cache.size < 5000) cache.set(pathname, pattern);
    return pattern;
  };
}
