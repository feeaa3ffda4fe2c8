/**
 * The typed /api/v1 client: openapi-fetch over the types `npm run sdk` generates from the
 * OpenAPI document (app/sdk/schema.d.ts). Every path, parameter, body and response is typed.
 *
 *   const portal = createPortalClient({ baseUrl: "https://support.example.com", token: process.env.PORTAL_TOKEN! });
 *   const { data, error } = await portal.GET("/tickets/{number}", { params: { path: { number: "1042" } } });
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
export type PortalClient = Client<paths>;
/** An error body (application/problem+json), with its stable `code`. */
export type Problem = components["schemas"]["Problem"];

export interface PortalClientOptions {
  /** The portal's origin, e.g. https://support.example.com (the client adds /api/v1). */
  baseUrl: string;
  /** An API token (pt_…) from /account/tokens. */
  token: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
}

export function createPortalClient({ baseUrl, token, fetch, headers }: PortalClientOptions): PortalClient {
  return createClient<paths>({
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/api/v1`,
    headers: { ...headers, Authorization: `Bearer ${token}` },
    ...(fetch ? { fetch } : {}),
  });
}
