/**
 * The authorization matrix, kept as data: for every route of app/routes.ts (and every API
 * operation) which identity gets what, in which resource state. tests/integration/
 * authorization-matrix.test.ts walks it with real sessions and bearer tokens through the whole
 * application (page HTML, React Router `.data` requests and form posts), and fails for a route
 * without a row — so whoever adds a route adds its rows here.
 *
 * Identities (built by tests/integration/authorization-matrix.test.ts from the demo seed):
 * - anon: signed out
 * - customerA: alice@acme.test (Acme, shares tickets in the organization)
 * - customerB: carol@globex.test (Globex, a beta customer)
 * - agent: agent2@demo.test (member of the Technical and Billing groups)
 * - agentOutside: agent@demo.test (member of Technical only: outside the Billing ticket's group)
 * - sales: sales@demo.test
 * - admin: admin@demo.test
 *
 * Outcomes: "ok" 200 · "login" redirect to /login?redirectTo=… · "redirect" any other redirect ·
 * "invalid" 400 · "unavailable" 503 (a feature not configured) · "forbidden" 403 · "missing" 404 · "unauthorized" 401 (API without a usable token) ·
 * "handled" (posts only) any answer below 500 that is not a refusal (a success, a redirect or a
 * validation error: the identity was let in).
 */
export const identities = ["anon", "customerA", "customerB", "agent", "agentOutside", "sales", "admin"] as const;
export type Identity = (typeof identities)[number];

export type Outcome = "ok" | "login" | "redirect" | "invalid" | "forbidden" | "missing" | "unauthorized" | "handled" | "method" | "unavailable";
export type Outcomes = Record<Identity, Outcome>;

/** Ids, numbers and slugs of the fixture resources, filled by the test from the seeded data. */
export interface MatrixFixtures {
  /** Acme ticket in the Technical group (alice's). */
  ownTicket: number;
  /** Acme ticket in the Billing group, assigned to agent2: outside agentOutside's groups. */
  billingTicket: number;
  /** Globex ticket (carol's). */
  otherOrgTicket: number;
  ownAttachment: string;
  otherOrgAttachment: string;
  publicArticle: string;
  customersArticle: string;
  internalArticle: string;
  draftArticle: string;
  internalArticleId: string;
  draftArticleId: string;
  category: string;
  deal: string;
  organization: string;
  calendar: string;
  policy: string;
  rule: string;
  mailboxMessage: string;
  inviteToken: string;
  resetToken: string;
}

export interface GetRow {
  /** The route's URL pattern as React Router sees it, e.g. "/portal/tickets/:number". */
  route: string;
  /** The resource state this row is about ("own ticket", "other organization's ticket", …). */
  state: string;
  path: (f: MatrixFixtures) => string;
  expect: Outcomes;
  /** Resource routes (files, CSV, XML, JSON): no `.data` request. */
  resource?: boolean;
}

export interface PostRow {
  route: string;
  state: string;
  path: (f: MatrixFixtures) => string;
  /** Intents posted one by one (the `intent` field); [""] posts without one. */
  intents: string[];
  /** Other fields sent with each intent (a plausible form, so refusals are not validation errors). */
  fields?: (f: MatrixFixtures) => Record<string, string>;
  expect: Outcomes;
}

export interface ApiRow {
  /** OpenAPI path, e.g. "/api/v1/tickets/{number}"; the route is derived from it. */
  path: string;
  method: "GET" | "POST" | "PATCH";
  state: string;
  url: (f: MatrixFixtures) => string;
  body?: unknown;
  headers?: Record<string, string>;
  /** With a bearer token of each identity holding every scope its role may grant; anon sends none. */
  expect: Outcomes;
}

// ---- building blocks -------------------------------------------------------------------

const all = (outcome: Outcome): Outcomes => ({
  anon: outcome,
  customerA: outcome,
  customerB: outcome,
  agent: outcome,
  agentOutside: outcome,
  sales: outcome,
  admin: outcome,
});

/** Signed-in people allowed (`allowed` roles get `ok`), everybody else refused with 403, anon sent to sign in. */
function signedIn(allowed: ("customer" | "agent" | "sales" | "admin")[], refused: Outcome = "forbidden", ok: Outcome = "ok"): Outcomes {
  const pick = (role: "customer" | "agent" | "sales" | "admin") => (allowed.includes(role) ? ok : refused);
  return {
    anon: "login",
    customerA: pick("customer"),
    customerB: pick("customer"),
    agent: pick("agent"),
    agentOutside: pick("agent"),
    sales: pick("sales"),
    admin: pick("admin"),
  };
}

const everyone = signedIn(["customer", "agent", "sales", "admin"]);
const customers = signedIn(["customer"]);
const desk = signedIn(["agent", "admin"]);
const beta = signedIn(["sales", "admin"]);
const adminOnly = signedIn(["admin"]);
const orgReaders = signedIn(["agent", "sales", "admin"]);
const publicPage = all("ok");

/** The same outcomes for a post: whoever may GET is let in ("handled"). */
function asPost(o: Outcomes, overrides: Partial<Outcomes> = {}): Outcomes {
  const out = { ...o };
  for (const k of identities) if (out[k] === "ok") out[k] = "handled";
  return { ...out, ...overrides };
}

// ---- pages and resource routes (GET) -----------------------------------------------------

export const getRows: GetRow[] = [
  // Home sends everybody on: signed out to /login, signed in to the role's home.
  { route: "/", state: "home", path: () => "/", expect: signedIn(["customer", "agent", "sales", "admin"], "forbidden", "redirect") },
  // auth
  { route: "/login", state: "form", path: () => "/login", expect: { ...all("redirect"), anon: "ok" } },
  { route: "/logout", state: "page", path: () => "/logout", expect: all("redirect") },
  { route: "/forgot-password", state: "form", path: () => "/forgot-password", expect: publicPage },
  { route: "/reset-password/:token", state: "valid token", path: (f) => `/reset-password/${f.resetToken}`, expect: publicPage },
  // An unusable link answers 400 with a way to ask for a new one.
  { route: "/reset-password/:token", state: "unknown token", path: () => "/reset-password/not-a-token", expect: all("invalid") },
  { route: "/invite/:token", state: "valid token", path: (f) => `/invite/${f.inviteToken}`, expect: publicPage },
  { route: "/invite/:token", state: "unknown token", path: () => "/invite/not-a-token", expect: all("invalid") },
  { route: "/account", state: "own account", path: () => "/account", expect: everyone },
  { route: "/account/tokens", state: "own tokens", path: () => "/account/tokens", expect: everyone },
  // portal
  { route: "/portal", state: "my tickets", path: () => "/portal", expect: customers },
  { route: "/portal/organization", state: "my organization", path: () => "/portal/organization", expect: customers },
  { route: "/portal/tickets/new", state: "form", path: () => "/portal/tickets/new", expect: customers },
  // Customers outside the beta get a page saying so (no feedback data).
  { route: "/portal/feedback", state: "beta feedback", path: () => "/portal/feedback", expect: customers },
  { route: "/portal/tickets/:number", state: "own organization's ticket", path: (f) => `/portal/tickets/${f.ownTicket}`, expect: { ...customers, customerB: "missing" } },
  { route: "/portal/tickets/:number", state: "other organization's ticket", path: (f) => `/portal/tickets/${f.otherOrgTicket}`, expect: { ...customers, customerA: "missing" } },
  { route: "/portal/tickets/:number", state: "no such ticket", path: () => "/portal/tickets/999999", expect: { ...customers, customerA: "missing", customerB: "missing" } },
  {
    route: "/portal/tickets/:number/attachments/:attachmentId",
    state: "own organization's attachment",
    path: (f) => `/portal/tickets/${f.ownTicket}/attachments/${f.ownAttachment}`,
    expect: { anon: "login", customerA: "ok", customerB: "missing", agent: "ok", agentOutside: "ok", sales: "missing", admin: "ok" },
    resource: true,
  },
  {
    route: "/portal/tickets/:number/attachments/:attachmentId",
    state: "attachment of another ticket",
    path: (f) => `/portal/tickets/${f.ownTicket}/attachments/${f.otherOrgAttachment}`,
    expect: { anon: "login", customerA: "missing", customerB: "missing", agent: "missing", agentOutside: "missing", sales: "missing", admin: "missing" },
    resource: true,
  },
  // desk
  { route: "/desk", state: "queues", path: () => "/desk", expect: desk },
  { route: "/desk/views/:view", state: "built-in view", path: () => "/desk/views/all-open", expect: desk },
  { route: "/desk/views/:view", state: "unknown view", path: () => "/desk/views/nope", expect: { ...desk, agent: "missing", agentOutside: "missing", admin: "missing" } },
  { route: "/desk/tickets/:number", state: "ticket in the agent's group", path: (f) => `/desk/tickets/${f.ownTicket}`, expect: desk },
  { route: "/desk/tickets/:number", state: "ticket outside the agent's groups", path: (f) => `/desk/tickets/${f.billingTicket}`, expect: { ...desk, agentOutside: "missing" } },
  {
    route: "/desk/tickets/:number/attachments/:attachmentId",
    state: "attachment",
    path: (f) => `/desk/tickets/${f.otherOrgTicket}/attachments/${f.otherOrgAttachment}`,
    expect: { anon: "login", customerA: "missing", customerB: "ok", agent: "ok", agentOutside: "ok", sales: "missing", admin: "ok" },
    resource: true,
  },
  { route: "/desk/customers", state: "directory", path: () => "/desk/customers", expect: desk },
  { route: "/desk/inbox", state: "inbound mail", path: () => "/desk/inbox", expect: desk },
  { route: "/desk/reports/sla", state: "report", path: () => "/desk/reports/sla", expect: desk },
  // help center
  { route: "/help", state: "home", path: () => "/help", expect: publicPage },
  { route: "/help/search", state: "search", path: () => "/help/search?q=escalation", expect: publicPage },
  { route: "/help/suggest", state: "suggestions", path: () => "/help/suggest?q=escalation", expect: publicPage, resource: true },
  { route: "/help/faq", state: "faq", path: () => "/help/faq", expect: publicPage },
  { route: "/help/categories/:slug", state: "category", path: (f) => `/help/categories/${f.category}`, expect: publicPage },
  { route: "/help/articles/:slug", state: "public article", path: (f) => `/help/articles/${f.publicArticle}`, expect: publicPage },
  // An article the reader may not see answers 404 exactly like a missing one (docs/help-center.md).
  { route: "/help/articles/:slug", state: "customers-only article", path: (f) => `/help/articles/${f.customersArticle}`, expect: { ...publicPage, anon: "missing" } },
  {
    route: "/help/articles/:slug",
    state: "internal article",
    path: (f) => `/help/articles/${f.internalArticle}`,
    expect: { anon: "missing", customerA: "missing", customerB: "missing", agent: "ok", agentOutside: "ok", sales: "ok", admin: "ok" },
  },
  {
    route: "/help/articles/:slug",
    state: "draft article",
    path: (f) => `/help/articles/${f.draftArticle}`,
    // Drafts are previewed in /desk/kb, never in the help center.
    expect: all("missing"),
  },
  { route: "/sitemap.xml", state: "public articles", path: () => "/sitemap.xml", expect: publicPage, resource: true },
  { route: "/desk/kb", state: "articles", path: () => "/desk/kb", expect: desk },
  { route: "/desk/kb/categories", state: "categories", path: () => "/desk/kb/categories", expect: desk },
  { route: "/desk/kb/new", state: "form", path: () => "/desk/kb/new", expect: desk },
  { route: "/desk/kb/articles/:id", state: "internal article", path: (f) => `/desk/kb/articles/${f.internalArticleId}`, expect: desk },
  { route: "/desk/kb/articles/:id/revisions", state: "draft article", path: (f) => `/desk/kb/articles/${f.draftArticleId}/revisions`, expect: desk },
  { route: "/desk/kb/articles/:id/translations/:locale", state: "internal article", path: (f) => `/desk/kb/articles/${f.internalArticleId}/translations/de`, expect: desk },
  // beta program
  { route: "/beta", state: "board", path: () => "/beta", expect: beta },
  { route: "/beta/customers", state: "beta organizations", path: () => "/beta/customers", expect: beta },
  // Agents read a deal's support-health panel only (read:deal-health); the test checks what they get.
  { route: "/beta/deals/:id", state: "deal", path: (f) => `/beta/deals/${f.deal}`, expect: orgReaders },
  { route: "/beta/deals/:id/agreement/document", state: "agreement", path: (f) => `/beta/deals/${f.deal}/agreement/document`, expect: { ...beta, sales: "missing", admin: "missing" }, resource: true },
  { route: "/beta/reports", state: "reports", path: () => "/beta/reports", expect: beta },
  { route: "/beta/reports/deals.csv", state: "export", path: () => "/beta/reports/deals.csv", expect: beta, resource: true },
  { route: "/beta/import", state: "form", path: () => "/beta/import", expect: beta },
  { route: "/beta/feedback", state: "triage", path: () => "/beta/feedback", expect: orgReaders },
  { route: "/beta/programs", state: "programs", path: () => "/beta/programs", expect: beta },
  { route: "/beta/goals", state: "goals", path: () => "/beta/goals", expect: beta },
  // admin
  { route: "/admin/users", state: "list", path: () => "/admin/users", expect: adminOnly },
  { route: "/admin/organizations", state: "list", path: () => "/admin/organizations", expect: orgReaders },
  { route: "/admin/organizations/:id", state: "organization", path: (f) => `/admin/organizations/${f.organization}`, expect: orgReaders },
  { route: "/admin/groups", state: "list", path: () => "/admin/groups", expect: adminOnly },
  { route: "/admin/audit", state: "log", path: () => "/admin/audit", expect: adminOnly },
  { route: "/admin/audit.csv", state: "export", path: () => "/admin/audit.csv", expect: adminOnly, resource: true },
  { route: "/admin/sla", state: "settings", path: () => "/admin/sla", expect: adminOnly },
  { route: "/admin/sla/calendars/:id", state: "calendar", path: (f) => `/admin/sla/calendars/${f.calendar}`, expect: adminOnly },
  { route: "/admin/sla/policies/:id", state: "policy", path: (f) => `/admin/sla/policies/${f.policy}`, expect: adminOnly },
  { route: "/admin/sla/rules/:id", state: "rule", path: (f) => `/admin/sla/rules/${f.rule}`, expect: adminOnly },
  { route: "/admin/macros", state: "list", path: () => "/admin/macros", expect: adminOnly },
  { route: "/admin/mailbox", state: "outbox", path: () => "/admin/mailbox", expect: adminOnly },
  { route: "/admin/mailbox/:id", state: "message", path: (f) => `/admin/mailbox/${f.mailboxMessage}`, expect: adminOnly },
  { route: "/admin/slack", state: "settings", path: () => "/admin/slack", expect: adminOnly },
  { route: "/admin/webhooks", state: "list", path: () => "/admin/webhooks", expect: adminOnly },
  // No webhook in the demo seed: the page of an unknown one is 404 for admins, refused for the rest.
  { route: "/admin/webhooks/:id", state: "no such webhook", path: () => "/admin/webhooks/00000000-0000-4000-8000-000000000000", expect: { ...adminOnly, admin: "missing" } },
  { route: "/notifications", state: "own notifications", path: () => "/notifications", expect: orgReaders },
  // machine endpoints and API reference
  { route: "/webhooks/resend", state: "GET", path: () => "/webhooks/resend", expect: all("method"), resource: true },
  { route: "/webhooks/slack", state: "GET", path: () => "/webhooks/slack", expect: all("method"), resource: true },
  { route: "/api/v1/openapi.json", state: "document", path: () => "/api/v1/openapi.json", expect: publicPage, resource: true },
  { route: "/docs/api", state: "reference", path: () => "/docs/api", expect: publicPage },
];

// ---- form posts ----------------------------------------------------------------------------

/** Form posts: every intent of every route with an action, posted with nothing else. */
export const postRows: PostRow[] = [
  { route: "/login", state: "form", path: () => "/login", intents: [""], expect: all("handled") },
  { route: "/logout", state: "session", path: () => "/logout", intents: [""], expect: all("login") },
  { route: "/forgot-password", state: "form", path: () => "/forgot-password", intents: [""], expect: all("handled") },
  { route: "/reset-password/:token", state: "unknown token", path: () => "/reset-password/not-a-token", intents: [""], expect: all("handled") },
  { route: "/invite/:token", state: "unknown token", path: () => "/invite/not-a-token", intents: [""], expect: all("handled") },
  { route: "/account", state: "own account", path: () => "/account", intents: ["profile", "password", "sign-out-others"], expect: asPost(everyone) },
  { route: "/account/tokens", state: "own tokens", path: () => "/account/tokens", intents: ["create", "revoke"], expect: asPost(everyone) },
  { route: "/portal/tickets/new", state: "form", path: () => "/portal/tickets/new", intents: [""], expect: asPost(customers) },
  {
    route: "/portal/feedback",
    state: "beta feedback",
    path: () => "/portal/feedback",
    intents: ["submit"],
    fields: () => ({ kind: "feedback", title: "Matrix feedback", body: "A plausible piece of feedback." }),
    // Feedback is open to beta customers (Globex) only; others get 404.
    expect: asPost({ ...customers, customerA: "missing" }),
  },
  {
    route: "/portal/tickets/:number",
    state: "other organization's ticket",
    path: (f) => `/portal/tickets/${f.otherOrgTicket}`,
    intents: ["reply", "solve", "reopen", "rate"],
    fields: () => ({ body: "A reply from the matrix.", rating: "good" }),
    expect: asPost({ ...customers, customerA: "missing" }),
  },
  {
    route: "/desk/tickets/:number",
    state: "ticket outside the agent's groups",
    path: (f) => `/desk/tickets/${f.billingTicket}`,
    intents: ["save", "assign-to-me", "merge", "link", "unlink"],
    fields: (f) => ({ version: "1", body: "", target: String(f.ownTicket), related: String(f.ownTicket) }),
    expect: asPost({ ...desk, agentOutside: "missing" }),
  },
  { route: "/desk/views/:view", state: "built-in view", path: () => "/desk/views/all-open", intents: ["bulk", "save-view", "delete-view"], expect: asPost(desk) },
  { route: "/desk", state: "queues", path: () => "/desk", intents: ["bulk", "save-view", "delete-view"], expect: asPost(desk) },
  { route: "/desk/inbox", state: "inbound mail", path: () => "/desk/inbox", intents: [""], expect: asPost(desk) },
  { route: "/desk/kb/new", state: "form", path: () => "/desk/kb/new", intents: ["save", "publish"], expect: asPost(desk) },
  { route: "/desk/kb/articles/:id", state: "internal article", path: (f) => `/desk/kb/articles/${f.internalArticleId}`, intents: ["save", "publish", "unpublish", "archive"], expect: asPost(desk) },
  { route: "/desk/kb/articles/:id/revisions", state: "draft article", path: (f) => `/desk/kb/articles/${f.draftArticleId}/revisions`, intents: ["restore"], expect: asPost(desk) },
  { route: "/desk/kb/articles/:id/translations/:locale", state: "internal article", path: (f) => `/desk/kb/articles/${f.internalArticleId}/translations/fr`, intents: ["save", "preview"], expect: asPost(desk) },
  { route: "/desk/kb/categories", state: "categories", path: () => "/desk/kb/categories", intents: ["create", "update", "delete"], expect: asPost(desk) },
  { route: "/help/articles/:slug", state: "public article", path: (f) => `/help/articles/${f.publicArticle}`, intents: ["feedback", ""], expect: all("handled") },
  {
    route: "/help/articles/:slug",
    state: "internal article",
    path: (f) => `/help/articles/${f.internalArticle}`,
    intents: ["feedback"],
    expect: { anon: "missing", customerA: "missing", customerB: "missing", agent: "handled", agentOutside: "handled", sales: "handled", admin: "handled" },
  },
  { route: "/beta", state: "board", path: () => "/beta", intents: ["create", "move"], expect: asPost(beta) },
  {
    route: "/beta/deals/:id",
    state: "deal",
    path: (f) => `/beta/deals/${f.deal}`,
    intents: ["edit", "next-step", "add-contact", "log", "agreement", "case-study", "move", "exit"],
    expect: asPost(beta),
  },
  {
    route: "/beta/deals/:id",
    state: "deal, no such contact or task",
    path: (f) => `/beta/deals/${f.deal}`,
    intents: ["remove-contact", "task-done", "task-open"],
    expect: asPost(beta, { sales: "missing", admin: "missing" }),
  },
  { route: "/beta/import", state: "form", path: () => "/beta/import", intents: ["preview", "import"], expect: asPost(beta) },
  { route: "/beta/feedback", state: "triage", path: () => "/beta/feedback", intents: ["status", "merge"], expect: asPost(orgReaders) },
  { route: "/beta/programs", state: "programs", path: () => "/beta/programs", intents: ["create", "update", "activate"], expect: asPost(beta) },
  // Sales and admins read the goals; only admins edit them.
  { route: "/beta/goals", state: "goals", path: () => "/beta/goals", intents: ["goals"], expect: asPost(adminOnly) },
  { route: "/admin/users", state: "list", path: () => "/admin/users", intents: ["invite", "role", "disable", "enable", "resend"], expect: asPost(adminOnly) },
  { route: "/admin/organizations", state: "list", path: () => "/admin/organizations", intents: ["create"], expect: asPost(adminOnly) },
  {
    route: "/admin/organizations/:id",
    state: "organization",
    path: (f) => `/admin/organizations/${f.organization}`,
    intents: ["update"],
    expect: asPost(adminOnly),
  },
  {
    route: "/admin/organizations/:id",
    state: "organization",
    path: (f) => `/admin/organizations/${f.organization}`,
    intents: ["invite-contact"],
    // Agents may invite customer contacts (invite:customer); only admins edit the organization.
    expect: asPost(signedIn(["agent", "admin"])),
  },
  { route: "/admin/groups", state: "list", path: () => "/admin/groups", intents: ["create", "add-member", "remove-member", "delete"], expect: asPost(adminOnly) },
  { route: "/admin/sla", state: "settings", path: () => "/admin/sla", intents: ["create-calendar", "create-policy", "create-rule", "delete"], expect: asPost(adminOnly) },
  { route: "/admin/sla/calendars/:id", state: "calendar", path: (f) => `/admin/sla/calendars/${f.calendar}`, intents: ["save", "preset-247", "import"], expect: asPost(adminOnly) },
  { route: "/admin/sla/policies/:id", state: "policy", path: (f) => `/admin/sla/policies/${f.policy}`, intents: ["save"], expect: asPost(adminOnly) },
  { route: "/admin/sla/rules/:id", state: "rule", path: (f) => `/admin/sla/rules/${f.rule}`, intents: ["save"], expect: asPost(adminOnly) },
  { route: "/admin/macros", state: "list", path: () => "/admin/macros", intents: ["save", "delete"], expect: asPost(adminOnly) },
  { route: "/admin/mailbox/:id", state: "message", path: (f) => `/admin/mailbox/${f.mailboxMessage}`, intents: ["retry"], expect: asPost(adminOnly) },
  { route: "/admin/slack", state: "settings", path: () => "/admin/slack", intents: ["save-credentials", "test", "map"], expect: asPost(adminOnly) },
  { route: "/admin/webhooks", state: "list", path: () => "/admin/webhooks", intents: ["create"], expect: asPost(adminOnly) },
  {
    route: "/admin/webhooks/:id",
    state: "no such webhook",
    path: () => "/admin/webhooks/00000000-0000-4000-8000-000000000000",
    intents: ["save", "rotate", "test", "redeliver", "delete"],
    expect: asPost(adminOnly, { admin: "missing" }),
  },
  { route: "/notifications", state: "own notifications", path: () => "/notifications", intents: ["read", "read-all"], fields: () => ({ id: "999999" }), expect: asPost(orgReaders) },
  // Opening someone else's (or no) notification: 404.
  { route: "/notifications", state: "no such notification", path: () => "/notifications", intents: ["open"], fields: () => ({ id: "999999" }), expect: asPost(orgReaders, { agent: "missing", agentOutside: "missing", sales: "missing", admin: "missing" }) },
  // Without RESEND_WEBHOOK_SECRET the endpoint answers 503 (not configured); signatures: inbound-email.test.ts.
  { route: "/webhooks/resend", state: "unsigned, not configured", path: () => "/webhooks/resend", intents: [""], expect: all("unavailable") },
  // Without a signing secret the endpoint answers 503; signatures: slack.test.ts.
  { route: "/webhooks/slack", state: "unsigned, not configured", path: () => "/webhooks/slack", intents: [""], expect: all("unavailable") },
];

// ---- API (bearer tokens) ---------------------------------------------------------------------

const apiStaffAndCustomers: Outcomes = {
  anon: "unauthorized",
  customerA: "ok",
  customerB: "ok",
  agent: "ok",
  agentOutside: "ok",
  sales: "forbidden",
  admin: "ok",
};

const apiSalesAndAdmins: Outcomes = { anon: "unauthorized", customerA: "forbidden", customerB: "forbidden", agent: "forbidden", agentOutside: "forbidden", sales: "ok", admin: "ok" };
const apiAdminsOnly: Outcomes = { anon: "unauthorized", customerA: "forbidden", customerB: "forbidden", agent: "forbidden", agentOutside: "forbidden", sales: "forbidden", admin: "ok" };

export const apiRows: ApiRow[] = [
  { path: "/api/v1/me", method: "GET", state: "self", url: () => "/api/v1/me", expect: { ...all("ok"), anon: "unauthorized" } },
  { path: "/api/v1/tickets", method: "GET", state: "list", url: () => "/api/v1/tickets", expect: apiStaffAndCustomers },
  { path: "/api/v1/tickets/{number}", method: "GET", state: "own organization's ticket", url: (f) => `/api/v1/tickets/${f.ownTicket}`, expect: { ...apiStaffAndCustomers, customerB: "missing" } },
  { path: "/api/v1/tickets/{number}", method: "GET", state: "ticket outside the agent's groups", url: (f) => `/api/v1/tickets/${f.billingTicket}`, expect: { ...apiStaffAndCustomers, customerB: "missing", agentOutside: "missing" } },
  { path: "/api/v1/tickets/{number}", method: "GET", state: "other organization's ticket", url: (f) => `/api/v1/tickets/${f.otherOrgTicket}`, expect: { ...apiStaffAndCustomers, customerA: "missing" } },
  { path: "/api/v1/tickets/{number}/sla", method: "GET", state: "other organization's ticket", url: (f) => `/api/v1/tickets/${f.otherOrgTicket}/sla`, expect: { ...apiStaffAndCustomers, customerA: "missing" } },
  {
    path: "/api/v1/tickets/{number}/replies",
    method: "POST",
    state: "other organization's ticket",
    url: (f) => `/api/v1/tickets/${f.otherOrgTicket}/replies`,
    body: { body: "A reply from the matrix." },
    expect: { ...apiStaffAndCustomers, customerA: "missing", customerB: "handled", agent: "handled", agentOutside: "handled", admin: "handled" },
  },
  {
    path: "/api/v1/tickets/{number}",
    method: "PATCH",
    state: "ticket outside the agent's groups",
    url: (f) => `/api/v1/tickets/${f.billingTicket}`,
    body: {},
    headers: { "if-match": "1" },
    expect: { anon: "unauthorized", customerA: "handled", customerB: "missing", agent: "handled", agentOutside: "missing", sales: "forbidden", admin: "handled" },
  },
  { path: "/api/v1/tickets", method: "POST", state: "new ticket (empty body)", url: () => "/api/v1/tickets", body: {}, expect: { ...apiStaffAndCustomers, customerA: "handled", customerB: "handled", agent: "handled", agentOutside: "handled", admin: "handled" } },
  { path: "/api/v1/beta/deals", method: "GET", state: "deals", url: () => "/api/v1/beta/deals", expect: { anon: "unauthorized", customerA: "forbidden", customerB: "forbidden", agent: "forbidden", agentOutside: "forbidden", sales: "ok", admin: "ok" } },
  // Beta deals (beta:read / beta:write): sales and admins; organizations and users (admin): admins.
  { path: "/api/v1/beta/deals", method: "POST", state: "new deal (empty body)", url: () => "/api/v1/beta/deals", body: {}, expect: { ...apiSalesAndAdmins, sales: "handled", admin: "handled" } },
  { path: "/api/v1/beta/deals/{id}", method: "GET", state: "deal", url: (f) => `/api/v1/beta/deals/${f.deal}`, expect: apiSalesAndAdmins },
  { path: "/api/v1/beta/deals/{id}", method: "PATCH", state: "deal", url: (f) => `/api/v1/beta/deals/${f.deal}`, body: {}, headers: { "if-match": "1" }, expect: { ...apiSalesAndAdmins, sales: "handled", admin: "handled" } },
  { path: "/api/v1/beta/deals/{id}/move", method: "POST", state: "deal (empty body)", url: (f) => `/api/v1/beta/deals/${f.deal}/move`, body: {}, expect: { ...apiSalesAndAdmins, sales: "handled", admin: "handled" } },
  { path: "/api/v1/organizations", method: "GET", state: "list", url: () => "/api/v1/organizations", expect: apiAdminsOnly },
  { path: "/api/v1/organizations", method: "POST", state: "new organization (empty body)", url: () => "/api/v1/organizations", body: {}, expect: { ...apiAdminsOnly, admin: "handled" } },
  { path: "/api/v1/organizations/{id}", method: "GET", state: "organization", url: (f) => `/api/v1/organizations/${f.organization}`, expect: apiAdminsOnly },
  { path: "/api/v1/organizations/{id}", method: "PATCH", state: "organization (empty change)", url: (f) => `/api/v1/organizations/${f.organization}`, body: {}, expect: { ...apiAdminsOnly, admin: "handled" } },
  { path: "/api/v1/users", method: "GET", state: "list", url: () => "/api/v1/users", expect: apiAdminsOnly },
  { path: "/api/v1/users/{id}", method: "GET", state: "no such user", url: () => "/api/v1/users/00000000-0000-4000-8000-000000000000", expect: { ...apiAdminsOnly, admin: "missing" } },
  { path: "/api/v1/users/{id}", method: "PATCH", state: "no such user (empty change)", url: () => "/api/v1/users/00000000-0000-4000-8000-000000000000", body: {}, expect: { ...apiAdminsOnly, admin: "handled" } },
  { path: "/api/v1/kb/search", method: "GET", state: "search", url: () => "/api/v1/kb/search?q=escalation", expect: { ...all("ok"), anon: "unauthorized" } },
  { path: "/api/v1/kb/articles/{slug}", method: "GET", state: "public article", url: (f) => `/api/v1/kb/articles/${f.publicArticle}`, expect: { ...all("ok"), anon: "unauthorized" } },
  {
    path: "/api/v1/kb/articles/{slug}",
    method: "GET",
    state: "internal article",
    url: (f) => `/api/v1/kb/articles/${f.internalArticle}`,
    expect: { anon: "unauthorized", customerA: "missing", customerB: "missing", agent: "ok", agentOutside: "ok", sales: "ok", admin: "ok" },
  },
  {
    path: "/api/v1/kb/articles/{slug}",
    method: "GET",
    state: "draft article",
    url: (f) => `/api/v1/kb/articles/${f.draftArticle}`,
    expect: { anon: "unauthorized", customerA: "missing", customerB: "missing", agent: "missing", agentOutside: "missing", sales: "missing", admin: "missing" },
  },
  { path: "/api/v1/*", method: "GET", state: "unknown path", url: () => "/api/v1/nothing-here", expect: all("missing") },
];

/** Turns an OpenAPI path ("/api/v1/tickets/{number}") into its route pattern ("/api/v1/tickets/:number"). */
export function routeOfApiPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}
