import type { Route } from "./+types/ticket-sla";
import { operationById, ticketParams } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";
import { ticketSlaAsJson } from "~/modules/api/resources.server";

const op = operationById("getTicketSla");

// GET /api/v1/tickets/:number/sla
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, op.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: ticketParams }, url, params);
    return json(await ticketSlaAsJson(principal.actor, Number(p.number)));
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
