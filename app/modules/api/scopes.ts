/**
 * API token scopes and which roles may grant them. Pure; used by token creation, by the
 * bearer check on every request (a token's effective scopes are re-derived from its owner's
 * current role, so a demotion takes effect at once) and by the tokens page's checkboxes.
 */
import type { Role } from "../auth/permissions";

export const apiScopes = ["tickets:read", "tickets:write", "kb:read", "beta:read", "beta:write", "admin"] as const;
export type ApiScope = (typeof apiScopes)[number];

export const scopeDescriptions: Record<ApiScope, string> = {
  "tickets:read": "Read tickets you can see, with their public replies (and internal notes for staff)",
  "tickets:write": "File tickets, reply, and change status, priority or assignee where your role allows",
  "kb:read": "Search and read help-center articles you can see",
  "beta:read": "Read the beta program's deals",
  "beta:write": "Change the beta program's deals",
  admin: "Administration resources (organizations and users)",
};

const scopesByRole: Record<Role, readonly ApiScope[]> = {
  customer: ["tickets:read", "tickets:write", "kb:read"],
  agent: ["tickets:read", "tickets:write", "kb:read"],
  sales: ["kb:read", "beta:read", "beta:write"],
  admin: apiScopes,
};

export function grantableScopes(role: Role): ApiScope[] {
  return [...scopesByRole[role]];
}

/** The scopes a token really carries now: those it was given that its owner's role still allows. */
export function effectiveScopes(role: Role, tokenScopes: readonly string[]): ApiScope[] {
  return scopesByRole[role].filter((s) => tokenScopes.includes(s));
}

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}

export const tokenLifetimesDays = [30, 90, 365] as const;

/** A token as shown to people: `pt_` then 32 base32 characters. */
export const TOKEN_PATTERN = /^pt_[a-z2-7]{32}$/;
export const PREFIX_LENGTH = 10;
