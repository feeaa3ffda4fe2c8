// The document render's cut-down route manifest (app/lib/partial-manifest.server.ts): over the
// app's real route table, React Router renders the same page — matches, links, scripts and the
// partial manifest it ships — from the cut-down context as from its own whole-tree context.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createRequestHandler, Outlet, Scripts, ServerRouter, type EntryContext, type ServerBuild } from "react-router";
import { describe, expect, it } from "vitest";
import appRoutes from "~/routes";
import { parentPaths, partialManifestContext, partialRouteIds } from "~/lib/partial-manifest.server";

interface RouteEntry {
  id?: string;
  file: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteEntry[];
}

/** A server build of the app's route table (components only: what the manifest work depends on). */
function buildFor(renders: { whole: string; cut: string; context: EntryContext }[]): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  const assets: ServerBuild["assets"] = { entry: { module: "/entry.js", imports: [] }, routes: {}, url: "/manifest.js", version: "test" };
  const add = (id: string, parentId: string | undefined, entry: Omit<RouteEntry, "file" | "id">, component: () => unknown) => {
    routes[id] = { id, parentId, path: entry.path, index: entry.index, caseSensitive: entry.caseSensitive, module: { default: component } } as never;
    assets.routes[id] = { id, parentId, path: entry.path, index: entry.index, caseSensitive: entry.caseSensitive, module: `/${id}.js`, hasAction: false, hasLoader: false, hasClientAction: false, hasClientLoader: false, hasClientMiddleware: false, hasErrorBoundary: id === "root", imports: [], css: [] } as never;
  };
  const documentWith = (content: ReturnType<typeof createElement>) => () => createElement("html", null, createElement("body", null, content, createElement(Scripts)));
  add("root", undefined, { path: "" }, documentWith(createElement(Outlet)));
  (routes.root!.module as { ErrorBoundary?: unknown }).ErrorBoundary = documentWith(createElement("p", null, "Not found"));
  const walk = (entries: RouteEntry[], parentId: string) => {
    for (const e of entries) {
      const id = e.id ?? e.file.replace(/\.[jt]sx?$/, "");
      add(id, parentId, e, () => createElement("main", null, id));
      if (e.children) walk(e.children, id);
    }
  };
  walk(appRoutes as RouteEntry[], "root");
  return {
    entry: {
      module: {
        default: (request: Request, status: number, headers: Headers, context: EntryContext) => {
          // Without the turbo-stream (read once) both renders are synchronous and comparable.
          const plain = { ...context, serverHandoffStream: undefined };
          const render = (c: EntryContext) => renderToString(createElement(ServerRouter, { context: c, url: request.url }));
          renders.push({ whole: render(plain), cut: render(partialManifestContext(plain)), context: plain });
          return new Response("ok", { status, headers });
        },
        handleError: () => {}, // the 404 below is expected
      },
    },
    routes,
    assets,
    basename: "/",
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: { v8_middleware: false, v8_passThroughRequests: false, v8_trailingSlashAwareDataRequests: false } as ServerBuild["future"],
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: "lazy", manifestPath: "/__manifest" },
  };
}

const shipped = (html: string) => Object.keys((JSON.parse(html.match(/window.__reactRouterManifest = (\{[\s\S]*?\});/)![1]!) as { routes: object }).routes).sort();

describe("partial manifest for the document render", () => {
  it("renders every page exactly as React Router does with the whole tree", async () => {
    const renders: { whole: string; cut: string; context: EntryContext }[] = [];
    const handler = createRequestHandler(buildFor(renders));
    const urls = ["/help/search?q=quasar", "/help", "/", "/login", "/desk", "/desk/tickets/42", "/desk/tickets/42/attachments/7", "/desk/kb/articles/5/translations/de", "/portal/tickets/new", "/admin/sla/policies/3", "/beta/reports/deals.csv", "/no/such/page", "/help/articles/a-slug"];
    for (const url of urls) await handler(new Request(`http://portal.test${url}`));
    expect(renders).toHaveLength(urls.length);
    for (const [i, r] of renders.entries()) {
      expect(r.cut, urls[i]).toBe(r.whole);
      expect(r.whole, urls[i]).toContain("window.__reactRouterManifest");
    }
    expect(shipped(renders[0]!.whole)).toEqual(["root", "routes/help/home", "routes/help/search", "routes/home"]);
    expect(shipped(renders[5]!.whole)).toEqual(["desk-home", "root", "routes/desk/ticket", "routes/home"]);
    // The whole tree was ~80 routes; the render now builds four.
    expect(Object.keys(renders[0]!.context.manifest.routes).length).toBeGreaterThan(60);
    expect(Object.keys(partialManifestContext(renders[0]!.context).manifest.routes).sort()).toEqual(shipped(renders[0]!.whole));
  });

  it("lists the parent paths React Router matches", () => {
    expect(parentPaths("/help/search")).toEqual(["/", "/help"]);
    expect(parentPaths("/desk/tickets/42/attachments/7")).toEqual(["/", "/desk/tickets/42/attachments", "/desk/tickets/42", "/desk/tickets", "/desk"]);
    expect(parentPaths("/")).toEqual(["/"]);
  });

  it("leaves the context alone when the whole manifest is shipped (initial discovery, SPA mode)", () => {
    const routes = { root: { id: "root", path: "" } } as unknown as EntryContext["manifest"]["routes"];
    const context = { isSpaMode: false, ssr: true, routeDiscovery: { mode: "initial", manifestPath: "/__manifest" }, manifest: { routes } } as unknown as EntryContext;
    expect(partialManifestContext(context)).toBe(context);
    const spa = { ...context, isSpaMode: true, routeDiscovery: { mode: "lazy", manifestPath: "/__manifest" } } as EntryContext;
    expect(partialManifestContext(spa)).toBe(spa);
    expect(partialRouteIds(routes, "/x/y", ["root"])).toEqual(["root"]);
  });
});
