import { db } from "~/lib/db.server";
import type { ApiScope } from "~/modules/api/scopes";
import { createApiToken } from "~/modules/api/tokens.server";
import type { Role } from "~/modules/auth/permissions";
import { createUser } from "./factories";
import { url } from "./requests";

/** A user with an API token of these scopes (all their role allows by default). */
export async function userWithToken(role: Role, options: { organizationId?: string | null; scopes?: ApiScope[]; name?: string } = {}) {
  const user = await createUser(db(), { role, organizationId: options.organizationId ?? null, ...(options.name ? { name: options.name } : {}) });
  const actor = { id: user.id, role, organizationId: options.organizationId ?? null };
  const defaults: Record<Role, ApiScope[]> = {
    customer: ["tickets:read", "tickets:write", "kb:read"],
    agent: ["tickets:read", "tickets:write", "kb:read"],
    sales: ["kb:read", "beta:read", "beta:write"],
    admin: ["tickets:read", "tickets:write", "kb:read", "beta:read", "beta:write", "admin"],
  };
  const { token, id } = await createApiToken(actor, { name: `${role} token`, scopes: options.scopes ?? defaults[role], lifetimeDays: 30 });
  return { user, actor, token, tokenId: id };
}

/** A JSON API request with a bearer token (no cookie, no Origin: a script). */
export function apiRequest(
  method: string,
  path: string,
  token: string | null,
  options: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Request {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return new Request(url(path), { method, headers, body });
}
