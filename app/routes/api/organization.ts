import type { Route } from "./+types/organization";
import { emptyQuery, idParams, operationById, updateOrganizationBody } from "~/modules/api/operations";
import { handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { organizationAsJson, updateOrganizationViaApi } from "~/modules/api/admin-resources.server";

const get = operationById("getOrganization");
const update = operationById("updateOrganization");

// GET /api/v1/organizations/:id (admin)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, get.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams, query: emptyQuery }, url, params);
    return json(await organizationAsJson(principal.actor, p.id));
  });
}

// PATCH /api/v1/organizations/:id (admin)
export async function action({ request, url, params, context }: Route.ActionArgs) {
  if (request.method !== "PATCH") return methodNotAllowed(["GET", "PATCH"]);
  return handleApi({ request, url }, update.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams }, url, params);
    const body = parseWith(updateOrganizationBody, await jsonBody(request), "body");
    return json(await updateOrganizationViaApi(principal.actor, p.id, body, context.ip));
  });
}
