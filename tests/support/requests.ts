import { createSession, type SessionUser } from "~/modules/auth/session.server";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import type { RequestContext } from "~/lib/context";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";

/**
 * Helpers to call loaders and actions with real Requests, the way the HTTP layer does:
 * the context comes from the session cookie through the same resolveRequestContext.
 */
export interface SignedIn {
  cookie: string;
  token: string;
  user: SessionUser;
}

/** Creates a real session for a user row and returns its cookie header. */
export async function signInAs(user: { id: string }): Promise<SignedIn> {
  const { token } = await createSession(db(), user.id, { ip: "203.0.113.9" });
  const cookie = `session=${token}`;
  const { context } = await resolveRequestContext(cookie, { ip: "203.0.113.9" });
  return { cookie, token, user: context.user! };
}

export function url(path: string): string {
  return new URL(path, env().APP_URL).toString();
}

export function getRequest(path: string, as?: SignedIn | null, headers: Record<string, string> = {}): Request {
  return new Request(url(path), { headers: { ...(as ? { cookie: as.cookie } : {}), ...headers } });
}

/** A same-origin form POST. */
export function postForm(path: string, fields: Record<string, string | string[]>, as?: SignedIn | null): Request {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return new Request(url(path), {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: new URL(env().APP_URL).origin,
      ...(as ? { cookie: as.cookie } : {}),
    },
  });
}

/** The load context the HTTP layer would build for this request. */
export async function contextFor(request: Request, ip = "203.0.113.9"): Promise<RequestContext> {
  const { context } = await resolveRequestContext(request.headers.get("cookie"), { ip });
  return context;
}

type RouteFn<A> = (args: A) => unknown;

/**
 * Calls a loader or action like React Router does; thrown Responses/data are returned, not thrown.
 * `url` is the handler's `url` argument, React Router's normalized URL: the request's own for a
 * document request; give it for a raw single-fetch request (`/page.data?_routes=…`), which is what
 * a handler's `request` is under future.v8_passThroughRequests.
 */
export async function call<A extends { request: Request; url: URL; params: Record<string, string | undefined>; context: unknown }>(
  fn: RouteFn<A>,
  request: Request,
  params: Record<string, string> = {},
  ip?: string,
  url: URL = new URL(request.url),
): Promise<{ status: number; headers: Headers; data: unknown; location: string | null }> {
  const context = await contextFor(request, ip);
  try {
    const result = await fn({ request, url, params, context, unstable_pattern: "" } as unknown as A);
    return normalize(result);
  } catch (thrown) {
    if (thrown instanceof Response || isDataWithInit(thrown)) return normalize(thrown);
    throw thrown;
  }
}

function isDataWithInit(value: unknown): value is { data: unknown; init: ResponseInit | null; type: string } {
  return !!value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit";
}

async function normalize(result: unknown) {
  if (result instanceof Response) {
    const text = await result.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      /* plain text */
    }
    return { status: result.status, headers: result.headers, data, location: result.headers.get("location") };
  }
  if (isDataWithInit(result)) {
    const headers = new Headers(result.init?.headers);
    return { status: result.init?.status ?? 200, headers, data: result.data, location: headers.get("location") };
  }
  return { status: 200, headers: new Headers(), data: result, location: null };
}
