import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { env } from "~/lib/env.server";
import { errorFields, log } from "~/lib/log.server";
import { initMetrics, recordHttpRequest, renderMetrics } from "~/modules/ops/metrics.server";
import { createRoutePatternMatcher, type ManifestRoute } from "~/modules/ops/route-pattern";

/** Paths the express layer answers itself (not React Router routes). */
const EXPRESS_ROUTES = new Set(["/healthz", "/metrics"]);

/**
 * Counts every request and times it until the response finished, labelled by the React Router
 * route pattern that served it (`routes` is the server build's route manifest, loaded once).
 */
export function httpMetrics(routes: () => Promise<Record<string, ManifestRoute | undefined>>): RequestHandler {
  initMetrics();
  let matcher: ((path: string) => string) | undefined;
  let loading: Promise<void> | undefined;
  const ensureMatcher = () =>
    (loading ??= routes().then(
      (manifest) => {
        matcher = createRoutePatternMatcher(manifest);
      },
      (error) => {
        loading = undefined;
        log("warn", "metrics: the route manifest could not be loaded", errorFields(error));
      },
    ));
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    if (!matcher) void ensureMatcher();
    res.on("finish", () => {
      const path = req.path;
      const route = EXPRESS_ROUTES.has(path) ? path : matcher ? matcher(path) : "(starting)";
      recordHttpRequest(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Compares in constant time (both sides hashed first, so lengths never leak either). */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * GET /metrics: Prometheus text format, for `Authorization: Bearer $METRICS_TOKEN` only.
 * Without METRICS_TOKEN the endpoint is off (404); a missing or wrong token gets 401.
 */
export const metricsHandler: RequestHandler = async (req, res) => {
  res.setHeader("Cache-Control", "no-store");
  const expected = env().METRICS_TOKEN;
  if (!expected) {
    res.status(404).type("text/plain").send("Metrics are turned off. Set METRICS_TOKEN to serve them here (see docs/operations.md).\n");
    return;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  if (!match || !tokenMatches(match[1]!, expected)) {
    res.setHeader("WWW-Authenticate", match ? 'Bearer realm="metrics", error="invalid_token"' : 'Bearer realm="metrics"');
    res
      .status(401)
      .type("text/plain")
      .send(match ? "The metrics token is not valid.\n" : "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.\n");
    return;
  }
  try {
    const { contentType, body } = await renderMetrics();
    res.status(200).set("Content-Type", contentType).send(body);
  } catch (error) {
    log("error", "metrics: rendering failed", errorFields(error));
    res.status(500).type("text/plain").send("The metrics could not be collected.\n");
  }
};
