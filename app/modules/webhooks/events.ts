// Outgoing webhooks: the event types, formats and limits shared by the server and the admin UI.
// Plain module (no I/O), so route components may import its values.

export const WEBHOOK_EVENT_TYPES = [
  "ticket.created",
  "ticket.updated",
  "ticket.replied",
  "sla.warning",
  "sla.breached",
  "deal.stage_changed",
  "feedback.created",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Every type a delivery may carry: the subscribable ones plus the test `ping`. */
export type WebhookDeliveryType = WebhookEventType | "ping";

export const webhookEventLabels: Record<WebhookEventType, string> = {
  "ticket.created": "A ticket is created",
  "ticket.updated": "A ticket's status, priority, assignee or group changes",
  "ticket.replied": "A public reply is added to a ticket (never internal notes)",
  "sla.warning": "An SLA target is at risk",
  "sla.breached": "An SLA target is breached",
  "deal.stage_changed": "A beta deal moves to another stage",
  "feedback.created": "Beta feedback is submitted",
};

export const WEBHOOK_FORMATS = ["standard", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const webhookFormatLabels: Record<WebhookFormat, string> = {
  standard: "Standard (signed JSON event)",
  slack: "Slack incoming webhook ({\"text\": …})",
};

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** Attempts before a delivery is marked failed (about 9 hours of retries with the backoff below). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
/** After "Rotate secret", the previous secret keeps signing (a second v1) this long. */
export const WEBHOOK_SECRET_GRACE_MS = 24 * 60 * 60_000;
/** Send-time limits. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;
export const WEBHOOK_RESPONSE_EXCERPT_CHARS = 500;
