import { auditEvents } from "../../../db/schema";
import type { Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";

export type AuditAction =
  | "slack.settings_updated"
  | "slack.connection_tested"
  | "slack.channel_mapped"
  | "slack.channel_unmapped"
  | "auth.sign_in"
  | "auth.sign_in_failed"
  | "auth.sign_out"
  | "auth.password_changed"
  | "auth.password_reset"
  | "auth.password_reset_requested"
  | "user.invited"
  | "user.invitation_accepted"
  | "user.role_changed"
  | "user.disabled"
  | "user.enabled"
  | "user.profile_updated"
  | "organization.created"
  | "organization.updated"
  | "group.created"
  | "group.deleted"
  | "group.member_added"
  | "group.member_removed"
  | "sla.calendar_saved"
  | "sla.calendar_deleted"
  | "sla.policy_saved"
  | "sla.policy_moved"
  | "sla.policy_deleted"
  | "sla.rule_saved"
  | "sla.rule_deleted"
  | "api_token.created"
  | "api_token.revoked"
  | "webhook.created"
  | "webhook.updated"
  | "webhook.deleted"
  | "webhook.secret_rotated"
  | "webhook.tested"
  | "webhook.redelivered"
  | "beta.program_saved"
  | "beta.program_activated"
  | "beta.exit_decided"
  | "beta.goals_updated";

export interface AuditInput {
  actorId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string | null;
  ip?: string | null;
  data?: Record<string, unknown>;
}

/** Who made an administrative change, for the audit event it writes. */
export interface AuditBy {
  actorId: string;
  ip: string | null;
}

/** Records an audit event; call it with the transaction of the change it records. */
export async function audit(tx: Executor, input: AuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    at: now(),
    actorId: input.actorId,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    ip: input.ip ?? null,
    data: input.data ?? {},
  });
}
