// The human-readable line a Slack incoming webhook receives ({"text": …}). Pure.
import type { WebhookDeliveryType } from "./events";

interface EventLike {
  type: WebhookDeliveryType;
  data: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");

/** Slack's mrkdwn: escape &, < and > in text we did not write. */
function esc(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function ticketRef(data: Obj): string {
  const t = obj(data.ticket);
  const label = `#${str(t.number)} ${esc(str(t.subject))}`.trim();
  return t.url ? `<${str(t.url)}|${label}>` : label;
}

const metricLabels: Record<string, string> = { firstResponse: "First response", nextResponse: "Next response", resolution: "Resolution" };

export function slackText(event: EventLike): string {
  const d = event.data;
  const t = obj(d.ticket);
  switch (event.type) {
    case "ping":
      return "Test message from the Support Portal: this webhook works.";
    case "ticket.created":
      return `New ticket ${ticketRef(d)} from ${esc(str(obj(t.organization).name) || "a customer")} (priority ${str(t.priority)})`;
    case "ticket.updated": {
      const changes = Object.entries(obj(d.changes)).map(([field, c]) => {
        const change = obj(c);
        return `${field} ${esc(str(change.fromLabel ?? change.from) || "none")} → ${esc(str(change.toLabel ?? change.to) || "none")}`;
      });
      return `Ticket ${ticketRef(d)} updated: ${changes.join(", ") || "changed"}`;
    }
    case "ticket.replied": {
      const m = obj(d.message);
      const who = esc(str(obj(m.author).name) || "Someone");
      const body = str(m.body);
      const excerpt = body.length > 200 ? `${body.slice(0, 199)}…` : body;
      return `${who} replied on ${ticketRef(d)}: ${esc(excerpt)}`;
    }
    case "sla.warning":
    case "sla.breached": {
      const metric = metricLabels[str(d.metric)] ?? str(d.metric);
      return `${metric} SLA ${event.type === "sla.breached" ? "breached" : "at risk"} on ${ticketRef(d)}${d.dueAt ? ` (due ${str(d.dueAt).replace("T", " ").slice(0, 16)} UTC)` : ""}`;
    }
    case "deal.stage_changed": {
      const deal = obj(d.deal);
      return `Beta deal ${esc(str(deal.company))} moved from ${esc(str(d.fromLabel ?? d.from))} to ${esc(str(d.toLabel ?? d.to))}`;
    }
    case "feedback.created": {
      const f = obj(d.feedback);
      return `New beta ${str(f.kind) === "feature_request" ? "feature request" : "feedback"} from ${esc(str(obj(f.organization).name) || "a customer")}: ${esc(str(f.title))}`;
    }
    default:
      return `Support Portal event ${str(event.type)}`;
  }
}
