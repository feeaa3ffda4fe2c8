import { type RouteConfig, index, route } from "@react-router/dev/routes";

// The URL map of ../shared/DESIGN.md. Each area's routes live in app/routes/<area>/.
export default [
  index("routes/home.tsx"),
  // auth
  route("login", "routes/auth/login.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  route("forgot-password", "routes/auth/forgot-password.tsx"),
  route("reset-password/:token", "routes/auth/reset-password.tsx"),
  route("invite/:token", "routes/auth/invite.tsx"),
  route("account", "routes/auth/account.tsx"),
  // customers
  route("portal", "routes/portal/tickets.tsx"),
  route("portal/organization", "routes/portal/home.tsx"),
  route("portal/tickets/new", "routes/portal/new-ticket.tsx"),
  route("portal/feedback", "routes/portal/feedback.tsx"),
  route("portal/tickets/:number", "routes/portal/ticket.tsx"),
  route("portal/tickets/:number/attachments/:attachmentId", "routes/tickets/attachment.tsx", { id: "portal-attachment" }),
  // agents
  route("desk", "routes/desk/queue.tsx", { id: "desk-home" }),
  route("desk/views/:view", "routes/desk/queue.tsx", { id: "desk-view" }),
  route("desk/tickets/:number", "routes/desk/ticket.tsx"),
  route("desk/tickets/:number/attachments/:attachmentId", "routes/tickets/attachment.tsx", { id: "desk-attachment" }),
  route("desk/customers", "routes/desk/home.tsx"),
  route("desk/inbox", "routes/desk/inbox.tsx"),
  // help center (knowledge base)
  route("help", "routes/help/home.tsx"),
  route("help/search", "routes/help/search.tsx"),
  route("help/suggest", "routes/help/suggest.tsx"),
  route("help/faq", "routes/help/faq.tsx"),
  route("help/categories/:slug", "routes/help/category.tsx"),
  route("help/articles/:slug", "routes/help/article.tsx"),
  route("sitemap.xml", "routes/sitemap.tsx"),
  route("desk/kb", "routes/desk/kb/index.tsx"),
  route("desk/kb/categories", "routes/desk/kb/categories.tsx"),
  route("desk/kb/new", "routes/desk/kb/edit.tsx", { id: "desk-kb-new" }),
  route("desk/kb/articles/:id", "routes/desk/kb/edit.tsx", { id: "desk-kb-edit" }),
  route("desk/kb/articles/:id/revisions", "routes/desk/kb/revisions.tsx"),
  // sales
  route("beta", "routes/beta/board.tsx"),
  route("beta/customers", "routes/beta/home.tsx"),
  route("beta/deals/:id", "routes/beta/deal.tsx"),
  route("beta/deals/:id/agreement/document", "routes/beta/agreement-document.tsx"),
  route("beta/reports", "routes/beta/reports.tsx"),
  route("beta/reports/deals.csv", "routes/beta/export.tsx"),
  route("beta/import", "routes/beta/import.tsx"),
  route("beta/feedback", "routes/beta/feedback.tsx"),
  // admin
  route("admin/users", "routes/admin/users.tsx"),
  route("admin/organizations", "routes/admin/organizations.tsx"),
  route("admin/organizations/:id", "routes/admin/organization.tsx"),
  route("admin/groups", "routes/admin/groups.tsx"),
  route("admin/sla", "routes/admin/sla.tsx"),
  route("admin/sla/calendars/:id", "routes/admin/sla-calendar.tsx"),
  route("admin/sla/policies/:id", "routes/admin/sla-policy.tsx"),
  route("admin/sla/rules/:id", "routes/admin/sla-rule.tsx"),
  route("desk/reports/sla", "routes/desk/reports-sla.tsx"),
  route("admin/macros", "routes/admin/macros.tsx"),
  route("admin/mailbox", "routes/admin/mailbox.tsx"),
  route("admin/mailbox/:id", "routes/admin/mailbox-message.tsx"),
  // provider webhooks (signed; exempt from the CSRF origin check)
  route("webhooks/resend", "routes/webhooks/resend.tsx"),
] satisfies RouteConfig;
