import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTokenSchema } from "~/modules/api/forms";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { apiOperations, createTicketBody, listTicketsQuery, updateTicketBody } from "~/modules/api/operations";
import { ApiProblem, problemBody, problemCodes } from "~/modules/api/problem";
import { apiScopes, effectiveScopes, grantableScopes, TOKEN_PATTERN } from "~/modules/api/scopes";

describe("scopes by role", () => {
  it("lets customers and agents grant ticket and KB scopes, sales the beta ones, admins all", () => {
    expect(grantableScopes("customer")).toEqual(["tickets:read", "tickets:write", "kb:read"]);
    expect(grantableScopes("agent")).toEqual(["tickets:read", "tickets:write", "kb:read"]);
    expect(grantableScopes("sales")).toEqual(["kb:read", "beta:read", "beta:write"]);
    expect(grantableScopes("admin")).toEqual([...apiScopes]);
  });

  it("keeps only the granted scopes the current role allows", () => {
    expect(effectiveScopes("sales", ["tickets:read", "kb:read", "admin"])).toEqual(["kb:read"]);
    expect(effectiveScopes("admin", ["admin", "bogus"])).toEqual(["admin"]);
    expect(effectiveScopes("customer", [])).toEqual([]);
  });

  it("recognizes the token format", () => {
    expect(TOKEN_PATTERN.test(`pt_${"a2".repeat(16)}`)).toBe(true);
    expect(TOKEN_PATTERN.test(`pt_${"A".repeat(32)}`)).toBe(false);
    expect(TOKEN_PATTERN.test("session-token")).toBe(false);
  });
});

describe("problem details", () => {
  it("has a stable shape with a code-specific type and no stack", () => {
    const p = problemBody("validation_failed", "Bad subject", [{ path: "body.subject", message: "Too short" }]);
    expect(p).toEqual({
      type: "/docs/api#error-validation-failed",
      title: problemCodes.validation_failed.title,
      status: 422,
      detail: "Bad subject",
      code: "validation_failed",
      errors: [{ path: "body.subject", message: "Too short" }],
    });
    expect(problemBody("not_found")).not.toHaveProperty("errors");
    const thrown = new ApiProblem("rate_limited", "Slow down", undefined, { "Retry-After": "3" });
    expect(thrown.status).toBe(429);
    expect(thrown.headers["Retry-After"]).toBe("3");
  });

  it("uses each status as meant", () => {
    expect(problemCodes.missing_token.status).toBe(401);
    expect(problemCodes.insufficient_scope.status).toBe(403);
    expect(problemCodes.version_conflict.status).toBe(409);
    expect(problemCodes.token_in_query.status).toBe(400);
  });
});

describe("request schemas", () => {
  it("refuse unknown fields", () => {
    expect(createTicketBody.safeParse({ subject: "Hello", description: "x", extra: 1 }).success).toBe(false);
    expect(updateTicketBody.safeParse({ status: "open", owner: "me" }).success).toBe(false);
    expect(listTicketsQuery.safeParse({ limit: "5" }).success).toBe(false);
    expect(listTicketsQuery.parse({})).toEqual({ status: "open" });
  });

  it("the token form takes one or several scopes and a known lifetime", () => {
    expect(createTokenSchema.parse({ name: "CI", scopes: "kb:read", expiresInDays: "30" })).toEqual({ name: "CI", scopes: ["kb:read"], expiresInDays: 30 });
    expect(createTokenSchema.parse({ name: "CI", scopes: ["kb:read", "tickets:read"], expiresInDays: "365" }).scopes).toHaveLength(2);
    expect(createTokenSchema.safeParse({ name: "CI", scopes: "root", expiresInDays: "30" }).success).toBe(false);
    expect(createTokenSchema.safeParse({ name: "CI", expiresInDays: "30" }).success).toBe(false);
    expect(createTokenSchema.safeParse({ name: "CI", scopes: "kb:read", expiresInDays: "7" }).success).toBe(false);
  });
});

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument("https://support.example.com");

  it("lists every operation once, under the server's /api/v1", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://support.example.com/api/v1" }]);
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => (o as { operationId: string }).operationId));
    expect(ids.sort()).toEqual(apiOperations.map((o) => o.operationId).sort());
  });

  it("derives request schemas from the validating zod schemas (strict → additionalProperties false)", () => {
    const create = doc.paths["/tickets"]!.post as { requestBody: { content: { "application/json": { schema: unknown } } }; parameters: { name: string; in: string; required: boolean }[] };
    const { $schema: _dialect, ...expected } = z.toJSONSchema(createTicketBody, { io: "input" });
    expect(create.requestBody.content["application/json"].schema).toEqual(expected);
    expect(expected).toMatchObject({ additionalProperties: false, required: ["subject", "description"] });
    expect(create.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }));
    const get = doc.paths["/tickets/{number}"]!.get as { parameters: { name: string; in: string; required: boolean }[] };
    expect(get.parameters).toContainEqual(expect.objectContaining({ name: "number", in: "path", required: true }));
  });

  it("documents errors as problem+json and 429 with Retry-After", () => {
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods) as { responses: Record<string, { content: Record<string, unknown>; headers?: Record<string, unknown> }> }[]) {
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(r.content)).toEqual(["application/problem+json"]);
          else expect(Object.keys(r.content)).toEqual(["application/json"]);
        }
        expect(op.responses["401"]).toBeDefined();
        expect(op.responses["429"]!.headers).toHaveProperty("Retry-After");
      }
    }
  });
});
