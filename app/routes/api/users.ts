import type { Route } from "./+types/users";
import { listUsersQuery, operationById } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";
import { listUsersPage } from "~/modules/api/admin-resources.server";

const list = operationById("listUsers");

// GET /api/v1/users (admin)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, list.scope, async ({ principal }) => {
    const { query } = parseRequest({ query: listUsersQuery }, url, params);
    return json(await listUsersPage(principal.actor, query));
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
