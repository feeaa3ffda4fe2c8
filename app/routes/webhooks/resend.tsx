import type { Route } from "./+types/resend";
import { handleResendWebhook } from "~/modules/tickets/inbound.server";

/**
 * POST /webhooks/resend: Resend's signed webhook (inbound email.received and delivery events).
 * The raw body is verified before anything is parsed; answers are always small JSON bodies.
 * The CSRF origin check exempts /webhooks/*: the signature is what authenticates the sender.
 */
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return Response.json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > 1_000_000) return Response.json({ error: "Payload too large." }, { status: 413 });
  const payload = await request.text();
  const result = await handleResendWebhook(payload, request.headers);
  return Response.json(result.body, { status: result.status, headers: { "Cache-Control": "no-store" } });
}

export function loader() {
  return Response.json({ error: "This endpoint accepts Resend webhooks (POST) only." }, { status: 405, headers: { Allow: "POST" } });
}
