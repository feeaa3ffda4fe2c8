/**
 * The OpenAPI 3.1 document of /api/v1, generated from the operations' zod schemas (the same
 * ones that validate requests) with zod 4's z.toJSONSchema. Pure.
 */
import { z } from "zod";
import { apiLimits } from "./limits";
import { apiOperations, problemSchema, type ApiOperation } from "./operations";
import { problemCodes } from "./problem";
import { apiScopes, scopeDescriptions } from "./scopes";

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const statusText: Record<number, string> = {
  400: "Bad request (malformed JSON, a token in the URL, a missing Idempotency-Key)",
  401: "Missing, invalid, expired or revoked token",
  403: "The token lacks the scope, or the owner's role may not do this",
  404: "Not found, or not visible to the token's owner",
  409: "Conflict: the resource changed since you read it (`version_conflict`), or the change would leave no active admin (`last_admin`)",
  415: "The body is not application/json",
  422: "Validation failed (unknown fields are refused; `validation_failed`), a stage gate is not met (`stage_gate_refused`) or a rule refuses the change (`change_refused`); see `errors`",
  428: "No version sent (If-Match header or `version` field)",
  429: "Rate limited; see Retry-After",
};

function parametersOf(op: ApiOperation) {
  const params: Record<string, unknown>[] = [];
  for (const [where, schema] of [["path", op.params], ["query", op.query]] as const) {
    if (!schema) continue;
    const js = schemaOf(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = prop as { description?: string };
      params.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  for (const h of op.headers ?? []) params.push({ name: h.name, in: "header", required: h.required, description: h.description, schema: { type: "string", maxLength: 200 } });
  return params;
}

const rateHeaders = {
  "RateLimit-Limit": { description: "Requests allowed in a burst", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in the burst", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the bucket is full again", schema: { type: "integer" } },
};

export function buildOpenApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of apiOperations) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      const headers: Record<string, unknown> = { ...rateHeaders };
      for (const h of r.headers ?? []) headers[h] = { schema: { type: "string" } };
      responses[status] = { description: r.description, headers, content: { "application/json": { schema: schemaOf(r.schema, "output") } } };
    }
    for (const status of op.errors) {
      responses[String(status)] = {
        description: statusText[status] ?? "Error",
        ...(status === 429 ? { headers: { "Retry-After": { schema: { type: "integer" } }, ...rateHeaders } } : {}),
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      ...(op.scope ? { "x-required-scope": op.scope } : {}),
      security: [{ bearerAuth: op.scope ? [op.scope] : [] }],
      parameters: parametersOf(op),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body, "input"), example: op.example.body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Support Portal API",
      version: "1.0.0",
      description: `Bearer tokens (\`Authorization: Bearer pt_…\`) created on /account/tokens. Errors are application/problem+json with a stable \`code\`. Rate limits: ${apiLimits.token.capacity} requests per token in a burst, then ${apiLimits.token.refillPerSecond}/s.`,
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: `Scopes: ${apiScopes.map((s) => `${s} (${scopeDescriptions[s]})`).join("; ")}` },
      },
      schemas: {
        Problem: { ...schemaOf(problemSchema, "output"), "x-codes": Object.keys(problemCodes) },
      },
    },
  };
}
