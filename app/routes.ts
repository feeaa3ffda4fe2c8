import { type RouteConfig, index, route } from "@react-router/dev/routes";

// The URL map of ../shared/DESIGN.md. Each area's routes live in app/routes/<area>/.
export default [
  index("routes/home.tsx"),
  // auth
  route("login", "routes/auth/login.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  // customers
  // agents
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
  // admin
  // provider webhooks (signed; exempt from the CSRF origin check)
  route("webhooks/resend", "routes/webhooks/resend.tsx"),
] satisfies RouteConfig;
