/**
 * The one wrapper every /api/v1 route goes through: refuse tokens in the URL, authenticate
 * the bearer token, check the scope, apply the per-token and per-organization rate limits
 * (database token buckets, so they hold across processes), run the operation, turn every
 * error into application/problem+json, and count the request in the token's daily usage.
 */
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { db, rowsOf } from "~/lib/db.server";
import { log, errorFields } from "~/lib/log.server";
import { consumeToken } from "../auth/rate-limit.server";
import { KbError } from "../kb/articles.server";
import { AccountError } from "../auth/account.server";
import { DealError } from "../beta/deals.server";
import { OrganizationError } from "../orgs/organizations.server";
import { UserAdminError } from "../orgs/users.server";
import { TicketError } from "../tickets/tickets.server";
import { ApiProblem, problemBody, type FieldIssue, type ProblemCode } from "./problem";
import type { ApiScope } from "./scopes";
import { assertNoTokenInQuery, authenticateBearer, recordUsage, type ApiPrincipal } from "./tokens.server";

import { apiLimits } from "./limits";
import { isDatabaseUnavailable } from "~/lib/db-errors";
export { apiLimits };

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function problemResponse(code: ProblemCode, detail?: string, errors?: FieldIssue[], headers: Record<string, string> = {}): Response {
  const body = problemBody(code, detail, errors);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** Turns anything a handler threw into a problem response (a 500 carries no detail). */
export function toProblem(error: unknown): Response {
  if (error instanceof ApiProblem) return problemResponse(error.code, error.message, error.errors, error.headers);
  if (error instanceof TicketError || error instanceof KbError) {
    const status = (error as { status?: number }).status ?? 400;
    const field = (error as { field?: string }).field;
    if (status === 404) return problemResponse("not_found", error.message);
    if (status === 403) return problemResponse("forbidden", error.message);
    if (status === 409) return problemResponse("version_conflict", error.message);
    return problemResponse("validation_failed", error.message, [{ path: field ? `body.${field}` : "body", message: error.message }]);
  }
  if (error instanceof DealError) {
    if (error.status === 404) return problemResponse("not_found", error.message);
    if (error.status === 409) return problemResponse("version_conflict", error.message);
    if (error.missing.length) return problemResponse("stage_gate_refused", error.message, error.missing.map((m) => ({ path: "body.to", message: m })));
    if (error.field) return problemResponse("validation_failed", error.message, [{ path: `body.${error.field}`, message: error.message }]);
    return problemResponse("change_refused", error.message);
  }
  if (error instanceof OrganizationError || error instanceof AccountError) {
    const field = (error as { field?: string }).field;
    if (!field && error instanceof OrganizationError) return problemResponse("not_found", error.message);
    return problemResponse("validation_failed", error.message, [{ path: field ? `body.${field}` : "body", message: error.message }]);
  }
  if (error instanceof UserAdminError) {
    if (error.status === 404) return problemResponse("not_found", error.message);
    if (error.status === 409) return problemResponse("last_admin", error.message);
    return problemResponse("change_refused", error.message);
  }
  if (isDatabaseUnavailable(error)) {
    log("error", "api: database unavailable", errorFields(error));
    return problemResponse("service_unavailable", "The service is unavailable right now. Try again in a few seconds.", undefined, { "Retry-After": "5" });
  }
  log("error", "api: unhandled error", errorFields(error));
  return problemResponse("internal_error", "The request failed. Try again; if it keeps failing, contact support.");
}

export function issuesOf(error: z.ZodError, where: "body" | "query" | "path"): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join("."),
    message: i.code === "unrecognized_keys" ? `Unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}` : i.message,
  }));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: "body" | "query" | "path"): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ApiProblem("validation_failed", `The ${where === "path" ? "URL" : where} did not pass validation.`, issuesOf(result.error, where));
  return result.data;
}

/** Query parameters as an object (a repeated key is refused: every parameter is single-valued). */
export function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in out) throw new ApiProblem("validation_failed", "A query parameter was repeated.", [{ path: `query.${k}`, message: "Send this parameter once." }]);
    out[k] = v;
  }
  return out;
}

/** A JSON body, or 415 / 400 problems. */
export async function jsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw new ApiProblem("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  const text = await request.text();
  if (text.length > 200_000) throw new ApiProblem("bad_request", "The body is larger than 200 kB.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiProblem("invalid_json", "The body is not valid JSON.");
  }
}

async function remainingIn(key: string): Promise<number> {
  const [row] = rowsOf<{ tokens: number }>(await db().execute(sql`select tokens from rate_limits where key = ${key}`));
  return Math.max(0, Math.floor(Number(row?.tokens ?? 0)));
}

/** Takes one request from the token's and the organization's buckets; 429 when either is empty. */
async function rateLimit(principal: ApiPrincipal): Promise<Record<string, string>> {
  const tokenKey = `api:token:${principal.token.id}`;
  const policy = apiLimits.token;
  const decision = await consumeToken(tokenKey, policy);
  const remaining = decision.allowed ? await remainingIn(tokenKey) : 0;
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(policy.capacity),
    "RateLimit-Remaining": String(remaining),
    "RateLimit-Reset": String(Math.ceil((policy.capacity - remaining) / policy.refillPerSecond)),
    "RateLimit-Policy": `${policy.capacity};w=${Math.round(policy.capacity / policy.refillPerSecond)}`,
  };
  if (!decision.allowed) {
    throw new ApiProblem("rate_limited", `This token made too many requests. Retry after ${decision.retryAfterSeconds} s.`, undefined, {
      ...headers,
      "Retry-After": String(decision.retryAfterSeconds),
      "RateLimit-Reset": String(decision.retryAfterSeconds),
    });
  }
  const orgId = principal.actor.role === "customer" ? principal.actor.organizationId : null;
  if (orgId) {
    const orgDecision = await consumeToken(`api:org:${orgId}`, apiLimits.organization);
    if (!orgDecision.allowed) {
      throw new ApiProblem("rate_limited", `Your organization made too many requests. Retry after ${orgDecision.retryAfterSeconds} s.`, undefined, {
        "RateLimit-Limit": String(apiLimits.organization.capacity),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": String(orgDecision.retryAfterSeconds),
        "Retry-After": String(orgDecision.retryAfterSeconds),
      });
    }
  }
  return headers;
}

export interface ApiCall {
  principal: ApiPrincipal;
  request: Request;
}

/**
 * Runs one authenticated operation; every outcome is a Response (JSON or problem+json).
 * `url`: the loader's or action's normalized `url` argument (not `request.url`).
 */
export async function handleApi({ request, url }: { request: Request; url: URL }, scope: ApiScope | null, run: (call: ApiCall) => Promise<Response>): Promise<Response> {
  let principal: ApiPrincipal | null = null;
  let response: Response;
  let limitHeaders: Record<string, string> = {};
  try {
    assertNoTokenInQuery(url);
    principal = await authenticateBearer(request);
    limitHeaders = await rateLimit(principal);
    if (scope && !principal.token.scopes.includes(scope)) {
      throw new ApiProblem("insufficient_scope", `This operation needs a token with the ${scope} scope.`, undefined, {
        "WWW-Authenticate": `Bearer realm="api", error="insufficient_scope", scope="${scope}"`,
      });
    }
    response = await run({ principal, request });
  } catch (error) {
    if (error instanceof Response) response = error;
    else response = toProblem(error);
  }
  for (const [k, v] of Object.entries(limitHeaders)) if (!response.headers.has(k)) response.headers.set(k, v);
  if (principal) {
    await recordUsage(principal.token.id, response.status).catch((e: unknown) => log("error", "api: usage not recorded", errorFields(e)));
  }
  return response;
}

/** For routes that answer only some methods. */
export function methodNotAllowed(allowed: string[]): Response {
  return problemResponse("method_not_allowed", `Use ${allowed.join(" or ")}.`, undefined, { Allow: allowed.join(", ") });
}

/** Validates an operation's path parameters and query string with its schemas (unknown keys refused). */
export function parseRequest<P extends z.ZodObject | undefined, Q extends z.ZodObject | undefined>(
  op: { params?: P; query?: Q },
  url: URL,
  params: Record<string, string | undefined>,
): { params: P extends z.ZodObject ? z.output<P> : Record<string, never>; query: Q extends z.ZodObject ? z.output<Q> : Record<string, never> } {
  const query = queryOf(url);
  const parsedParams = op.params ? parseWith(op.params, params, "path") : {};
  let parsedQuery: unknown = {};
  if (op.query) parsedQuery = parseWith(op.query, query, "query");
  else if (Object.keys(query).length) {
    throw new ApiProblem("validation_failed", "This operation takes no query parameters.", Object.keys(query).map((k) => ({ path: `query.${k}`, message: `Unknown parameter: ${k}` })));
  }
  return { params: parsedParams, query: parsedQuery } as never;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version a client read: If-Match ("3", W/"3" or 3) or a `version` field; 428 without either. */
export function versionFrom(request: Request, bodyVersion: number | undefined): number {
  const header = request.headers.get("if-match");
  let fromHeader: number | undefined;
  if (header) {
    const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
    if (!m) throw new ApiProblem("validation_failed", "If-Match must be the ETag you read, like \"3\".", [{ path: "header.If-Match", message: "Use the ETag of the ticket." }]);
    fromHeader = Number(m[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new ApiProblem("validation_failed", "If-Match and version disagree.", [{ path: "body.version", message: "Send one version." }]);
  }
  const version = fromHeader ?? bodyVersion;
  if (version === undefined) throw new ApiProblem("precondition_required", "Send the version you read as If-Match (the ETag) or as `version`, so a concurrent change is not overwritten.");
  return version;
}
