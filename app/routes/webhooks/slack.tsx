import type { Route } from "./+types/slack";
import { handleSlackWebhook } from "~/modules/slack/events.server";

/**
 * POST /webhooks/slack: Slack's Events API (docs/slack.md). The signature is checked over the
 * raw body bytes before anything is parsed; the answer comes at once (Slack waits 3 seconds)
 * and the work is done by the job runner. The CSRF origin check exempts /webhooks/*.
 */
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return Response.json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > 1_000_000) return Response.json({ error: "Payload too large." }, { status: 413 });
  const raw = Buffer.from(await request.arrayBuffer());
  const result = await handleSlackWebhook(raw, request.headers);
  return Response.json(result.body, { status: result.status, headers: { "Cache-Control": "no-store" } });
}

export function loader() {
  return Response.json({ error: "This endpoint accepts Slack Events API requests (POST) only." }, { status: 405, headers: { Allow: "POST" } });
}
