import "react-router";
import { randomBytes, randomUUID } from "node:crypto";
import { createRequestHandler } from "./react-router-handler";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import type { ServerBuild } from "react-router";
import { env } from "~/lib/env.server";
import { databaseHandle } from "~/lib/db.server";
import { errorFields, log } from "~/lib/log.server";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import { coalesceWrites } from "./coalesce-writes";
import { httpMetrics, metricsHandler } from "./metrics.server";
import { contentSecurityPolicy, isCrossSiteRequest, trustProxySetting } from "./security";

export { startRuntime, stopRuntime } from "./runtime.server";

const dev = process.env.NODE_ENV === "development";

/** The HTTP application: security headers, CSRF origin check, request log, health, and
 * React Router. Static assets are served by server.ts in front of it. */
export const app = express();
app.disable("x-powered-by");
// Behind the one reverse proxy TRUST_PROXY promises: the client is the address that proxy saw
// (the last X-Forwarded-For entry). Never `true`, which believes the first entry — a value any
// client can send, and so choose its own rate-limit key.
app.set("trust proxy", trustProxySetting(env().TRUST_PROXY));

// Only for clients that accept an encoding (browsers do): for the others (API clients, probes,
// load generators) compression would wrap every write only to pass it through.
// The answer still varies by Accept-Encoding, as compression says.
const compress = compression();
app.use((req: Request, res: Response, next: NextFunction) => {
  if (req.headers["accept-encoding"]) return compress(req, res, next);
  res.vary("Accept-Encoding");
  next();
});
// After compression, so React's 2 KB stream chunks reach zlib (and the socket) a few at a time.
app.use(coalesceWrites());

app.use((req: Request, res: Response, next: NextFunction) => {
  const started = process.hrtime.bigint();
  const requestId = randomUUID();
  const nonce = randomBytes(16).toString("base64");
  res.locals.requestId = requestId;
  res.locals.nonce = nonce;
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, dev));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  if (env().secureCookies) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  res.on("finish", () => {
    log("info", "request", {
      requestId,
      method: req.method,
      path: req.path,
      status: res.statusCode,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  });
  next();
});

// Request count and latency by route pattern (the server build's route manifest).
app.use(httpMetrics(async () => (await import("virtual:react-router/server-build")).routes));

// Prometheus metrics behind METRICS_TOKEN (a GET with a bearer token: before the CSRF check).
app.get("/metrics", metricsHandler);

app.get("/healthz", async (_req, res) => {
  const ok = await databaseHandle()
    .ping(2000)
    .catch(() => false);
  res.setHeader("Cache-Control", "no-store");
  res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "unavailable", database: ok ? "up" : "down" });
});

app.use((req: Request, res: Response, next: NextFunction) => {
  const headers = new Headers();
  for (const name of ["origin", "sec-fetch-site", "authorization"]) {
    const value = req.get(name);
    if (value) headers.set(name, value);
  }
  const crossSite = isCrossSiteRequest({
    method: req.method,
    path: req.path,
    headers,
    appOrigin: new URL(env().APP_URL).origin,
    requestOrigin: `${req.protocol}://${req.get("host")}`,
  });
  if (crossSite) {
    log("warn", "cross-site request refused", { requestId: res.locals.requestId, path: req.path, origin: req.get("origin") });
    res.status(403).type("text/plain").send("Cross-site request refused.");
    return;
  }
  next();
});

const loadServerBuild = () => import("virtual:react-router/server-build");
const reactRouterHandler = (build: ServerBuild | (() => Promise<ServerBuild>)) =>
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    async getLoadContext(req, res) {
      const { context, setCookie } = await resolveRequestContext(req.get("cookie"), {
        ip: req.ip ?? req.socket.remoteAddress ?? null,
        requestId: res.locals.requestId,
        nonce: res.locals.nonce,
      });
      if (setCookie) res.append("Set-Cookie", setCookie);
      // React Router's client navigations and revalidations ask for `<path>.data`; anything else is a document.
      context.documentRender = !req.path.endsWith(".data");
      return context;
    },
  });
// React Router re-derives its route tree (createStaticHandler: flatten and rank every route)
// on every request when `build` is a function, and the dynamic import() itself goes through the
// module loader (tsx's hooks thread in production) each time: ~1 ms of CPU per request. That
// is for the dev server's hot reload; in production the build is loaded once and the handler
// reused. (Not a top-level await: the server build imports this chunk, a cycle.)
let productionHandler: Promise<ReturnType<typeof reactRouterHandler>> | undefined;
app.all(
  "/{*splat}",
  dev
    ? reactRouterHandler(loadServerBuild)
    : (req: Request, res: Response, next: NextFunction) => {
        productionHandler ??= loadServerBuild().then(reactRouterHandler, (error: unknown) => {
          productionHandler = undefined;
          throw error;
        });
        productionHandler.then((handler) => handler(req, res, next), next);
      },
);

// Anything that escaped React Router (a failed session lookup while the database is down):
// a plain answer with the request id, never a stack trace.
app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  log("error", "unhandled request error", { requestId: res.locals.requestId, ...errorFields(error) });
  if (res.headersSent) return;
  res
    .status(503)
    .type("text/plain")
    .send(`The service is unavailable right now. Please try again shortly. (request ${res.locals.requestId})`);
});

// Log any error React Router's handler reports while streaming.
process.on("unhandledRejection", (error) => log("error", "unhandled rejection", errorFields(error)));
