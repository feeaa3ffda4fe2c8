import type { Route } from "./+types/ticket-replies";
import { operationById, replyBody, ticketParams } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { replyToTicket } from "~/modules/api/resources.server";

const reply = operationById("replyToTicket");

export function loader() {
  return methodNotAllowed(["POST"]);
}

// POST /api/v1/tickets/:number/replies
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  return handleApi({ request, url }, reply.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: ticketParams }, url, params);
    const body = parseWith(replyBody, await jsonBody(request), "body");
    const ticket = await replyToTicket(principal.actor, Number(p.number), body);
    return json(ticket, 201, { ETag: etagOf(ticket.version) });
  });
}
