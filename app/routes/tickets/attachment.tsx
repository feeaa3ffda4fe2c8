import type { Route } from "./+types/attachment";
import { requireUser } from "~/modules/auth/guard.server";
import { parseTicketNumber, rethrowTicketError } from "~/modules/tickets/route-errors.server";
import { getAttachment } from "~/modules/tickets/tickets.server";

/**
 * Downloads an attachment. Always `Content-Disposition: attachment` with nosniff and a
 * sandboxing CSP, so an uploaded HTML or SVG file is never rendered by the browser.
 */
export async function loader({ url, context, params }: Route.LoaderArgs) {
  const user = requireUser(url, context);
  const number = parseTicketNumber(params.number);
  try {
    const file = await getAttachment(user, number, params.attachmentId);
    const encoded = encodeURIComponent(file.fileName);
    const ascii = file.fileName.replace(/[^\x20-\x7e]/g, "_");
    return new Response(new Uint8Array(file.data), {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(file.size),
        "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (e) {
    rethrowTicketError(e);
  }
}
