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
