/**
 * The route manifest a server render works with, cut down to the routes the page can use.
 *
 * With lazy route discovery (React Router's default) a page ships only a partial manifest: the
 * routes that matched, plus those matching each parent path of the URL ("/", "/help" for
 * /help/search), and the client asks for the rest as links come into view. React Router 7.18
 * nevertheless works on the whole tree (~80 routes here) on every document render: ServerRouter
 * rebuilds a route object for each, the static router converts each again, and <Scripts>
 * computes the partial manifest by matching each parent path against every ranked branch, a
 * path regex compiled per branch and call (~0.35 ms of CPU per page, the largest fixed cost
 * after React itself; docs/performance.md).
 *
 * partialManifestContext() hands ServerRouter a context whose manifest holds exactly the routes
 * that partial manifest would hold — worked out once per parent path and matched routes, with
 * React Router's own matchRoutes over the same tree — and the ranked branches of that cut tree,
 * also worked out once (branchesOf). What the page renders and sends is unchanged: the same
 * matches, links and window.__reactRouterManifest.
 */
import { createStaticHandler, matchRoutes, type EntryContext, type RouteObject } from "react-router";

type ManifestRoutes = EntryContext["manifest"]["routes"];

/** Distinct parent paths and matched routes cached per manifest (a long-running process sees a bounded set). */
const MAX_CACHED = 1000;

interface Subset {
  routes: ManifestRoutes;
  /** React Router's ranked branches of the subset's tree, path matchers compiled (see below). */
  branches: EntryContext["branches"];
}

const perManifest = new WeakMap<ManifestRoutes, { tree: RouteObject[]; subsets: Map<string, Subset> }>();

/** The route tree of a manifest: ids, paths and nesting only (all that matching reads). */
function treeOf(routes: ManifestRoutes): RouteObject[] {
  const byParent = new Map<string, NonNullable<ManifestRoutes[string]>[]>();
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const parent = route.parentId ?? "";
    byParent.set(parent, [...(byParent.get(parent) ?? []), route]);
  }
  const build = (parentId: string): RouteObject[] =>
    (byParent.get(parentId) ?? []).map((route): RouteObject =>
      route.index
        ? { id: route.id, index: true, path: route.path, caseSensitive: route.caseSensitive }
        : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: byParent.has(route.id) ? build(route.id) : undefined },
    );
  return build("");
}

/** The parent paths React Router's getPartialManifest matches: "/", then each shorter prefix of the URL's path. */
export function parentPaths(pathname: string): string[] {
  const segments = pathname.split("/").filter(Boolean);
  const paths = ["/"];
  segments.pop();
  while (segments.length > 0) {
    paths.push(`/${segments.join("/")}`);
    segments.pop();
  }
  return paths;
}

/** The ids of the routes a page at `pathname` with these matches ships in its partial manifest. */
export function partialRouteIds(routes: ManifestRoutes, pathname: string, matchedIds: string[], basename = "/"): string[] {
  const tree = entryFor(routes).tree;
  const ids = new Set(matchedIds);
  for (const path of parentPaths(pathname)) {
    for (const match of matchRoutes(tree, path, basename) ?? []) ids.add(match.route.id!);
  }
  return [...ids];
}

function entryFor(routes: ManifestRoutes) {
  let entry = perManifest.get(routes);
  if (!entry) {
    entry = { tree: treeOf(routes), subsets: new Map() };
    perManifest.set(routes, entry);
  }
  return entry;
}

/** The entry context to render with: the same, with the manifest cut to the page's partial manifest. */
export function partialManifestContext(context: EntryContext): EntryContext {
  // Only lazy discovery ships a partial manifest; otherwise the whole manifest is the page's.
  if (context.isSpaMode || !context.ssr || context.routeDiscovery?.mode !== "lazy") return context;
  const routes = context.manifest.routes;
  const { location, matches, basename } = context.staticHandlerContext;
  const matchedIds = matches.map((m) => m.route.id);
  const parent = parentPaths(location.pathname).pop()!;
  const key = `${basename ?? "/"}\u0000${parent}\u0000${matchedIds.join(",")}`;
  const entry = entryFor(routes);
  let subset = entry.subsets.get(key);
  if (!subset) {
    const cut: ManifestRoutes = {};
    for (const id of partialRouteIds(routes, location.pathname, matchedIds, basename ?? "/")) cut[id] = routes[id];
    subset = { routes: cut, branches: branchesOf(cut) };
    if (entry.subsets.size >= MAX_CACHED) entry.subsets.delete(entry.subsets.keys().next().value!);
    entry.subsets.set(key, subset);
  }
  return { ...context, manifest: { ...context.manifest, routes: subset.routes }, branches: subset.branches };
}

/**
 * The ranked branches of a (cut) manifest's tree, as React Router's server keeps them for the
 * whole tree: <Scripts> matches each parent path against them (getPartialManifest). Without them
 * it flattens, ranks and compiles a path regex for every branch on every render (~40 KB of
 * allocation per page). A static handler over the subset's tree computes them once; only route
 * ids are read from the matches, and the tree has the manifest's ids.
 */
function branchesOf(routes: ManifestRoutes): EntryContext["branches"] {
  const handler = createStaticHandler(treeOf(routes)) as unknown as { _internalRouteBranches?: EntryContext["branches"] };
  return handler._internalRouteBranches ?? (undefined as unknown as EntryContext["branches"]);
}
