import { env } from "~/lib/env.server";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { methodNotAllowed } from "~/modules/api/http.server";

// GET /api/v1/openapi.json (public: the document holds no data)
export function loader() {
  return new Response(JSON.stringify(buildOpenApiDocument(env().APP_URL), null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
