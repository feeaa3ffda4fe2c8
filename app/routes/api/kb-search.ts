import type { Route } from "./+types/kb-search";
import { kbSearchQuery, operationById } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";
import { searchKb } from "~/modules/api/resources.server";

const op = operationById("searchArticles");

// GET /api/v1/kb/search?q=
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, op.scope, async ({ principal }) => {
    const { query } = parseRequest({ query: kbSearchQuery }, url, params);
    return json(await searchKb(principal.actor, query.q, Number(query.page ?? 1)));
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
