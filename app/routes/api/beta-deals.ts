import type { Route } from "./+types/beta-deals";
import { emptyQuery, operationById } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";
import { listBetaDeals } from "~/modules/api/resources.server";

const op = operationById("listBetaDeals");

// GET /api/v1/beta/deals (sales, admins)
export async function loader({ request, params }: Route.LoaderArgs) {
  return handleApi(request, op.scope, async ({ principal }) => {
    parseRequest({ query: emptyQuery }, request, params);
    return json(await listBetaDeals(principal.actor));
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
