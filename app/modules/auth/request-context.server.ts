import { randomBytes, randomUUID } from "node:crypto";
import type { RequestContext } from "~/lib/context";
import { readSessionToken, sessionCookie, validateSessionToken } from "./session.server";

/**
 * Resolves the signed-in user of a request from its session cookie. When the session's
 * sliding expiry moved, `setCookie` carries the renewed cookie for the response.
 */
export async function resolveRequestContext(
  cookieHeader: string | null | undefined,
  meta: { ip: string | null; requestId?: string; nonce?: string },
): Promise<{ context: RequestContext; setCookie: string | null }> {
  const token = readSessionToken(cookieHeader);
  const validation = token ? await validateSessionToken(token) : null;
  const context: RequestContext = {
    requestId: meta.requestId ?? randomUUID(),
    nonce: meta.nonce ?? randomBytes(16).toString("base64"),
    ip: meta.ip,
    user: validation?.user ?? null,
    session: validation?.session ?? null,
    shell: validation?.shell ?? null,
  };
  const setCookie = validation?.renewed && token ? sessionCookie(token, validation.session.expiresAt) : null;
  return { context, setCookie };
}
