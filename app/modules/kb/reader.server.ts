/** Who is reading the help center: the signed-in user, or an anonymous browser (cookie id). */
import { randomBytes } from "node:crypto";
import type { RequestContext } from "~/lib/context";
import { env } from "~/lib/env.server";
import type { KbReader } from "./visibility";
import { visitorKeyOf } from "./visibility";

export const BROWSER_COOKIE = "kb_browser";

export function readerOf(context: Pick<RequestContext, "user">): KbReader {
  return context.user ? { id: context.user.id, role: context.user.role } : null;
}

export function browserIdOf(request: Request): string | null {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq) === BROWSER_COOKIE) {
      const value = part.slice(eq + 1);
      return /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null;
    }
  }
  return null;
}

/**
 * The visitor key for votes and deflection events. An anonymous browser without an id gets a
 * new one, with the Set-Cookie header to send (a year, HttpOnly, SameSite=Lax).
 */
export function visitorFor(request: Request, context: Pick<RequestContext, "user">, options: { create: boolean }) {
  const userId = context.user?.id ?? null;
  let browserId = browserIdOf(request);
  let setCookie: string | null = null;
  if (!userId && !browserId && options.create) {
    browserId = randomBytes(18).toString("base64url");
    setCookie = `${BROWSER_COOKIE}=${browserId}; Path=/; Max-Age=${365 * 86400}; HttpOnly; SameSite=Lax${env().secureCookies ? "; Secure" : ""}`;
  }
  return { userId, visitorKey: visitorKeyOf(userId, browserId), setCookie };
}
