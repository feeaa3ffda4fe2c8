/**
 * Contract test generated from the OpenAPI document: every operation it lists is called with a
 * good and a bad request, and must answer with a documented status, the documented content
 * type, and a body matching the documented schema (the zod schemas the document is built from).
 */
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { operationById, problemSchema } from "~/modules/api/operations";
import * as ticketsRoute from "~/routes/api/tickets";
import * as ticketRoute from "~/routes/api/ticket";
import * as repliesRoute from "~/routes/api/ticket-replies";
import * as slaRoute from "~/routes/api/ticket-sla";
import * as betaDealsRoute from "~/routes/api/beta-deals";
import { betaDeals, betaPrograms } from "../../db/schema";
import * as kbSearchRoute from "~/routes/api/kb-search";
import * as kbArticleRoute from "~/routes/api/kb-article";
import * as meRoute from "~/routes/api/me";
import * as openapiRoute from "~/routes/api/openapi";
import * as notFoundRoute from "~/routes/api/not-found";
import { createKbArticle } from "../../db/seed/kb";
import { createOrganization } from "../support/factories";
import { call } from "../support/requests";
import { apiRequest, userWithToken } from "../support/api";

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }> }>> };
type RouteModule = { loader?: (args: never) => unknown; action?: (args: never) => unknown };
interface Case {
  request: () => Promise<Request>;
  params?: () => Record<string, string>;
}

let doc: Doc;
let customer: string, agent: string, stranger: string, sales: string;
let ticketNumber = 0;

const routesByOperation: Record<string, RouteModule> = {
  listTickets: ticketsRoute,
  createTicket: ticketsRoute,
  getTicket: ticketRoute,
  updateTicket: ticketRoute,
  replyToTicket: repliesRoute,
  getTicketSla: slaRoute,
  listBetaDeals: betaDealsRoute,
  searchArticles: kbSearchRoute,
  getArticle: kbArticleRoute,
  getMe: meRoute,
};

async function currentVersion(): Promise<number> {
  const res = await call(ticketRoute.loader, apiRequest("GET", `/api/v1/tickets/${ticketNumber}`, agent), { number: String(ticketNumber) });
  return (res.data as { version: number }).version;
}

const n = () => ({ number: String(ticketNumber) });

const cases: Record<string, { good: Case; bad: Case }> = {
  listTickets: {
    good: { request: async () => apiRequest("GET", "/api/v1/tickets?status=all", customer) },
    bad: { request: async () => apiRequest("GET", "/api/v1/tickets?status=sideways", customer) },
  },
  createTicket: {
    good: { request: async () => apiRequest("POST", "/api/v1/tickets", customer, { headers: { "idempotency-key": randomUUID() }, body: { subject: "Contract ticket", description: "Filed by the contract test." } }) },
    bad: { request: async () => apiRequest("POST", "/api/v1/tickets", customer, { body: { subject: "No key", description: "x" } }) },
  },
  getTicket: {
    good: { request: async () => apiRequest("GET", `/api/v1/tickets/${ticketNumber}`, customer), params: n },
    bad: { request: async () => apiRequest("GET", `/api/v1/tickets/${ticketNumber}`, stranger), params: n },
  },
  updateTicket: {
    good: { request: async () => apiRequest("PATCH", `/api/v1/tickets/${ticketNumber}`, agent, { headers: { "if-match": `"${await currentVersion()}"` }, body: { priority: "high" } }), params: n },
    bad: { request: async () => apiRequest("PATCH", `/api/v1/tickets/${ticketNumber}`, agent, { body: { priority: "low", version: (await currentVersion()) - 1 } }), params: n },
  },
  replyToTicket: {
    good: { request: async () => apiRequest("POST", `/api/v1/tickets/${ticketNumber}/replies`, customer, { body: { body: "More detail." } }), params: n },
    bad: { request: async () => apiRequest("POST", `/api/v1/tickets/${ticketNumber}/replies`, customer, { body: {} }), params: n },
  },
  getTicketSla: {
    good: { request: async () => apiRequest("GET", `/api/v1/tickets/${ticketNumber}/sla`, agent), params: n },
    bad: { request: async () => apiRequest("GET", `/api/v1/tickets/${ticketNumber}/sla`, stranger), params: n },
  },
  listBetaDeals: {
    good: { request: async () => apiRequest("GET", "/api/v1/beta/deals", sales) },
    bad: { request: async () => apiRequest("GET", "/api/v1/beta/deals?stage=demo", sales) },
  },
  searchArticles: {
    good: { request: async () => apiRequest("GET", "/api/v1/kb/search?q=contract", customer) },
    bad: { request: async () => apiRequest("GET", "/api/v1/kb/search?q=contract&sort=new", customer) },
  },
  getArticle: {
    good: { request: async () => apiRequest("GET", "/api/v1/kb/articles/contract-article", customer), params: () => ({ slug: "contract-article" }) },
    bad: { request: async () => apiRequest("GET", "/api/v1/kb/articles/no-such-article", customer), params: () => ({ slug: "no-such-article" }) },
  },
  getMe: {
    good: { request: async () => apiRequest("GET", "/api/v1/me", customer) },
    bad: { request: async () => apiRequest("GET", "/api/v1/me", null) },
  },
};

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Contract Co", plan: "enterprise" });
  const other = await createOrganization(db(), { name: "Elsewhere" });
  customer = (await userWithToken("customer", { organizationId: org.id })).token;
  stranger = (await userWithToken("customer", { organizationId: other.id })).token;
  agent = (await userWithToken("admin")).token;
  sales = (await userWithToken("sales")).token;
  const [program] = await db().insert(betaPrograms).values({ name: "Contract beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true }).returning();
  await db().insert(betaDeals).values({ programId: program!.id, company: "Initech" });
  await createKbArticle(db(), { slug: "contract-article", title: "Contract article", body: "The contract test reads this." });
  const created = await call(ticketsRoute.action, apiRequest("POST", "/api/v1/tickets", customer, { headers: { "idempotency-key": randomUUID() }, body: { subject: "Contract base", description: "Base ticket." } }));
  ticketNumber = (created.data as { number: number }).number;
  const res = await call(openapiRoute.loader, apiRequest("GET", "/api/v1/openapi.json", null));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = res.data as Doc;
});

function operations() {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and every operation has a route in app/routes.ts and a contract case", () => {
    expect(doc.openapi).toBe("3.1.0");
    const routes = readFileSync(new URL("../../app/routes.ts", import.meta.url), "utf8");
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(10);
    for (const { path, op } of ops) {
      expect(routes, path).toContain(`"api/v1${path.replace(/\{(\w+)\}/g, ":$1")}"`);
      expect(cases[op.operationId], op.operationId).toBeDefined();
      expect(routesByOperation[op.operationId], op.operationId).toBeDefined();
    }
  });
});

describe("every documented operation answers as documented", () => {
  it.each(Object.keys(cases))("%s", async (operationId) => {
    const found = operations().find((o) => o.op.operationId === operationId);
    expect(found, `${operationId} is in the document`).toBeDefined();
    const { method, op } = found!;
    const route = routesByOperation[operationId]!;
    const fn = (method === "get" ? route.loader : route.action)!;
    const spec = operationById(operationId);

    for (const kind of ["good", "bad"] as const) {
      const c = cases[operationId]![kind];
      const request = await c.request();
      expect(request.method.toLowerCase()).toBe(method);
      const res = await call(fn as never, request, c.params?.() ?? {});
      const documented = op.responses[String(res.status)];
      expect(documented, `${operationId} ${kind}: status ${res.status} is documented (${JSON.stringify(res.data)})`).toBeDefined();
      const success = res.status < 400;
      expect(success, `${operationId} ${kind} answered ${res.status}`).toBe(kind === "good");
      const contentType = res.headers.get("content-type")!.split(";")[0]!;
      expect(Object.keys(documented!.content ?? {})).toContain(contentType);
      if (success) {
        expect(contentType).toBe("application/json");
        const parsed = spec.responses[res.status]!.schema.safeParse(res.data);
        expect(parsed.success, `${operationId}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        for (const header of Object.keys(documented!.headers ?? {})) expect(res.headers.get(header), `${operationId} header ${header}`).not.toBeNull();
      } else {
        expect(contentType).toBe("application/problem+json");
        expect(problemSchema.strict().safeParse(res.data).success, JSON.stringify(res.data)).toBe(true);
        expect((res.data as { status: number }).status).toBe(res.status);
      }
    }
  });
});

describe("unknown query parameters", () => {
  it("are refused with a documented 422 by every GET operation", async () => {
    for (const { method, op } of operations().filter((o) => o.method === "get")) {
      const good = await cases[op.operationId]!.good.request();
      const u = new URL(good.url);
      u.searchParams.set("unknownParameter", "1");
      const res = await call(routesByOperation[op.operationId]!.loader as never, new Request(u, { method: "GET", headers: good.headers }), cases[op.operationId]!.good.params?.() ?? {});
      expect(res.status, `${method} ${op.operationId}`).toBe(422);
      expect(op.responses["422"], op.operationId).toBeDefined();
      expect((res.data as { errors: { path: string }[] }).errors[0]!.path).toMatch(/^query/);
    }
  });
});

describe("outside the documented operations", () => {
  it("answers an unknown API path and a wrong method with problems", async () => {
    const missing = await call(notFoundRoute.loader as never, apiRequest("GET", "/api/v1/nothing-here", customer));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const wrong = await call(ticketsRoute.action, apiRequest("DELETE", "/api/v1/tickets", customer));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect((wrong.data as { code: string }).code).toBe("method_not_allowed");
  });
});
