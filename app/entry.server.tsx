import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@react-router/node";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "react-router";
import { ServerRouter } from "react-router";
import { errorFields, log } from "~/lib/log.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { NonceProvider } from "~/components/nonce";
import { partialManifestContext } from "~/lib/partial-manifest.server";

export const streamTimeout = 5_000;

/** Set by handleError when a loader or action failed because the database is out of reach. */
const databaseDown = new WeakSet<object>();

function unavailable(loadContext: AppLoadContext | undefined): boolean {
  return !!loadContext && databaseDown.has(loadContext);
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The database is down: "try again shortly" (503), not a fault of ours or the request's (500).
  if (responseStatusCode >= 500 && unavailable(loadContext)) {
    responseStatusCode = 503;
    responseHeaders.set("Retry-After", "5");
  }
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const userAgent = request.headers.get("user-agent");
    const readyOption = (userAgent && isbot(userAgent)) || routerContext.isSpaMode ? "onAllReady" : "onShellReady";
    const nonce = loadContext?.nonce;
    // The abort timer must not outlive the render: a pending timer keeps the whole request (its
    // loader data, the router context, the stream) reachable for streamTimeout + 1 s after the
    // response has gone — ~230 requests' worth at 40 requests/s (docs/performance.md, mixed load).
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      finished = true;
      clearTimeout(timer);
    };
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      const stream = createReadableStreamFromReadable(body);
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      if (!responseHeaders.has("Cache-Control")) responseHeaders.set("Cache-Control", "private, no-store");
      resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    };

    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <ServerRouter context={partialManifestContext(routerContext)} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          if (readyOption === "onShellReady") ready();
        },
        onAllReady() {
          finish();
          if (readyOption === "onAllReady") ready();
        },
        onShellError(error: unknown) {
          finish();
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) log("error", "render error", { requestId: loadContext?.requestId, ...errorFields(error) });
        },
      },
    );
    if (!finished) timer = setTimeout(abort, streamTimeout + 1000);
  });
}

/** `.data` requests: the same 503 as documents when the database is out of reach. */
export function handleDataRequest(response: Response, { context }: { context: AppLoadContext }): Response {
  if (response.status < 500 || !unavailable(context)) return response;
  const headers = new Headers(response.headers);
  headers.set("Retry-After", "5");
  return new Response(response.body, { status: 503, headers });
}

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (context && typeof context === "object" && isDatabaseUnavailable(error)) databaseDown.add(context);
  if (request.signal.aborted) return;
  log("error", "request failed", {
    requestId: (context as AppLoadContext | undefined)?.requestId,
    path: new URL(request.url).pathname,
    ...errorFields(error),
  });
};
