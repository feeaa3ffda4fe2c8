import type { Route } from "./+types/agreement-document";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { agreementDocument } from "~/modules/beta/deals.server";

/** The agreement's document, always as a download (nosniff, sandboxing CSP): an uploaded HTML or SVG never renders. */
export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  const file = await agreementDocument(params.id);
  if (!file) notFound("This deal has no agreement document.");
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(new Uint8Array(file.data), {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(file.data.length),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
