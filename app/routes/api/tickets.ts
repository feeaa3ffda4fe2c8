import type { Route } from "./+types/tickets";
import { ApiProblem } from "~/modules/api/problem";
import { operationById } from "~/modules/api/operations";
import { createTicketBody, listTicketsQuery } from "~/modules/api/operations";
import { etagOf, handleApi, json, jsonBody, methodNotAllowed, parseRequest, parseWith } from "~/modules/api/http.server";
import { createTicket, listTickets } from "~/modules/api/resources.server";

const list = operationById("listTickets");
const create = operationById("createTicket");

// GET /api/v1/tickets
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, list.scope, async ({ principal }) => {
    const { query } = parseRequest({ query: listTicketsQuery }, url, params);
    return json(await listTickets(principal.actor, query));
  });
}

// POST /api/v1/tickets (Idempotency-Key required)
export async function action({ request, url, params }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return handleApi({ request, url }, create.scope, async ({ principal }) => {
    parseRequest({}, url, params);
    const key = request.headers.get("idempotency-key")?.trim() ?? "";
    if (!key) throw new ApiProblem("idempotency_key_required", "Send an Idempotency-Key header (a UUID per ticket): a retry with the same key answers with the same ticket.");
    if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ApiProblem("validation_failed", "The Idempotency-Key is at most 200 visible ASCII characters.", [{ path: "header.Idempotency-Key", message: "Use a UUID." }]);
    }
    const body = parseWith(createTicketBody, await jsonBody(request), "body");
    const { created, ticket } = await createTicket(principal.actor, key, body);
    return json(ticket, created ? 201 : 200, { Location: `/api/v1/tickets/${ticket.number}`, ETag: etagOf(ticket.version) });
  });
}
