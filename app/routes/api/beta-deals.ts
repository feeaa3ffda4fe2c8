import type { Route } from "./+types/beta-deals";
import { createDealBody, emptyQuery, operationById } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { listBetaDeals } from "~/modules/api/resources.server";
import { createBetaDeal } from "~/modules/api/deal-resources.server";

const op = operationById("listBetaDeals");
const create = operationById("createBetaDeal");

// GET /api/v1/beta/deals (sales, admins)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, op.scope, async ({ principal }) => {
    parseRequest({ query: emptyQuery }, url, params);
    return json(await listBetaDeals(principal.actor));
  });
}

// POST /api/v1/beta/deals (beta:write)
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return handleApi({ request, url }, create.scope, async ({ principal }) => {
    parseRequest({}, url, params);
    const body = parseWith(createDealBody, await jsonBody(request), "body");
    const deal = await createBetaDeal({ actor: principal.actor, name: principal.user.name }, body);
    return json(deal, 201, { Location: `/api/v1/beta/deals/${deal.id}`, ETag: etagOf(deal.version) });
  });
}
