/**
 * Contract test generated from the OpenAPI document, against a RUNNING server with the typed
 * client `npm run sdk` generates (app/sdk): the document is fetched from the server, every
 * path + method in it must have a case here (a new operation without one fails), and each
 * operation is called with a good and a bad request and must answer with a documented
 * status, the documented content type and a body matching the documented schema; without a
 * token it answers 401. Then scopes × roles (who may call what) and cross-organization
 * access (404). Since the client's types come from the same document, a drift between the
 * document, the server and the client fails here or in `npm run typecheck`.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { operationById, problemSchema } from "~/modules/api/operations";
import type { Role } from "~/modules/auth/permissions";
import { createPortalClient, type PortalClient } from "~/sdk/client";
import { betaDeals, betaPrograms } from "../../db/schema";
import { createKbArticle } from "../../db/seed/kb";
import { createOrganization, createUser } from "../support/factories";
import { startApiServer, type RunningServer } from "../support/api-server";
import { userWithToken } from "../support/api";
import { fetchDocument, generateSdk, sdkFiles } from "../../scripts/sdk";

type DocOperation = { operationId: string; responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }> };
type Doc = { openapi: string; paths: Record<string, Record<string, DocOperation>> };
/** What openapi-fetch answers: the parsed body as data (2xx) or error (4xx/5xx), and the response. */
type Outcome = { response: Response; data?: unknown; error?: unknown };

interface Case {
  /** The role whose token makes the good call. */
  role: Role;
  good: (client: PortalClient) => Promise<Outcome>;
  bad: () => Promise<Outcome>;
}

/** Who may call each operation (with a token holding every scope the role may grant). */
const allowedRoles: Record<string, Role[]> = {
  listTickets: ["customer", "agent", "admin"],
  createTicket: ["customer"],
  getTicket: ["customer", "agent", "admin"],
  updateTicket: ["customer", "agent", "admin"],
  replyToTicket: ["customer", "agent", "admin"],
  getTicketSla: ["customer", "agent", "admin"],
  listBetaDeals: ["sales", "admin"],
  createBetaDeal: ["sales", "admin"],
  getBetaDeal: ["sales", "admin"],
  updateBetaDeal: ["sales", "admin"],
  moveBetaDeal: ["sales", "admin"],
  searchArticles: ["customer", "agent", "sales", "admin"],
  getArticle: ["customer", "agent", "sales", "admin"],
  getMe: ["customer", "agent", "sales", "admin"],
  listOrganizations: ["admin"],
  createOrganization: ["admin"],
  getOrganization: ["admin"],
  updateOrganization: ["admin"],
  listUsers: ["admin"],
  getUser: ["admin"],
  updateUser: ["admin"],
};
const roles: Role[] = ["customer", "agent", "sales", "admin"];

let server: RunningServer;
let doc: Doc;
const tokens = {} as Record<Role | "stranger" | "kbOnlyAdmin", string>;
const clients = {} as Record<Role | "stranger" | "kbOnlyAdmin", PortalClient>;
let adminId = "";
let ticketNumber = 0;
let dealId = "";
let movableDealId = "";
let orgId = "";
let targetUserId = "";

const n = () => ({ number: String(ticketNumber) });

async function ticketVersion(): Promise<number> {
  const { data } = await clients.agent.GET("/tickets/{number}", { params: { path: n() } });
  return data!.version;
}

async function dealVersion(id: string): Promise<number> {
  const { data } = await clients.sales.GET("/beta/deals/{id}", { params: { path: { id } } });
  return data!.version;
}

const cases: Record<string, Case> = {
  listTickets: {
    role: "customer",
    good: (c) => c.GET("/tickets", { params: { query: { status: "all" } } }),
    bad: () => clients.customer.GET("/tickets", { params: { query: { status: "sideways" as never } } }),
  },
  createTicket: {
    role: "customer",
    good: (c) => c.POST("/tickets", { params: { header: { "Idempotency-Key": randomUUID() } }, body: { subject: "Contract ticket", description: "Filed by the contract test." } }),
    bad: () => clients.customer.POST("/tickets", { params: {} as never, body: { subject: "No key", description: "x" } }),
  },
  getTicket: {
    role: "customer",
    good: (c) => c.GET("/tickets/{number}", { params: { path: n() } }),
    bad: () => clients.stranger.GET("/tickets/{number}", { params: { path: n() } }),
  },
  updateTicket: {
    role: "agent",
    good: async (c) => c.PATCH("/tickets/{number}", { params: { path: n(), header: { "If-Match": `"${await ticketVersion()}"` } }, body: { priority: "high" } }),
    bad: async () => clients.agent.PATCH("/tickets/{number}", { params: { path: n() }, body: { priority: "low", version: (await ticketVersion()) - 1 } }),
  },
  replyToTicket: {
    role: "customer",
    good: (c) => c.POST("/tickets/{number}/replies", { params: { path: n() }, body: { body: "More detail." } }),
    bad: () => clients.customer.POST("/tickets/{number}/replies", { params: { path: n() }, body: {} as never }),
  },
  getTicketSla: {
    role: "agent",
    good: (c) => c.GET("/tickets/{number}/sla", { params: { path: n() } }),
    bad: () => clients.stranger.GET("/tickets/{number}/sla", { params: { path: n() } }),
  },
  listBetaDeals: {
    role: "sales",
    good: (c) => c.GET("/beta/deals"),
    bad: () => clients.sales.GET("/beta/deals", { params: { query: { stage: "demo" } as never } }),
  },
  createBetaDeal: {
    role: "sales",
    good: (c) => c.POST("/beta/deals", { body: { company: `Contract ${randomUUID().slice(0, 8)}`, website: "contract.example", contact: { name: "Pat", email: "pat@contract.example" } } }),
    bad: () => clients.sales.POST("/beta/deals", { body: { company: "Umbrella", stage: "onboarded" } as never }),
  },
  getBetaDeal: {
    role: "sales",
    good: (c) => c.GET("/beta/deals/{id}", { params: { path: { id: dealId } } }),
    bad: () => clients.sales.GET("/beta/deals/{id}", { params: { path: { id: randomUUID() } } }),
  },
  updateBetaDeal: {
    role: "sales",
    good: async (c) => c.PATCH("/beta/deals/{id}", { params: { path: { id: dealId }, header: { "If-Match": `"${await dealVersion(dealId)}"` } }, body: { nextStep: `Call back ${randomUUID().slice(0, 4)}`, nextStepDueAt: "2099-04-03T17:00:00Z" } }),
    bad: async () => clients.sales.PATCH("/beta/deals/{id}", { params: { path: { id: dealId } }, body: { nextStep: "Stale", version: (await dealVersion(dealId)) - 1 } }),
  },
  moveBetaDeal: {
    role: "sales",
    good: async (c) => c.POST("/beta/deals/{id}/move", { params: { path: { id: movableDealId } }, body: { to: "demo", version: await dealVersion(movableDealId) } }),
    // No demo date or attendees: the demo gate refuses (422 stage_gate_refused).
    bad: async () => clients.sales.POST("/beta/deals/{id}/move", { params: { path: { id: dealId } }, body: { to: "demo", version: await dealVersion(dealId) } }),
  },
  searchArticles: {
    role: "customer",
    good: (c) => c.GET("/kb/search", { params: { query: { q: "contract" } } }),
    bad: () => clients.customer.GET("/kb/search", { params: { query: { q: "contract", sort: "new" } as never } }),
  },
  getArticle: {
    role: "customer",
    good: (c) => c.GET("/kb/articles/{slug}", { params: { path: { slug: "contract-article" } } }),
    bad: () => clients.customer.GET("/kb/articles/{slug}", { params: { path: { slug: "no-such-article" } } }),
  },
  getMe: {
    role: "customer",
    good: (c) => c.GET("/me"),
    bad: () => createPortalClient({ baseUrl: server.baseUrl, token: "pt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }).GET("/me"),
  },
  listOrganizations: {
    role: "admin",
    good: (c) => c.GET("/organizations"),
    bad: () => clients.admin.GET("/organizations", { params: { query: { cursor: "not-a-cursor" } } }),
  },
  createOrganization: {
    role: "admin",
    good: (c) => c.POST("/organizations", { body: { name: "Contract Org", domain: `c${randomUUID().slice(0, 8)}.example`, plan: "beta", shareTickets: true } }),
    bad: () => clients.admin.POST("/organizations", { body: { name: "Duplicate", domain: "contract-co.example" } }),
  },
  getOrganization: {
    role: "admin",
    good: (c) => c.GET("/organizations/{id}", { params: { path: { id: orgId } } }),
    bad: () => clients.admin.GET("/organizations/{id}", { params: { path: { id: randomUUID() } } }),
  },
  updateOrganization: {
    role: "admin",
    good: (c) => c.PATCH("/organizations/{id}", { params: { path: { id: orgId } }, body: { plan: "enterprise" } }),
    bad: () => clients.admin.PATCH("/organizations/{id}", { params: { path: { id: orgId } }, body: { color: "red" } as never }),
  },
  listUsers: {
    role: "admin",
    good: (c) => c.GET("/users", { params: { query: { role: "agent" } } }),
    bad: () => clients.admin.GET("/users", { params: { query: { role: "boss" as never } } }),
  },
  getUser: {
    role: "admin",
    good: (c) => c.GET("/users/{id}", { params: { path: { id: targetUserId } } }),
    bad: () => clients.admin.GET("/users/{id}", { params: { path: { id: randomUUID() } } }),
  },
  updateUser: {
    role: "admin",
    good: (c) => c.PATCH("/users/{id}", { params: { path: { id: targetUserId } }, body: { role: "sales" } }),
    // Self-demotion is refused (422 change_refused), as on /admin/users.
    bad: () => clients.admin.PATCH("/users/{id}", { params: { path: { id: adminId } }, body: { role: "agent" } }),
  },
};

/** A documented path with its parameters filled in. */
function concrete(path: string): string {
  return path
    .replace("{number}", String(ticketNumber))
    .replace("{slug}", "contract-article")
    .replace(/^\/beta\/deals\/\{id\}/, `/beta/deals/${dealId}`)
    .replace(/^\/organizations\/\{id\}/, `/organizations/${orgId}`)
    .replace(/^\/users\/\{id\}/, `/users/${targetUserId}`);
}

beforeAll(async () => {
  server = await startApiServer();
  const org = await createOrganization(db(), { name: "Contract Co", plan: "enterprise", domain: "contract-co.example" });
  const other = await createOrganization(db(), { name: "Elsewhere" });
  orgId = org.id;
  const owners = {
    customer: await userWithToken("customer", { organizationId: org.id }),
    stranger: await userWithToken("customer", { organizationId: other.id }),
    agent: await userWithToken("agent"),
    sales: await userWithToken("sales"),
    admin: await userWithToken("admin"),
    kbOnlyAdmin: await userWithToken("admin", { scopes: ["kb:read"] }),
  };
  adminId = owners.admin.user.id;
  for (const [key, owner] of Object.entries(owners) as [keyof typeof owners, { token: string }][]) {
    tokens[key] = owner.token;
    clients[key] = createPortalClient({ baseUrl: server.baseUrl, token: owner.token });
  }
  targetUserId = (await createUser(db(), { role: "agent", name: "Target Agent" })).id;
  const [program] = await db().insert(betaPrograms).values({ name: "Contract beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true }).returning();
  dealId = (await db().insert(betaDeals).values({ programId: program!.id, company: "Initech" }).returning())[0]!.id;
  movableDealId = (await db().insert(betaDeals).values({ programId: program!.id, company: "Hooli", demoAt: new Date("2026-03-02T10:00:00Z"), demoAttendees: "Gavin" }).returning())[0]!.id;
  await createKbArticle(db(), { slug: "contract-article", title: "Contract article", body: "The contract test reads this." });
  const created = await clients.customer.POST("/tickets", { params: { header: { "Idempotency-Key": randomUUID() } }, body: { subject: "Contract base", description: "Base ticket." } });
  ticketNumber = created.data!.number;
  const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = (await res.json()) as Doc;
});

afterAll(async () => {
  await server?.close();
});

function operations() {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
}

function expectDocumented(operationId: string, op: DocOperation, outcome: Outcome, kind: "good" | "bad" | "unauthenticated") {
  const { response } = outcome;
  const body = outcome.data ?? outcome.error;
  const documented = op.responses[String(response.status)];
  expect(documented, `${operationId} ${kind}: status ${response.status} is documented (${JSON.stringify(body)})`).toBeDefined();
  const contentType = response.headers.get("content-type")!.split(";")[0]!;
  expect(Object.keys(documented!.content ?? {}), `${operationId} ${kind}`).toContain(contentType);
  if (response.status < 400) {
    expect(contentType).toBe("application/json");
    const parsed = operationById(operationId).responses[response.status]!.schema.safeParse(body);
    expect(parsed.success, `${operationId}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    for (const header of Object.keys(documented!.headers ?? {})) expect(response.headers.get(header), `${operationId} header ${header}`).not.toBeNull();
  } else {
    expect(contentType).toBe("application/problem+json");
    expect(problemSchema.strict().safeParse(body).success, JSON.stringify(body)).toBe(true);
    expect((body as { status: number }).status).toBe(response.status);
  }
}

describe("the OpenAPI document served by the running server", () => {
  it("is OpenAPI 3.1, and every path + method in it has a contract case and a roles row", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ops = operations();
    for (const { path, method, op } of ops) {
      expect(cases[op.operationId], `${method.toUpperCase()} ${path} (${op.operationId}) has no contract case`).toBeDefined();
      expect(allowedRoles[op.operationId], `${op.operationId} has no row in the roles table`).toBeDefined();
    }
    // …and no case is left for an operation the document no longer has.
    expect(Object.keys(cases).sort()).toEqual(ops.map((o) => o.op.operationId).sort());
  });
});

describe("the committed client", () => {
  it("is what `npm run sdk -- --url` generates from the running server's document", async () => {
    const generated = await generateSdk(await fetchDocument(server.baseUrl));
    expect(generated.schema === readFileSync(sdkFiles.schema, "utf8"), "app/sdk/schema.d.ts differs from the served document: run npm run sdk").toBe(true);
  });
});

describe("every documented operation answers as documented, through the generated client", () => {
  it.each(Object.keys(cases))("%s", async (operationId) => {
    const found = operations().find((o) => o.op.operationId === operationId);
    expect(found, `${operationId} is in the document`).toBeDefined();
    const c = cases[operationId]!;
    expect(allowedRoles[operationId]).toContain(c.role);

    const good = await c.good(clients[c.role]);
    expectDocumented(operationId, found!.op, good, "good");
    expect(good.response.status, `${operationId} good: ${JSON.stringify(good.error)}`).toBeLessThan(300);

    const bad = await c.bad();
    expectDocumented(operationId, found!.op, bad, "bad");
    expect(bad.response.status, `${operationId} bad`).toBeGreaterThanOrEqual(400);

    // Without a token: 401, before anything else is looked at.
    const raw = await fetch(`${server.baseUrl}/api/v1${concrete(found!.path)}`, {
      method: found!.method.toUpperCase(),
      ...(found!.method === "get" ? {} : { headers: { "content-type": "application/json" }, body: "{}" }),
    });
    const error = await raw.json();
    expectDocumented(operationId, found!.op, { response: raw, error }, "unauthenticated");
    expect(raw.status).toBe(401);
    expect(error.code).toBe("missing_token");
    expect(raw.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("scopes × roles", () => {
  it.each(roles)("%s tokens are refused (403) by every operation their role may not use", async (role) => {
    for (const { op } of operations()) {
      if (allowedRoles[op.operationId]!.includes(role)) continue;
      const outcome = await cases[op.operationId]!.good(clients[role]);
      expect(outcome.response.status, `${role} ${op.operationId}: ${JSON.stringify(outcome.error)}`).toBe(403);
      expect(["insufficient_scope", "forbidden"]).toContain((outcome.error as { code: string }).code);
    }
  });

  it("an admin token without a scope is refused every operation that needs it (403 insufficient_scope)", async () => {
    for (const { op } of operations()) {
      const scope = operationById(op.operationId).scope;
      if (!scope || scope === "kb:read") continue;
      const outcome = await cases[op.operationId]!.good(clients.kbOnlyAdmin);
      expect(outcome.response.status, op.operationId).toBe(403);
      expect((outcome.error as { code: string }).code).toBe("insufficient_scope");
      expect(outcome.response.headers.get("www-authenticate")).toContain(`scope="${scope}"`);
    }
  });
});

describe("cross-organization access", () => {
  it("another organization's ticket answers 404 to every ticket operation, as if it did not exist", async () => {
    const c = clients.stranger;
    const results = [
      await c.GET("/tickets/{number}", { params: { path: n() } }),
      await c.GET("/tickets/{number}/sla", { params: { path: n() } }),
      await c.POST("/tickets/{number}/replies", { params: { path: n() }, body: { body: "Let me in" } }),
      await c.PATCH("/tickets/{number}", { params: { path: n() }, body: { status: "solved", version: 1 } }),
    ];
    for (const r of results) {
      expect(r.response.status).toBe(404);
      expect((r.error as { code: string }).code).toBe("not_found");
    }
    const list = await c.GET("/tickets", { params: { query: { status: "all" } } });
    expect(list.data!.tickets.map((t) => t.number)).not.toContain(ticketNumber);
  });
});

describe("unknown query parameters", () => {
  it("are refused with a documented 422 by every GET operation", async () => {
    for (const { path, method, op } of operations().filter((o) => o.method === "get")) {
      const res = await fetch(`${server.baseUrl}/api/v1${concrete(path)}${path === "/kb/search" ? "?q=x&" : "?"}unknownParameter=1`, {
        headers: { authorization: `Bearer ${tokens[cases[op.operationId]!.role]}` },
      });
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(res.status, `${method} ${op.operationId}`).toBe(422);
      expect(op.responses["422"], op.operationId).toBeDefined();
      expect(body.errors[0]!.path).toMatch(/^query/);
    }
  });
});

describe("outside the documented operations", () => {
  it("answers an unknown API path and a wrong method with problems", async () => {
    const missing = await fetch(`${server.baseUrl}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${tokens.customer}` } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const wrong = await fetch(`${server.baseUrl}/api/v1/tickets`, { method: "DELETE", headers: { authorization: `Bearer ${tokens.customer}` } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect(((await wrong.json()) as { code: string }).code).toBe("method_not_allowed");
  });
});
