import type { Route } from "./+types/beta-deal";
import { emptyQuery, idParams, operationById, updateDealBody } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith, versionFrom } from "~/modules/api/http.server";
import { getBetaDeal, updateBetaDeal } from "~/modules/api/deal-resources.server";

const get = operationById("getBetaDeal");
const update = operationById("updateBetaDeal");

// GET /api/v1/beta/deals/:id (beta:read)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, get.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams, query: emptyQuery }, url, params);
    const deal = await getBetaDeal(principal.actor, p.id);
    return json(deal, 200, { ETag: etagOf(deal.version) });
  });
}

// PATCH /api/v1/beta/deals/:id (beta:write; If-Match or version)
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "PATCH") return methodNotAllowed(["GET", "PATCH"]);
  return handleApi({ request, url }, update.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams }, url, params);
    const body = parseWith(updateDealBody, await jsonBody(request), "body");
    const version = versionFrom(request, body.version);
    const deal = await updateBetaDeal({ actor: principal.actor, name: principal.user.name }, p.id, version, body);
    return json(deal, 200, { ETag: etagOf(deal.version) });
  });
}
