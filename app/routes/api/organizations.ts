import type { Route } from "./+types/organizations";
import { createOrganizationBody, listPageQuery, operationById } from "~/modules/api/operations";
import { handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { createOrganizationViaApi, listOrganizationsPage } from "~/modules/api/admin-resources.server";

const list = operationById("listOrganizations");
const create = operationById("createOrganization");

// GET /api/v1/organizations (admin)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, list.scope, async ({ principal }) => {
    const { query } = parseRequest({ query: listPageQuery }, url, params);
    return json(await listOrganizationsPage(principal.actor, query.cursor));
  });
}

// POST /api/v1/organizations (admin)
export async function action({ request, url, params, context }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return handleApi({ request, url }, create.scope, async ({ principal }) => {
    parseRequest({}, url, params);
    const body = parseWith(createOrganizationBody, await jsonBody(request), "body");
    const org = await createOrganizationViaApi(principal.actor, body, context.ip);
    return json(org, 201, { Location: `/api/v1/organizations/${org.id}` });
  });
}
