// The ticket pages' long lists as HTML strings, built on the server (issues #3, #8).
//
// A 100-message thread rendered as React elements (~15 elements per message, a <Link> and a
// <RelativeTime> each) and the same messages sent again as loader data (turbo-stream flattens every
// object) were most of the agent's ticket page's CPU: ~3 ms of ~10 ms per request. The thread has
// no client state, so it is one string here — the message HTML is already sanitized (markdown-it or
// the mail allowlist), everything else is escaped — rendered with dangerouslySetInnerHTML and sent
// as one string. The same holds for the 200-agent assignee <select> (plain <option>s, the current
// one `selected`). In-app links carry `data-app-link` for the page's delegated click handler
// (app/components/app-links.ts), so a plain click stays a client-side navigation.
import { escapeHtml } from "~/lib/html";
import { relative } from "~/components/time";
import { formatDateTime } from "~/components/time-zone";
import { slaEventText } from "~/components/sla-panel";
import { priorityLabels, statusLabels } from "./model";

/** `<time datetime=… title=…>` by zone and instant: a thread shows the same ~100 instants on every view. Emptied when full. */
const timeOpenings = new Map<string, string>();
const TIME_OPENINGS_MAX = 20_000;

/** As <RelativeTime>: the relative text, the exact time in the viewer's zone on hover. */
export function timeHtml(value: Date | string, timeZone: string, now: number): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const at = date.getTime();
  const key = `${timeZone}\u0000${at}`;
  let opening = timeOpenings.get(key);
  if (opening === undefined) {
    opening = `<time datetime="${date.toISOString()}" title="${escapeHtml(formatDateTime(date, timeZone))}">`;
    if (timeOpenings.size >= TIME_OPENINGS_MAX) timeOpenings.clear();
    timeOpenings.set(key, opening);
  }
  return `${opening}${escapeHtml(relative(at, now))}</time>`;
}

/** `<option>`s with the one whose value is `selected` marked (a select's no-JS default). */
export function optionsHtml(options: readonly { value: string; label: string }[], selected: string | null): string {
  let out = "";
  for (const o of options) out += `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected=""' : ""}>${escapeHtml(o.label)}</option>`;
  return out;
}

interface Attachment {
  id: string;
  fileName: string;
  size: number;
}

/** A <pre>'s text: the HTML parser drops one leading newline, so one is added (as React does). */
function preText(text: string): string {
  return (text.startsWith("\n") ? "\n" : "") + escapeHtml(text);
}

export interface DeskThreadMessage {
  id: string;
  html: string;
  visibility: "public" | "internal";
  createdAt: Date | string;
  authorName: string;
  fromCustomer: boolean;
  attachments: Attachment[];
  /** The plain-text part of a formatted email (null otherwise). */
  text: string | null;
}

export interface DeskThreadEvent {
  id: number;
  at: Date | string;
  type: string;
  data: Record<string, unknown>;
  actorName: string | null;
}

/** One timeline line's text after the actor's name ("changed status from New to Open"). */
export function describeEvent(e: { type: string; data: Record<string, unknown> }, names: ReadonlyMap<string, string>): string {
  const d = e.data;
  switch (e.type) {
    case "created":
      return `created the ticket (${String(d.channel ?? "web")})`;
    case "status":
      return `changed status from ${statusLabels[d.from as keyof typeof statusLabels] ?? d.from} to ${statusLabels[d.to as keyof typeof statusLabels] ?? d.to}`;
    case "priority":
      return `changed priority from ${priorityLabels[d.from as keyof typeof priorityLabels] ?? d.from} to ${priorityLabels[d.to as keyof typeof priorityLabels] ?? d.to}`;
    case "assignment":
      return d.to ? `assigned the ticket to ${names.get(String(d.to)) ?? "an agent"}` : "unassigned the ticket";
    case "group":
      return d.to ? `moved the ticket to ${names.get(String(d.to)) ?? "a group"}` : "removed the group";
    case "rated":
      return `rated the support ${String(d.rating)}`;
    case "tags": {
      const added = (d.added as string[] | undefined) ?? [];
      const removed = (d.removed as string[] | undefined) ?? [];
      return [added.length ? `added tags ${added.join(", ")}` : "", removed.length ? `removed tags ${removed.join(", ")}` : ""].filter(Boolean).join(" and ");
    }
    case "merged_into":
      return `merged this ticket into #${String(d.number)}`;
    case "merged_from":
      return `merged #${String(d.number)} (${String(d.subject ?? "")}) into this ticket`;
    case "sla_warning":
    case "sla_breach":
    case "escalation":
      return slaEventText(e.type, d);
    case "linked":
      return `linked related ticket #${String(d.number)}`;
    case "unlinked":
      return `removed the link to #${String(d.number)}`;
    default:
      return e.type.replace(/_/g, " ");
  }
}

function deskMessageHtml(m: DeskThreadMessage, ticketNumber: number, timeZone: string, now: number): string {
  const internal = m.visibility === "internal";
  const kind = internal ? "message-internal" : m.fromCustomer ? "message-customer" : "message-support";
  const badge = internal
    ? '<span class="badge badge-warning">Internal note</span>'
    : m.fromCustomer
      ? '<span class="badge">Customer</span>'
      : '<span class="badge badge-accent">Public reply</span>';
  let out = `<li class="message ${kind}"><div class="message-meta"><strong>${escapeHtml(m.authorName)}</strong>${badge}${timeHtml(m.createdAt, timeZone, now)}</div><div class="markdown">${m.html}</div>`;
  if (m.text !== null) out += `<details class="email-text"><summary>Plain-text version of this email</summary><pre>${preText(m.text)}</pre></details>`;
  if (m.visibility === "public" && !m.fromCustomer) {
    out += `<p class="small"><a href="/desk/kb/new?fromMessage=${escapeHtml(encodeURIComponent(m.id))}" data-app-link="" data-discover="true">Turn this reply into a help article</a></p>`;
  }
  if (m.attachments.length) {
    out += '<ul class="attachments" aria-label="Attachments">';
    for (const a of m.attachments) out += `<li><a href="/desk/tickets/${ticketNumber}/attachments/${escapeHtml(encodeURIComponent(a.id))}" download="">${escapeHtml(a.fileName)}</a></li>`;
    out += "</ul>";
  }
  return out + "</li>";
}

/**
 * The agent's timeline: messages and events (but "created") in time order, a message before an
 * event of the same instant. `names` resolves the agent and group ids of assignment and group events.
 */
export function deskThreadHtml(input: {
  ticketNumber: number;
  messages: readonly DeskThreadMessage[];
  events: readonly DeskThreadEvent[];
  names: ReadonlyMap<string, string>;
  timeZone: string;
  now: number;
}): string {
  const { ticketNumber, names, timeZone, now } = input;
  const items: { at: number; html: () => string }[] = [];
  for (const m of input.messages) items.push({ at: new Date(m.createdAt).getTime(), html: () => deskMessageHtml(m, ticketNumber, timeZone, now) });
  for (const e of input.events) {
    if (e.type === "created") continue;
    items.push({
      at: new Date(e.at).getTime(),
      html: () => `<li class="timeline-event">${escapeHtml(e.actorName ?? "System")} ${escapeHtml(describeEvent(e, names))} · ${timeHtml(e.at, timeZone, now)}</li>`,
    });
  }
  items.sort((a, b) => a.at - b.at);
  let out = "";
  for (const item of items) out += item.html();
  return out;
}

export interface PortalThreadMessage {
  id: string;
  html: string;
  createdAt: Date | string;
  authorName: string;
  fromSupport: boolean;
  mine: boolean;
  attachments: Attachment[];
}

/** The customer's conversation (public messages only: the caller's data never holds another kind). */
export function portalThreadHtml(input: { ticketNumber: number; messages: readonly PortalThreadMessage[]; timeZone: string; now: number }): string {
  let out = "";
  for (const m of input.messages) {
    out += `<li class="message ${m.fromSupport ? "message-support" : "message-customer"}"><div class="message-meta"><strong>${escapeHtml(m.mine ? "You" : m.authorName)}</strong>${
      m.fromSupport ? '<span class="badge badge-accent">Support team</span>' : ""
    }${timeHtml(m.createdAt, input.timeZone, input.now)}</div><div class="markdown">${m.html}</div>`;
    if (m.attachments.length) {
      out += '<ul class="attachments" aria-label="Attachments">';
      for (const a of m.attachments) {
        out += `<li><a href="/portal/tickets/${input.ticketNumber}/attachments/${escapeHtml(encodeURIComponent(a.id))}" download="">${escapeHtml(a.fileName)}</a> <span class="muted">(${Math.max(1, Math.round(a.size / 1024))} KB)</span></li>`;
      }
      out += "</ul>";
    }
    out += "</li>";
  }
  return out;
}
