import { Link } from "react-router";
import type { Route } from "./+types/docs";
import { DataTable } from "~/components/data-table";
import { env } from "~/lib/env.server";
import { apiLimits } from "~/modules/api/limits";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { apiOperations } from "~/modules/api/operations";
import { problemCodes } from "~/modules/api/problem";
import { apiScopes, scopeDescriptions } from "~/modules/api/scopes";

export const meta: Route.MetaFunction = () => [
  { title: "API reference · Support Portal" },
  { name: "description", content: "The Support Portal REST API: authentication, errors, rate limits and every operation with an example." },
];

type Schema = { type?: string | string[]; enum?: unknown[]; description?: string; default?: unknown; maxLength?: number; minLength?: number; format?: string; pattern?: string; anyOf?: Schema[] };

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  return s.format ? `${t} (${s.format})` : t;
}

function limitsOf(s: Schema): string {
  const parts: string[] = [];
  if (s.minLength !== undefined) parts.push(`min ${s.minLength} chars`);
  if (s.maxLength !== undefined) parts.push(`max ${s.maxLength} chars`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(", ");
}

function curlFor(base: string, op: (typeof apiOperations)[number]): string {
  const lines = [`curl ${op.method === "get" ? "" : `-X ${op.method.toUpperCase()} `}'${base}${op.example.path}'`, `  -H 'Authorization: Bearer pt_…'`];
  for (const [k, v] of Object.entries(op.example.headers ?? {})) lines.push(`  -H '${k}: ${v}'`);
  if (op.example.body !== undefined) {
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  -d '${JSON.stringify(op.example.body)}'`);
  }
  return lines.join(" \\\n");
}

export function loader() {
  const base = env().APP_URL;
  const doc = buildOpenApiDocument(base);
  const operations = apiOperations.map((op) => {
    const spec = doc.paths[op.path]![op.method] as {
      parameters: { name: string; in: string; required: boolean; description?: string; schema: Schema }[];
      requestBody?: { content: { "application/json": { schema: { properties?: Record<string, Schema>; required?: string[] } } } };
      responses: Record<string, { description: string; content: Record<string, unknown> }>;
    };
    const body = spec.requestBody?.content["application/json"].schema;
    return {
      id: op.operationId,
      method: op.method.toUpperCase(),
      path: `/api/v1${op.path}`,
      summary: op.summary,
      description: op.description,
      scope: op.scope,
      parameters: spec.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, description: p.description ?? p.schema.description ?? "", type: typeOf(p.schema), limits: limitsOf(p.schema) })),
      body: body
        ? Object.entries(body.properties ?? {}).map(([name, s]) => ({ name, required: (body.required ?? []).includes(name), type: typeOf(s), description: s.description ?? "", limits: limitsOf(s) }))
        : null,
      responses: Object.entries(spec.responses).map(([status, r]) => ({ status, description: r.description, type: Object.keys(r.content ?? {})[0] ?? "" })),
      curl: curlFor(base, op),
    };
  });
  return {
    base,
    operations,
    scopes: apiScopes.map((s) => ({ scope: s, description: scopeDescriptions[s] })),
    codes: Object.entries(problemCodes).map(([code, v]) => ({ code, status: v.status, title: v.title, anchor: `error-${code.replace(/_/g, "-")}` })),
    limits: apiLimits,
  };
}

const pre: React.CSSProperties = { whiteSpace: "pre-wrap", fontFamily: "var(--mono)", fontSize: "0.85rem", background: "var(--surface-2)", padding: "var(--space-3)", borderRadius: "var(--radius)", overflowX: "auto" };

export default function ApiDocs({ loaderData }: Route.ComponentProps) {
  const { operations, scopes, codes, limits, base } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>API reference</h1>
          <p>
            JSON over HTTPS at <code>{base}/api/v1</code>. The machine-readable description is <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI 3.1),
            generated from the same schemas that validate requests.
          </p>
        </div>
      </div>

      <nav aria-label="On this page" className="card">
        <h2 className="card-title">On this page</h2>
        <ul>
          <li><a href="#authentication">Authentication and scopes</a></li>
          <li><a href="#errors">Errors</a></li>
          <li><a href="#rate-limits">Rate limits</a></li>
          <li><a href="#client">Typed TypeScript client</a></li>
          {operations.map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`}>
                <code>{op.method}</code> {op.path}
              </a>{" "}
              — {op.summary}
            </li>
          ))}
        </ul>
      </nav>

      <section className="card" aria-labelledby="authentication">
        <h2 className="card-title" id="authentication">Authentication and scopes</h2>
        <p>
          Create a token on <Link to="/account/tokens">your account&apos;s API tokens page</Link>. It is shown once; only its SHA-256 is stored. Send it in the
          header <code>Authorization: Bearer pt_…</code>. A token in the URL (for example <code>?access_token=</code>) is refused with{" "}
          <a href="#error-token-in-query">token_in_query</a>: treat such a token as leaked and revoke it.
        </p>
        <p>
          A token acts as its owner, with exactly the access the owner has on the pages: customers reach their own organization&apos;s tickets, a ticket you may not
          see answers 404. A token carries scopes; an operation needing a scope the token lacks answers 403 <code>insufficient_scope</code>. A scope your role
          no longer allows stops working at once.
        </p>
        <DataTable
          caption="Token scopes"
          columns={["Scope", "Grants"]}
          rows={scopes}
          row={(s) => (
            <tr key={s.scope}>
              <td><code>{s.scope}</code></td>
              <td>{s.description}</td>
            </tr>
          )}
        />
        <p className="small muted">Customers and agents may grant tickets:read, tickets:write and kb:read; sales kb:read, beta:read and beta:write; admins every scope.</p>
      </section>

      <section className="card" aria-labelledby="errors">
        <h2 className="card-title" id="errors">Errors</h2>
        <p>
          Every error is <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code>; validation errors list each field in <code>errors</code>.
          Unknown fields and parameters are refused.
        </p>
        <pre style={pre}>{`HTTP/1.1 422 Unprocessable Content
Content-Type: application/problem+json

{
  "type": "/docs/api#error-validation-failed",
  "title": "The request did not pass validation",
  "status": 422,
  "detail": "The body did not pass validation.",
  "code": "validation_failed",
  "errors": [{ "path": "body.colour", "message": "Unknown field: colour" }]
}`}</pre>
        <DataTable
          caption="Error codes"
          columns={["Status", "code", "Meaning"]}
          rows={codes}
          row={(c) => (
            <tr key={c.code} id={c.anchor}>
              <td className="num">{c.status}</td>
              <td><code>{c.code}</code></td>
              <td>{c.title}</td>
            </tr>
          )}
        />
      </section>

      <section className="card" aria-labelledby="rate-limits">
        <h2 className="card-title" id="rate-limits">Rate limits</h2>
        <p>
          Each token may make a burst of {limits.token.capacity} requests, refilled at {limits.token.refillPerSecond} per second; all tokens of one customer
          organization together {limits.organization.capacity}, refilled at {limits.organization.refillPerSecond} per second. Every answer carries{" "}
          <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code> (seconds). Over the limit the answer is 429{" "}
          <code>rate_limited</code> with <code>Retry-After</code> in seconds: wait that long, then retry.
        </p>
        <p>Requests and errors are counted per token per day; the owner sees them as a chart on the tokens page.</p>
      </section>

      <section className="card" aria-labelledby="client">
        <h2 className="card-title" id="client">Typed TypeScript client</h2>
        <p>
          The portal&apos;s repository ships a typed client: <code>app/sdk/schema.d.ts</code> (every path, parameter, body and response, generated from
          openapi.json by <a href="https://openapi-ts.dev/">openapi-typescript</a>) and <code>app/sdk/client.ts</code>, a small wrapper around{" "}
          <a href="https://openapi-ts.dev/openapi-fetch/">openapi-fetch</a>. The API&apos;s own contract tests call a running server with this client, so the
          document, the server and the client agree.
        </p>
        <h3>Get it</h3>
        <ul>
          <li>
            In the portal&apos;s repository: <code>npm run sdk</code> regenerates <code>app/sdk/openapi.json</code> and <code>app/sdk/schema.d.ts</code> from
            the code; <code>npm run sdk -- --url {base}</code> generates them from this running portal instead.
          </li>
          <li>
            In your own project: <code>npm install openapi-fetch</code> and <code>npx openapi-typescript {base}/api/v1/openapi.json -o portal-api.d.ts</code>, then
            copy <code>client.ts</code> (30 lines) next to it and import from <code>./portal-api</code>.
          </li>
        </ul>
        <h3>Use it</h3>
        <pre style={pre}>{`import { createPortalClient } from "./sdk/client";

const portal = createPortalClient({ baseUrl: "${base}", token: process.env.PORTAL_TOKEN! });

// Typed parameters and results; errors come back as problem+json values, never thrown.
const { data, error, response } = await portal.GET("/tickets", { params: { query: { status: "open" } } });
if (error) throw new Error(\`\${response.status} \${error.code}: \${error.detail}\`);
for (const ticket of data.tickets) console.log(ticket.number, ticket.subject);

const filed = await portal.POST("/tickets", {
  params: { header: { "Idempotency-Key": crypto.randomUUID() } },
  body: { subject: "Export fails", description: "The CSV export fails with error 500." },
});

// Versioned writes: send the version you read (the ETag) as If-Match.
const deal = await portal.GET("/beta/deals/{id}", { params: { path: { id: dealId } } });
const moved = await portal.POST("/beta/deals/{id}/move", {
  params: { path: { id: dealId }, header: { "If-Match": \`"\${deal.data!.version}"\` } },
  body: { to: "demo" },
});
if (moved.error?.code === "stage_gate_refused") console.log("Missing:", moved.error.errors?.map((e) => e.message));`}</pre>
      </section>

      {operations.map((op) => (
        <section key={op.id} className="card" aria-labelledby={op.id}>
          <h2 className="card-title" id={op.id}>
            <code>{op.method}</code> {op.path}
          </h2>
          <p>
            <strong>{op.summary}.</strong> {op.description}
          </p>
          <p className="small">
            Scope: {op.scope ? <code>{op.scope}</code> : "any valid token"} · operationId <code>{op.id}</code>
          </p>
          {op.parameters.length ? (
            <>
              <h3>Parameters</h3>
              <DataTable
                caption={`Parameters of ${op.method} ${op.path}`}
                columns={["Name", "In", "Type", "Description"]}
                rows={op.parameters}
                row={(p) => (
                  <tr key={`${p.in}-${p.name}`}>
                    <td>
                      <code>{p.name}</code> {p.required ? <span className="badge badge-warning">required</span> : null}
                    </td>
                    <td>{p.in}</td>
                    <td>{p.type}</td>
                    <td>
                      {p.description} {p.limits ? <span className="muted small">({p.limits})</span> : null}
                    </td>
                  </tr>
                )}
              />
            </>
          ) : null}
          {op.body ? (
            <>
              <h3>JSON body</h3>
              <DataTable
                caption={`JSON body of ${op.method} ${op.path}`}
                columns={["Field", "Type", "Description"]}
                rows={op.body}
                row={(f) => (
                  <tr key={f.name}>
                    <td>
                      <code>{f.name}</code> {f.required ? <span className="badge badge-warning">required</span> : null}
                    </td>
                    <td>{f.type}</td>
                    <td>
                      {f.description} {f.limits ? <span className="muted small">({f.limits})</span> : null}
                    </td>
                  </tr>
                )}
              />
            </>
          ) : null}
          <h3>Responses</h3>
          <ul>
            {op.responses.map((r) => (
              <li key={r.status}>
                <strong>{r.status}</strong> {r.description} <span className="muted small">{r.type}</span>
              </li>
            ))}
          </ul>
          <h3>Example</h3>
          <pre style={pre}>{op.curl}</pre>
        </section>
      ))}
    </>
  );
}
