import type { Route } from "./+types/me";
import { emptyQuery, operationById } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";

const op = operationById("getMe");

// GET /api/v1/me
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, op.scope, async ({ principal }) => {
    parseRequest({ query: emptyQuery }, url, params);
    const { user, token } = principal;
    return json({ user, token: { ...token, expiresAt: token.expiresAt.toISOString() } });
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
