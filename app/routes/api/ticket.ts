import type { Route } from "./+types/ticket";
import { operationById, ticketParams, updateTicketBody } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith, versionFrom } from "~/modules/api/http.server";
import { ticketAsJson, updateTicket } from "~/modules/api/resources.server";

const get = operationById("getTicket");
const update = operationById("updateTicket");

// GET /api/v1/tickets/:number
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, get.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: ticketParams }, url, params);
    const ticket = await ticketAsJson(principal.actor, Number(p.number));
    return json(ticket, 200, { ETag: etagOf(ticket.version) });
  });
}

// PATCH /api/v1/tickets/:number (If-Match or version)
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "PATCH") return methodNotAllowed(["GET", "PATCH"]);
  return handleApi({ request, url }, update.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: ticketParams }, url, params);
    const body = parseWith(updateTicketBody, await jsonBody(request), "body");
    const version = versionFrom(request, body.version);
    const ticket = await updateTicket(principal.actor, Number(p.number), version, body);
    return json(ticket, 200, { ETag: etagOf(ticket.version) });
  });
}
