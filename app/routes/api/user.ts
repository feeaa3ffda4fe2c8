import type { Route } from "./+types/user";
import { emptyQuery, idParams, operationById, updateUserBody } from "~/modules/api/operations";
import { handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { updateUserViaApi, userAsJsonById } from "~/modules/api/admin-resources.server";

const get = operationById("getUser");
const update = operationById("updateUser");

// GET /api/v1/users/:id (admin)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, get.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams, query: emptyQuery }, url, params);
    return json(await userAsJsonById(principal.actor, p.id));
  });
}

// PATCH /api/v1/users/:id (admin; role and disabled, with /admin/users' rules)
export async function action({ request, url, params, context }: Route.ActionArgs) {
  if (request.method !== "PATCH") return methodNotAllowed(["GET", "PATCH"]);
  return handleApi({ request, url }, update.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: idParams }, url, params);
    const body = parseWith(updateUserBody, await jsonBody(request), "body");
    return json(await updateUserViaApi(principal.actor, p.id, body, context.ip));
  });
}
