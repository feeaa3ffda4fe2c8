/**
 * The /api/v1 operations and their zod schemas: the SAME schemas validate requests in the
 * routes and are turned into the OpenAPI 3.1 document (openapi.ts) and the /docs/api page.
 * Pure; no I/O.
 */
import { z } from "zod";
import { dealStages, lostReasons } from "../beta/model";
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

// beta deals (beta:write)
const websiteText = z
  .string()
  .trim()
  .max(300)
  .regex(/^(https?:\/\/)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i, "Enter a website such as globex.com.");
const instant = z.iso.datetime({ offset: true, error: "Use an ISO 8601 date-time with an offset, like 2026-03-31T17:00:00Z." });

export const createDealBody = z
  .object({
    company: z.string().trim().min(1, "Enter the company's name.").max(200),
    website: websiteText.nullable().optional(),
    source: z.string().trim().max(100).nullable().optional(),
    ownerId: z.uuid().nullable().optional().describe("A sales or admin user's id; default: the token's owner"),
    nextStep: z.string().trim().max(300).nullable().optional(),
    nextStepDueAt: instant.nullable().optional(),
    contact: z
      .object({ name: z.string().trim().min(1, "Enter the contact's name.").max(200), email: z.email("Enter an email address.").max(254), role: z.string().trim().max(100).nullable().optional() })
      .strict()
      .nullable()
      .optional()
      .describe("The first contact; invited to the portal when the deal is onboarded"),
  })
  .strict();

export const updateDealBody = z
  .object({
    version: z.int().min(1).optional().describe("The version you read; or send it as If-Match"),
    company: z.string().trim().min(1, "Enter the company's name.").max(200).optional(),
    website: websiteText.nullable().optional(),
    source: z.string().trim().max(100).nullable().optional(),
    ownerId: z.uuid().nullable().optional().describe("A sales or admin user's id, or null"),
    notes: z.string().trim().max(10_000).optional(),
    demoAt: instant.nullable().optional().describe("Needed (with demoAttendees) to move to demo"),
    demoAttendees: z.string().trim().max(500).nullable().optional(),
    nextStep: z.string().trim().max(300).nullable().optional(),
    nextStepDueAt: instant.nullable().optional(),
  })
  .strict();

export const moveDealBody = z
  .object({
    version: z.int().min(1).optional().describe("The version you read; or send it as If-Match"),
    to: z.enum(dealStages).describe("The stage to move to; its gate must be met"),
    lostReason: z.enum(lostReasons).optional().describe("Required to move to lost"),
    lostNote: z.string().trim().max(500).optional(),
  })
  .strict();

// admin
const domainText = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, "Enter a domain such as example.com (no https:// and no @).");
export const organizationPlans = ["standard", "enterprise", "beta"] as const;

export const createOrganizationBody = z
  .object({
    name: z.string().trim().min(1, "Enter the organization's name.").max(200),
    domain: domainText.nullable().optional().describe("Unique; people signing up with this email domain belong here"),
    plan: z.enum(organizationPlans).default("standard"),
    shareTickets: z.boolean().default(false).describe("Members see each other's tickets"),
  })
  .strict();

export const updateOrganizationBody = z
  .object({
    name: z.string().trim().min(1, "Enter the organization's name.").max(200).optional(),
    domain: domainText.nullable().optional(),
    plan: z.enum(organizationPlans).optional(),
    shareTickets: z.boolean().optional(),
  })
  .strict();

export const listPageQuery = z
  .object({ cursor: z.string().max(300).optional().describe("`nextCursor` of the previous page") })
  .strict();

export const listUsersQuery = z
  .object({
    role: z.enum(["customer", "agent", "sales", "admin"]).optional(),
    status: z.enum(["active", "invited", "disabled"]).optional(),
    q: z.string().trim().max(200).optional().describe("Part of a name or email address"),
    organizationId: z.uuid().optional(),
    cursor: z.string().max(300).optional().describe("`nextCursor` of the previous page"),
  })
  .strict();

export const updateUserBody = z
  .object({
    role: z.enum(["agent", "sales", "admin"]).optional().describe("Staff only; not your own; the last active admin keeps the role"),
    disabled: z.boolean().optional().describe("true disables the account (its sessions end), false enables it; not your own"),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { message: "Send role, disabled or both." });

export const ticketParams = z.object({ number: ticketNumber });
export const idParams = z.object({ id: z.uuid("Not a valid id.") });
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

export const betaDealDetail = betaDeal.extend({
  website: z.string().nullable(),
  source: z.string().nullable(),
  ownerId: z.uuid().nullable(),
  organizationId: z.uuid().nullable(),
  notes: z.string(),
  demoAt: isoDate.nullable(),
  demoAttendees: z.string().nullable(),
  lostReason: z.string().nullable(),
  createdAt: isoDate,
  gates: z
    .array(z.object({ stage: z.enum(dealStages), items: z.array(z.object({ key: z.string(), label: z.string(), met: z.boolean() })) }))
    .describe("What each other stage needs (lost needs a reason at the move)"),
});

export const dealMoveResult = z.object({
  moved: z.boolean().describe("false when the deal already was in that stage"),
  deal: betaDealDetail,
  onboarding: z
    .object({ organizationId: z.uuid(), organizationCreated: z.boolean(), invited: z.array(z.string()), tasksCreated: z.int() })
    .nullable()
    .describe("Set when the move onboarded the customer"),
});

export const organizationView = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  plan: z.enum(organizationPlans),
  shareTickets: z.boolean(),
  memberCount: z.int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export const organizationList = z.object({ organizations: z.array(organizationView), nextCursor: z.string().nullable() });

export const userView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["customer", "agent", "sales", "admin"]),
  status: z.enum(["active", "invited", "disabled"]),
  organization: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  lastSignInAt: isoDate.nullable(),
  createdAt: isoDate,
});
export const userList = z.object({ users: z.array(userView), nextCursor: z.string().nullable() });

export const kbHit = z.object({ slug: z.string(), title: z.string(), summary: z.string(), category: z.string().nullable(), updatedAt: z.string(), url: z.string() });
export const kbSearchResult = z.object({
  query: z.string(),
  total: z.int().describe("Matching articles, counted up to 1,000 (see totalIsCapped)"),
  totalIsCapped: z.boolean().describe("More than 1,000 articles match: total says 1,000 and the best 1,000 can be paged through"),
  page: z.int(),
  pageSize: z.int(),
  hits: z.array(kbHit),
});
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
    operationId: "createBetaDeal",
    method: "post",
    path: "/beta/deals",
    summary: "Add a prospect to the beta program",
    description: "Sales and admins: a new deal in the active program's prospect stage (with its first stage event, exactly as on the board). 422 `change_refused` when no program is active.",
    scope: "beta:write",
    body: createDealBody,
    responses: { 201: { description: "Created", schema: betaDealDetail, headers: ["Location", "ETag"] } },
    errors: [...commonErrors, 415],
    example: { path: "/api/v1/beta/deals", body: { company: "Initech", website: "initech.example", nextStep: "Book the demo", contact: { name: "Peter Gibbons", email: "peter@initech.example" } } },
  },
  {
    operationId: "getBetaDeal",
    method: "get",
    path: "/beta/deals/{id}",
    summary: "Get a deal",
    description: "Sales and admins: one deal with its fields, version (ETag) and what each stage's gate still needs.",
    scope: "beta:read",
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: "The deal", schema: betaDealDetail, headers: ["ETag"] } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/beta/deals/0b5f1c2e-7a44-4c1b-9a3e-2d6f8e9a1b2c" },
  },
  {
    operationId: "updateBetaDeal",
    method: "patch",
    path: "/beta/deals/{id}",
    summary: "Change a deal's fields or next step",
    description: "Send the version you read as If-Match or `version`; a stale one answers 409. Every changed field is recorded in the deal's timeline, as on the deal page. The stage changes only through the move operation.",
    scope: "beta:write",
    params: idParams,
    body: updateDealBody,
    headers: [{ name: "If-Match", required: false, description: "The ETag of the version you read (or send `version` in the body)" }],
    responses: { 200: { description: "The updated deal", schema: betaDealDetail, headers: ["ETag"] } },
    errors: [...commonErrors, 404, 409, 415, 428],
    example: { path: "/api/v1/beta/deals/0b5f1c2e-7a44-4c1b-9a3e-2d6f8e9a1b2c", headers: { "If-Match": '"2"' }, body: { nextStep: "Send the agreement", nextStepDueAt: "2026-04-03T17:00:00Z" } },
  },
  {
    operationId: "moveBetaDeal",
    method: "post",
    path: "/beta/deals/{id}/move",
    summary: "Move a deal to another stage",
    description: "The board's move: the target stage's gate must be met (demo: a demo date and attendees; agreement: drafted terms; onboarded: a signed agreement; lost: a reason), else 422 `stage_gate_refused` lists the missing items in `errors`. Appends a stage event; a move to onboarded runs the onboarding (organization on the beta plan, invitations, checklist). Send the version you read (If-Match or `version`).",
    scope: "beta:write",
    params: idParams,
    body: moveDealBody,
    headers: [{ name: "If-Match", required: false, description: "The ETag of the version you read (or send `version` in the body)" }],
    responses: { 200: { description: "The deal after the move", schema: dealMoveResult, headers: ["ETag"] } },
    errors: [...commonErrors, 404, 409, 415, 428],
    example: { path: "/api/v1/beta/deals/0b5f1c2e-7a44-4c1b-9a3e-2d6f8e9a1b2c/move", headers: { "If-Match": '"3"' }, body: { to: "demo" } },
  },
  {
    operationId: "listOrganizations",
    method: "get",
    path: "/organizations",
    summary: "List organizations",
    description: "Admins: every customer organization by name, 50 per page, with its member count.",
    scope: "admin",
    query: listPageQuery,
    responses: { 200: { description: "One page of organizations", schema: organizationList } },
    errors: [...commonErrors],
    example: { path: "/api/v1/organizations" },
  },
  {
    operationId: "createOrganization",
    method: "post",
    path: "/organizations",
    summary: "Create an organization",
    description: "Admins: the same rules as /admin/organizations (a domain is unique: 422 on `body.domain`); recorded in the audit log.",
    scope: "admin",
    body: createOrganizationBody,
    responses: { 201: { description: "Created", schema: organizationView, headers: ["Location"] } },
    errors: [...commonErrors, 415],
    example: { path: "/api/v1/organizations", body: { name: "Initech", domain: "initech.example", plan: "beta", shareTickets: true } },
  },
  {
    operationId: "getOrganization",
    method: "get",
    path: "/organizations/{id}",
    summary: "Get an organization",
    description: "Admins: one organization.",
    scope: "admin",
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: "The organization", schema: organizationView } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/organizations/6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b" },
  },
  {
    operationId: "updateOrganization",
    method: "patch",
    path: "/organizations/{id}",
    summary: "Change an organization",
    description: "Admins: the fields you send change, the others stay; the audit log records what changed.",
    scope: "admin",
    params: idParams,
    body: updateOrganizationBody,
    responses: { 200: { description: "The updated organization", schema: organizationView } },
    errors: [...commonErrors, 404, 415],
    example: { path: "/api/v1/organizations/6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", body: { plan: "enterprise" } },
  },
  {
    operationId: "listUsers",
    method: "get",
    path: "/users",
    summary: "List users",
    description: "Admins: people by name, 50 per page, filtered by role, status, organization or a part of the name or email.",
    scope: "admin",
    query: listUsersQuery,
    responses: { 200: { description: "One page of users", schema: userList } },
    errors: [...commonErrors],
    example: { path: "/api/v1/users?role=agent" },
  },
  {
    operationId: "getUser",
    method: "get",
    path: "/users/{id}",
    summary: "Get a user",
    description: "Admins: one user.",
    scope: "admin",
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: "The user", schema: userView } },
    errors: [...commonErrors, 404],
    example: { path: "/api/v1/users/2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d" },
  },
  {
    operationId: "updateUser",
    method: "patch",
    path: "/users/{id}",
    summary: "Change a user's role, or disable or enable them",
    description: "Admins, with the rules of /admin/users: only staff have roles; you cannot change your own role or disable yourself (422 `change_refused`); the last active admin stays (409 `last_admin`). Their sessions end so the change applies at once. With both fields, the role changes first.",
    scope: "admin",
    params: idParams,
    body: updateUserBody,
    responses: { 200: { description: "The updated user", schema: userView } },
    errors: [...commonErrors, 404, 409, 415],
    example: { path: "/api/v1/users/2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d", body: { role: "sales" } },
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
