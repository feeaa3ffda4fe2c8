import { type RouteConfig, index, route } from "@react-router/dev/routes";

// The URL map of ../shared/DESIGN.md. Each area's routes live in app/routes/<area>/.
export default [
  index("routes/home.tsx"),
  // auth
  route("login", "routes/auth/login.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  // customers
  // agents
  // sales
  // admin
] satisfies RouteConfig;
