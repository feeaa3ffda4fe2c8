import type { Route } from "./+types/beta-deal-move";
import { idParams, moveDealBody, operationById } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith, versionFrom } from "~/modules/api/http.server";
import { moveBetaDeal } from "~/modules/api/deal-resources.server";

const move = operationById("moveBetaDeal");

export function loader() {
  return methodNotAllowed(["POST"]);
}

// POST /api/v1/beta/deals/:id/move (beta:write; the stage gates apply)
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  return handleApi({ request, url }, move.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams }, url, params);
    const body = parseWith(moveDealBody, await jsonBody(request), "body");
    const version = versionFrom(request, body.version);
    const result = await moveBetaDeal({ actor: principal.actor, name: principal.user.name }, p.id, version, body);
    return json(result, 200, { ETag: etagOf(result.deal.version) });
  });
}
