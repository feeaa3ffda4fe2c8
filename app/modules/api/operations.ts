/**
 * The /api/v1 operations and their zod schemas: the SAME schemas validate requests in the
 * routes and are turned into the OpenAPI 3.1 document (openapi.ts) and the /docs/api page.
 * Pure; no I/O.
 */
import { z } from "zod";
import { dealStages } from "../beta/model";
import { slaMetrics } from "../sla/policy";
import { ticketPriorities, ticketStatuses } from "../tickets/model";
import { apiScopes, type ApiScope } from "./scopes";

const ticketNumber = z.string().regex(/^[1-9]\d{0,8}$/, "A ticket number is a positive integer.").describe("The ticket's number, as shown to people (#123 → 123)");

// ---------- requests ----------
export const listTicketsQuery = z
  .object({
    status: z.enum(["open", "solved", "all"]).default("open").describe("open: new, open, pending, on hold; solved: solved or closed"),
    q: z.string().max(200).optional().describe("Full-text search over subject and messages, or a ticket number"),
    cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
  })
  .strict();

export const createTicketBody = z
  .object({
    subject: z.string().trim().min(3, "Use at least 3 characters.").max(200),
    description: z.string().trim().min(1, "Describe the problem.").max(20_000).describe("Markdown"),
    priority: z.enum(ticketPriorities).default("normal").describe("urgent only for enterprise and beta plans"),
    category: z.string().trim().max(60).nullable().optional(),
  })
  .strict();

export const replyBody = z
  .object({
    body: z.string().trim().min(1, "Write a reply.").max(20_000).describe("Markdown"),
    visibility: z.enum(["public", "internal"]).default("public").describe("internal notes: staff tokens only"),
  })
  .strict();

export const updateTicketBody = z
  .object({
    version: z.int().min(1).optional().describe("The version you read; or send it as If-Match"),
    status: z.enum(ticketStatuses).optional().describe("Customers may only set solved, or open to reopen"),
    priority: z.enum(ticketPriorities).optional().describe("Staff only"),
    assigneeId: z.uuid().nullable().optional().describe("Staff only; an active agent's or admin's id, or null"),
  })
  .strict();

export const kbSearchQuery = z
  .object({
    q: z.string().trim().min(1, "Enter a search query.").max(200),
    page: z.string().regex(/^[1-9]\d{0,3}$/, "A page is a positive integer.").optional(),
  })
  .strict();

export const ticketParams = z.object({ number: ticketNumber });
export const articleParams = z.object({ slug: z.string().min(1).max(200) });
export const emptyQuery = z.object({}).strict();

// ---------- responses ----------
const isoDate = z.iso.datetime({ offset: true });
const person = z.object({ id: z.uuid(), name: z.string() });

export const ticketSummary = z.object({
  number: z.int(),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  priority: z.enum(ticketPriorities),
  createdAt: isoDate,
  updatedAt: isoDate,
  url: z.string(),
});

export const ticketList = z.object({ tickets: z.array(ticketSummary), nextCursor: z.string().nullable() });

export const ticketMessage = z.object({
  id: z.uuid(),
  visibility: z.enum(["public", "internal"]),
  channel: z.string(),
  body: z.string(),
  author: z.object({ name: z.string().nullable(), staff: z.boolean() }),
  createdAt: isoDate,
});

export const ticketDetail = ticketSummary.extend({
  version: z.int(),
  organization: z.string(),
  requester: person.nullable(),
  assignee: person.nullable(),
  tags: z.array(z.string()),
  messages: z.array(ticketMessage),
});

export const slaMetricView = z.object({
  metric: z.enum(slaMetrics),
  label: z.string(),
  state: z.enum(["inactive", "running", "warning", "breached", "paused", "achieved"]),
  dueAt: isoDate.nullable(),
  warnAt: isoDate.nullable(),
  achievedAt: isoDate.nullable(),
  elapsedMinutes: z.number().describe("Business minutes counted by the calendar"),
  targetMinutes: z.number().nullable(),
  businessMinutesRemaining: z.number().nullable().describe("Negative when late"),
  cycle: z.int(),
});

export const ticketSla = z.object({
  promise: z.string().nullable().describe("What the customer is told, e.g. \"We aim to reply within 4 business hours.\""),
  clocks: z
    .object({ policyName: z.string().nullable(), calendarZone: z.string().nullable(), businessHours: z.boolean(), now: isoDate, metrics: z.array(slaMetricView) })
    .nullable()
    .describe("Staff tokens only; null for customers"),
});

export const betaDeal = z.object({
  id: z.uuid(),
  company: z.string(),
  stage: z.enum(dealStages),
  stageEnteredAt: isoDate,
  owner: z.string().nullable(),
  organization: z.string().nullable(),
  nextStep: z.string().nullable(),
  nextStepDueAt: isoDate.nullable(),
  version: z.int(),
  updatedAt: isoDate,
  url: z.string(),
});
export const betaDealList = z.object({ program: z.object({ id: z.uuid(), name: z.string() }).nullable(), deals: z.array(betaDeal) });

export const kbHit = z.object({ slug: z.string(), title: z.string(), summary: z.string(), category: z.string().nullable(), updatedAt: z.string(), url: z.string() });
export const kbSearchResult = z.object({ query: z.string(), total: z.int(), page: z.int(), pageSize: z.int(), hits: z.array(kbHit) });
export const kbArticle = z.object({
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  body: z.string().describe("Markdown"),
  visibility: z.enum(["public", "customers", "internal"]),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: isoDate,
  url: z.string(),
});

export const meResult = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(["customer", "agent", "sales", "admin"]), organizationId: z.uuid().nullable() }),
  token: z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), scopes: z.array(z.enum(apiScopes)), expiresAt: isoDate }),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string().describe("Stable machine-readable code"),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

// ---------- the operations ----------
export interface ApiOperation {
  operationId: string;
  method: "get" | "post" | "patch";
  /** OpenAPI path under /api/v1, with {params}. */
  path: string;
  summary: string;
  description: string;
  scope: ApiScope | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  headers?: { name: string; required: boolean; description: string }[];
  /** Success responses: status → schema. */
  responses: Record<number, { description: string; schema: z.ZodType; headers?: string[] }>;
  /** Error statuses this operation documents (problem+json). */
  errors: number[];
  example: { path: string; body?: unknown; headers?: Record<string, string> };
}

/** Every operation refuses unknown query parameters (422), so 422 is common to all. */
const commonErrors = [400, 401, 403, 422, 429];

export const apiOperations: ApiOperation[] = [
  {
    operationId: "listTickets",
    method: "get",
    path: "/tickets",
    summary: "List tickets",
    description: "Customers: their tickets, or their organization's when it shares tickets. Agents: tickets of their groups, unrouted tickets and their own. Admins: all. Newest activity first, 25 (customers) or 50 (staff) per page.",
    scope: "tickets:read",
    query: listTicketsQuery,
    responses: { 200: { description: "One page of tickets", schema: ticketList } },
    errors: [...commonErrors],
    example: { path: "/api/v1/tickets?status=open" },
  },
  {
    operationId: "createTicket",
    method: "post",
    path: "/tickets",
    summary: "File a ticket",
    description: "Customers file tickets for their organization. The Idempotency-Key header is required: the same key always answers with the same ticket (201 the first time, 200 after), so a retry never files twice.",
    scope: "tickets:write",
    body: createTicketBody,
    headers: [{ name: "Idempotency-Key", required: true, description: "A unique string per ticket you mean to file (a UUID), at most 200 characters" }],
    responses: {
      201: { description: "Created", schema: ticketDetail, headers: ["Location", "ETag"] },
      200: { description: "Already created with this Idempotency-Key", schema: ticketDetail, headers: ["Location", "ETag"] },
    },
    errors: [...commonErrors, 415],
    example: {
      path: "/api/v1/tickets",
      headers: { "Idempotency-Key": "3f1c0a6e-8d2b-4c53-9a57-0c6f2e4b9d10" },
      body: { subject: "Export fails", description: "The CSV export fails with error 500.", priority: "normal" },
    },
  },
  {
    operationId: "getTicket",
    method: "get",
    path: "/tickets/{number}",
    summary: "Get a ticket with its messages",
    description: "Public messages; internal notes only for staff tokens. A ticket you may not see answers 404, exactly as if it did not exist.",
    scope: "tickets:read",
    params: ticketParams,
    responses: { 200: { description: "The ticket", schema: ticketDetail, headers: ["ETag"] } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/tickets/1042" },
  },
  {
    operationId: "updateTicket",
    method: "patch",
    path: "/tickets/{number}",
    summary: "Change status, priority or assignee",
    description: "Send the version you read as If-Match (the ETag) or as `version`; a stale version answers 409 and changes nothing. Customers may mark their ticket solved or reopen it; staff may change status, priority and assignee.",
    scope: "tickets:write",
    params: ticketParams,
    body: updateTicketBody,
    headers: [{ name: "If-Match", required: false, description: "The ETag of the version you read (or send `version` in the body)" }],
    responses: { 200: { description: "The updated ticket", schema: ticketDetail, headers: ["ETag"] } },
    errors: [...commonErrors, 404, 409, 415, 428],
    example: { path: "/api/v1/tickets/1042", headers: { "If-Match": '"3"' }, body: { status: "solved" } },
  },
  {
    operationId: "replyToTicket",
    method: "post",
    path: "/tickets/{number}/replies",
    summary: "Reply to a ticket",
    description: "A public reply (customers and staff) or an internal note (staff only). A customer's reply to a solved ticket reopens it within 14 days.",
    scope: "tickets:write",
    params: ticketParams,
    body: replyBody,
    responses: { 201: { description: "The ticket with the new message", schema: ticketDetail, headers: ["ETag"] } },
    errors: [...commonErrors, 404, 409, 415],
    example: { path: "/api/v1/tickets/1042/replies", body: { body: "Thanks, that fixed it." } },
  },
  {
    operationId: "getTicketSla",
    method: "get",
    path: "/tickets/{number}/sla",
    summary: "A ticket's SLA clocks",
    description: "Staff tokens get every clock (first response, next response, resolution: state, due and warning times, business minutes elapsed and left), computed fresh from the ticket's timeline. Customers get only the promise they see on the portal.",
    scope: "tickets:read",
    params: ticketParams,
    responses: { 200: { description: "The clocks (staff) or the promise (customers)", schema: ticketSla } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/tickets/1042/sla" },
  },
  {
    operationId: "listBetaDeals",
    method: "get",
    path: "/beta/deals",
    summary: "List the beta program's deals",
    description: "Sales and admins: every deal of the active beta program with its stage, owner and next step (the board's data). Other roles answer 403.",
    scope: "beta:read",
    query: emptyQuery,
    responses: { 200: { description: "The active program and its deals", schema: betaDealList } },
    errors: [...commonErrors],
    example: { path: "/api/v1/beta/deals" },
  },
  {
    operationId: "searchArticles",
    method: "get",
    path: "/kb/search",
    summary: "Search the help center",
    description: "Full-text search over the articles the token's owner may read (customers: public and customer articles; staff: internal ones too). 10 hits per page.",
    scope: "kb:read",
    query: kbSearchQuery,
    responses: { 200: { description: "Hits, best first", schema: kbSearchResult } },
    errors: [...commonErrors],
    example: { path: "/api/v1/kb/search?q=export" },
  },
  {
    operationId: "getArticle",
    method: "get",
    path: "/kb/articles/{slug}",
    summary: "Read an article",
    description: "A published article the token's owner may read, in Markdown. An old slug answers with the article under its current slug.",
    scope: "kb:read",
    params: articleParams,
    responses: { 200: { description: "The article", schema: kbArticle } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/kb/articles/export-to-csv" },
  },
  {
    operationId: "getMe",
    method: "get",
    path: "/me",
    summary: "Who am I",
    description: "The token's owner and the token itself (its effective scopes: those granted that the owner's role still allows).",
    scope: null,
    query: emptyQuery,
    responses: { 200: { description: "The owner and the token", schema: meResult } },
    errors: [400, 401, 422, 429],
    example: { path: "/api/v1/me" },
  },
];

export function operationById(id: string): ApiOperation {
  const op = apiOperations.find((o) => o.operationId === id);
  if (!op) throw new Error(`Unknown API operation ${id}`);
  return op;
}
