import { redirect } from "react-router";
import { z } from "zod";
import { env } from "./env.server";
import type { Toast } from "./toast";

/**
 * Toasts after actions, the post/redirect/get way: the action redirects with a short-lived
 * cookie holding the message, and the next page load (the root loader) shows it once and clears
 * the cookie. Works without JavaScript (the toast is then a banner until the next page).
 */
const COOKIE = "toast";
const toastSchema = z.object({
  id: z.string().max(40),
  message: z.string().min(1).max(300),
  kind: z.enum(["success", "info", "error"]),
});

function cookieName(): string {
  return env().secureCookies ? `__Host-${COOKIE}` : COOKIE;
}

function attributes(maxAge: number): string {
  return ["Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, ...(env().secureCookies ? ["Secure"] : [])].join("; ");
}

export function toastCookie(message: string, kind: Toast["kind"] = "success"): string {
  const toast: Toast = { id: crypto.randomUUID(), message: message.slice(0, 300), kind };
  return `${cookieName()}=${encodeURIComponent(JSON.stringify(toast))}; ${attributes(60)}`;
}

/** A redirect that shows `message` as a toast on the page it lands on. */
export function redirectWithToast(to: string, message: string, kind: Toast["kind"] = "success", init: { headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", toastCookie(message, kind));
  return redirect(to, { headers });
}

/** The pending toast of a request (if any) and the Set-Cookie header that clears it. */
export function takeToast(request: Request): { toast: Toast | null; clear: string | null } {
  const name = cookieName();
  const raw = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  if (raw === undefined) return { toast: null, clear: null };
  const clear = `${name}=; ${attributes(0)}`;
  try {
    const parsed = toastSchema.safeParse(JSON.parse(decodeURIComponent(raw)));
    return { toast: parsed.success ? parsed.data : null, clear };
  } catch {
    return { toast: null, clear };
  }
}
