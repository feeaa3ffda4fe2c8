/**
 * The one permission module: "may this user do this action?". Used by every loader and action
 * (through guard.server.ts) and by the UI to decide what to show. Pure; no I/O.
 */
export type Role = "customer" | "agent" | "sales" | "admin";

export interface Actor {
  id: string;
  role: Role;
  organizationId: string | null;
}

export const permissions = {
  // areas
  "view:portal": ["customer"],
  "view:desk": ["agent", "admin"],
  "view:beta": ["sales", "admin"],
  "view:admin": ["admin"],
  // account
  "update:account:own": ["customer", "agent", "sales", "admin"],
  // in-app notifications (escalations name staff only)
  "read:notifications:own": ["agent", "sales", "admin"],
  // personal API tokens (/account/tokens); which scopes a role may grant: modules/api/scopes.ts
  "manage:api-tokens:own": ["customer", "agent", "sales", "admin"],
  "manage:api-tokens:any": ["admin"],
  // users and organizations
  "manage:users": ["admin"],
  "invite:staff": ["admin"],
  "invite:customer": ["agent", "admin"],
  "read:organizations": ["agent", "sales", "admin"],
  "manage:organizations": ["admin"],
  // ticketing configuration
  "manage:groups": ["admin"],
  "manage:macros": ["admin"],
  // service levels: calendars, policies, escalation rules (/admin/sla); SLA reports
  "manage:sla": ["admin"],
  "read:sla-reports": ["agent", "admin"],
  // operations
  "read:mailbox": ["admin"],
  "read:audit": ["admin"],
  // Slack as a support channel (/admin/slack): workspace connection and channel mappings
  "manage:slack": ["admin"],
  "manage:webhooks": ["admin"],
  // knowledge base authoring (/desk/kb)
  "manage:kb": ["agent", "admin"],
  // beta program: the pipeline, its deals' support health, beta feedback triage
  "manage:beta": ["sales", "admin"],
  "read:deal-health": ["agent", "sales", "admin"],
  "manage:feedback": ["agent", "sales", "admin"],
  // the roadmap's goals (/beta/goals): sales and admins read them, admins edit the targets
  "manage:beta-goals": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(actor: Pick<Actor, "role"> | null | undefined, permission: Permission): boolean {
  if (!actor) return false;
  return (permissions[permission] as readonly Role[]).includes(actor.role);
}

export function isStaff(actor: Pick<Actor, "role"> | null | undefined): boolean {
  return !!actor && actor.role !== "customer";
}

/** A customer reaches only their own organization's data; staff reach every organization. */
export function canReachOrganization(actor: Actor, organizationId: string | null): boolean {
  if (isStaff(actor)) return true;
  return !!organizationId && actor.organizationId === organizationId;
}

/** Where each role lands after signing in. */
export function homePathFor(role: Role): string {
  switch (role) {
    case "customer":
      return "/portal";
    case "agent":
      return "/desk";
    case "sales":
      return "/beta";
    case "admin":
      return "/admin/users";
  }
}

export const roleLabels: Record<Role, string> = {
  customer: "Customer",
  agent: "Support agent",
  sales: "Sales",
  admin: "Administrator",
};
