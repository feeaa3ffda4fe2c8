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

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export function requireUser(request: Request, context: RequestContext): SessionUser {
  if (context.user) return context.user;
  const url = new URL(request.url);
  const back = url.pathname.endsWith(".data") ? url.pathname.slice(0, -5) : url.pathname;
  throw redirect(`/login?redirectTo=${encodeURIComponent(back + url.search.replace(/([?&])_data=[^&]*&?/, "$1"))}`);
}

/** The signed-in user holding `permission`; 403 otherwise. */
export function requirePermission(request: Request, context: RequestContext, permission: Permission): SessionUser {
  const user = requireUser(request, context);
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
