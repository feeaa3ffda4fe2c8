import { data, redirect } from "react-router";
import type { RequestContext } from "~/lib/context";
import { can, type Permission } from "./permissions";
import type { SessionUser } from "./session.server";

/** Where sign-in sends people back to: only local paths, never another site. */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string") return fallback;
  const v = value.trim();
  if (!v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\") || /[\r\n\t]/.test(v) || v.includes("\\")) return fallback;
  return v;
}

/**
 * The signed-in user, or a redirect to /login that comes back here afterwards.
 * `url` is the loader's or action's `url` argument: React Router's normalized URL (no `.data`
 * suffix, no `_routes` or empty `index` parameter), the page's address for a document and for a
 * client navigation alike. Not `request.url`: with future.v8_passThroughRequests that is the raw
 * `/page.data?_routes=…` of a client navigation.
 */
export function requireUser(url: URL, context: RequestContext): SessionUser {
  if (context.user) return context.user;
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** The signed-in user holding `permission`; 403 otherwise. `url`: as for requireUser. */
export function requirePermission(url: URL, context: RequestContext, permission: Permission): SessionUser {
  const user = requireUser(url, context);
  if (!can(user, permission)) throw data({ message: "You do not have access to this page." }, { status: 403 });
  return user;
}

export function notFound(message = "Not found"): never {
  throw data({ message }, { status: 404 });
}

export function requireSession(context: RequestContext) {
  if (!context.session) throw redirect("/login");
  return context.session;
}
