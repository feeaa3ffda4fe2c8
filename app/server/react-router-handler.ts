/**
 * Express → React Router: the request handler app.ts mounts, in place of @react-router/express's
 * `createRequestHandler`. It does the same three things — a Fetch `Request` from express's
 * request, React Router's handler, the `Response` written back — with one difference: the
 * `Request` carries no AbortSignal of ours.
 *
 * @react-router/express gives every request an AbortController, aborted when the client goes
 * away. undici's `Request` then follows that signal through a WeakRef and a
 * FinalizationRegistry entry, and V8 (Node 20) keeps such objects, and all they reach, alive
 * through every young-generation collection until the next full one: per request, a controller,
 * its signal and their listeners promoted to the old generation (docs/performance.md, "Express
 * and the GC tail"). What the abort bought is small here: the loaders and actions are short
 * database statements, and a render whose client has gone still stops — React is aborted when
 * its output stream closes (entry.server.tsx). An action, for its part, should finish its
 * write even if the browser that sent it was closed.
 */
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@react-router/node";
import { createRequestHandler as createReactRouterHandler, type AppLoadContext, type ServerBuild } from "react-router";

export interface HandlerOptions {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode?: string;
  getLoadContext(req: ExpressRequest, res: ExpressResponse): Promise<AppLoadContext> | AppLoadContext;
}

export function createRequestHandler({ build, mode, getLoadContext }: HandlerOptions) {
  const handle = createReactRouterHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> => {
    try {
      const request = fetchRequestOf(req);
      const context = await getLoadContext(req, res);
      const response = await handle(request, context);
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/** The request's own URL as the client addressed it (behind a trusted proxy, its forwarded host). */
export function requestUrl(req: ExpressRequest): string {
  const forwardedHost = req.app?.enabled("trust proxy") ? req.get("X-Forwarded-Host")?.split(":")[1] : undefined;
  const hostPort = req.get("host")?.split(":")[1];
  const port = [forwardedHost, hostPort].map((value) => Number.parseInt(value ?? "", 10)).find((value) => Number.isSafeInteger(value));
  const hostname = req.hostname.split(/[\\/?#@]/)[0] || "localhost";
  return `${req.protocol}://${hostname}${port ? `:${port}` : ""}${req.originalUrl}`;
}

export function fetchRequestOf(req: ExpressRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(requestUrl(req), {
    method: req.method,
    headers,
    ...(hasBody ? { body: createReadableStreamFromReadable(req), duplex: "half" } : {}),
  } as RequestInit);
}

export async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  if (res.destroyed || res.writableEnded) {
    await response.body?.cancel();
    return;
  }
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers) res.append(name, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  try {
    await writeReadableStreamToWritable(response.body, res);
  } catch (error) {
    // The client went away mid-response: nothing to report to it.
    if (res.destroyed || res.writableEnded) return;
    throw error;
  }
}
