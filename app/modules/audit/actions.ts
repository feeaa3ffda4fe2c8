/**
 * The audit actions the portal records, with readable labels, and where an event's target can
 * be opened. Pure: shared by the audit log page (/admin/audit), its CSV export and the server.
 */
import type { AuditAction } from "./audit.server";

export const auditActionLabels = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in failed",
  "auth.sign_out": "Signed out",
  "auth.password_changed": "Changed password",
  "auth.password_reset": "Reset password",
  "auth.password_reset_requested": "Requested a password reset",
  "user.created": "Created user (command line)",
  "user.invited": "Invited user",
  "user.invitation_accepted": "Accepted invitation",
  "user.role_changed": "Changed role",
  "user.disabled": "Disabled user",
  "user.enabled": "Enabled user",
  "user.profile_updated": "Updated profile",
  "organization.created": "Created organization",
  "organization.updated": "Updated organization",
  "group.created": "Created group",
  "group.deleted": "Deleted group",
  "group.member_added": "Added group member",
  "group.member_removed": "Removed group member",
  "sla.calendar_saved": "Saved business calendar",
  "sla.calendar_deleted": "Deleted business calendar",
  "sla.policy_saved": "Saved SLA policy",
  "sla.policy_moved": "Reordered SLA policy",
  "sla.policy_deleted": "Deleted SLA policy",
  "sla.rule_saved": "Saved escalation rule",
  "sla.rule_deleted": "Deleted escalation rule",
  "api_token.created": "Created API token",
  "api_token.revoked": "Revoked API token",
  "slack.settings_updated": "Updated Slack settings",
  "slack.connection_tested": "Tested Slack connection",
  "slack.channel_mapped": "Mapped Slack channel",
  "slack.channel_unmapped": "Unmapped Slack channel",
  "webhook.created": "Created webhook",
  "webhook.updated": "Updated webhook",
  "webhook.deleted": "Deleted webhook",
  "webhook.secret_rotated": "Rotated webhook secret",
  "webhook.tested": "Sent webhook test",
  "webhook.redelivered": "Redelivered webhook",
  "beta.program_saved": "Saved beta program",
  "beta.program_activated": "Activated beta program",
  "beta.exit_decided": "Decided beta exit",
  "beta.goals_updated": "Updated beta goals",
} as const satisfies Record<string, string>;

export type KnownAuditAction = keyof typeof auditActionLabels;
export const auditActions = Object.keys(auditActionLabels) as KnownAuditAction[];

/** Recorded actions that have no label above yet (add them: they then appear in the filter's list). */
export type UnlabelledAuditAction = Exclude<AuditAction, KnownAuditAction>;

export function auditActionLabel(action: string): string {
  return (auditActionLabels as Record<string, string>)[action] ?? action;
}

export const auditTargetTypes = ["user", "organization", "group", "api_token", "webhook", "sla_calendar", "sla_policy", "escalation_rule", "beta_program", "beta_goals", "beta_deal"] as const;

/** The admin page where a target can be seen, when there is one. */
export function auditTargetHref(type: string | null, id: string | null, label?: string | null): string | null {
  if (!type || !id) return null;
  const uuid = /^[0-9a-f-]{36}$/i.test(id);
  switch (type) {
    case "user":
      return label ? `/admin/users?q=${encodeURIComponent(label)}` : null;
    case "organization":
      return uuid ? `/admin/organizations/${id}` : null;
    case "group":
      return "/admin/groups";
    case "api_token":
      return "/account/tokens";
    case "sla_calendar":
      return uuid ? `/admin/sla/calendars/${id}` : null;
    case "sla_policy":
      return uuid ? `/admin/sla/policies/${id}` : null;
    case "escalation_rule":
      return uuid ? `/admin/sla/rules/${id}` : null;
    case "beta_deal":
      return uuid ? `/beta/deals/${id}` : null;
    default:
      return null;
  }
}
