// What the ticket pages' loaders send to the browser.
//
// `deskTicketPageData` / `portalTicketPageData` are the pages' data as structured values (what the
// loaders returned before; tests compare them with the functions the pages used to call). The
// `…ForBrowser` functions turn the long lists into HTML strings (thread-html.server.ts): the
// thread, and on the desk the assignee options; the rest stays data for the page's controls.
import { redirect } from "react-router";
import { env } from "~/lib/env.server";
import { now as clockNow } from "~/lib/clock";
import { can } from "../auth/permissions";
import type { SessionUser } from "../auth/session.server";
import { getDeskTicketPage, getPortalTicketPage } from "./ticket-page.server";
import { withDocumentHtml } from "~/lib/document-html";
import type { RequestContext } from "~/lib/context";
import { deskThreadHtml, optionsHtml, portalThreadHtml } from "./thread-html.server";

/** The agent's ticket page as data: one statement (getDeskTicketPage), the SLA panel from the caches. */
export async function deskTicketPageData(user: SessionUser, number: number) {
  const page = await getDeskTicketPage(user, number);
  const t = page.ticket;
  return {
    me: user.id,
    appUrl: env().APP_URL,
    sla: page.sla,
    viewerTimeZone: user.timeZone ?? null,
    ticket: {
      number: t.number,
      subject: t.subject,
      status: t.status,
      priority: t.priority,
      category: t.category,
      channel: t.channel,
      tags: t.tags,
      version: t.version,
      assigneeId: t.assigneeId,
      groupId: t.groupId,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    },
    organizationName: page.organizationName,
    plan: page.plan,
    /** Beta customers' tickets can become feedback items (agents and admins may promote). */
    promote: page.plan === "beta" && can(user, "manage:feedback") ? { itemId: page.feedbackItemId } : null,
    requester: page.requester,
    assignee: page.assignee,
    messages: page.messages.map((m) => ({
      id: m.id,
      html: m.html,
      visibility: m.visibility,
      createdAt: m.createdAt,
      authorName: m.authorName ?? "Unknown sender",
      fromCustomer: m.authorRole === "customer",
      attachments: m.attachments,
      // The plain-text part of a formatted email, for agents who want to see exactly what came in.
      text: m.isEmailHtml ? m.body : null,
    })),
    /** Groups this agent may route the ticket into (null: any, for admins). */
    movableGroupIds: page.movableGroupIds,
    events: page.events.map((e) => ({ id: e.id, at: e.at, type: e.type, data: e.data, actorName: e.actorName })),
    rating: page.rating,
    options: page.options,
    macros: page.macros.map((m) => ({ id: m.id, name: m.name })),
    related: page.related,
    otherTickets: page.others,
    mergedInto: page.mergedIntoNumber,
  };
}

export type DeskTicketPageData = Awaited<ReturnType<typeof deskTicketPageData>>;

/**
 * The loader data of /desk/tickets/:number: the thread and the assignee options as HTML (left out
 * of a document's serialized data: app/lib/document-html.ts), the group options already narrowed
 * to the ones this agent may route into (or the current one).
 */
export function deskTicketForBrowser(d: DeskTicketPageData, context: Pick<RequestContext, "documentRender"> | undefined, now: number = clockNow().getTime()) {
  const { messages, events, options, movableGroupIds, ...rest } = d;
  const names = new Map<string, string>([...options.agents.map((a) => [a.id, a.name] as const), ...options.groups.map((g) => [g.id, g.name] as const)]);
  return withDocumentHtml(
    context,
    { ...rest, groups: options.groups.filter((g) => movableGroupIds === null || movableGroupIds.includes(g.id) || g.id === d.ticket.groupId) },
    {
      threadHtml: deskThreadHtml({ ticketNumber: d.ticket.number, messages, events, names, timeZone: d.viewerTimeZone ?? "UTC", now }),
      assigneeOptionsHtml: optionsHtml([{ value: "", label: "Unassigned" }, ...options.agents.map((a) => ({ value: a.id, label: a.name }))], d.ticket.assigneeId ?? ""),
    },
  );
}

/** The customer's ticket page as data (a merged ticket redirects to the one it joined). */
export async function portalTicketPageData(user: SessionUser, number: number) {
  const thread = await getPortalTicketPage(user, number);
  if (thread.mergedIntoNumber) throw redirect(`/portal/tickets/${thread.mergedIntoNumber}?merged=${number}`);
  return {
    // Customers see the promise only, never due times, states, policies or escalations.
    slaPromise: thread.slaPromise,
    ticket: {
      number: thread.ticket.number,
      subject: thread.ticket.subject,
      status: thread.ticket.status,
      priority: thread.ticket.priority,
      category: thread.ticket.category,
      createdAt: thread.ticket.createdAt,
      updatedAt: thread.ticket.updatedAt,
    },
    requester: thread.requester ? { name: thread.requester.name } : null,
    assignee: thread.assignee ? { name: thread.assignee.name } : null,
    messages: thread.messages.map((m) => ({
      id: m.id,
      html: m.html,
      createdAt: m.createdAt,
      authorName: m.authorName ?? "Someone",
      fromSupport: m.authorRole !== "customer",
      mine: m.authorId === user.id,
      attachments: m.attachments,
    })),
    rating: thread.rating,
    mayReopen: thread.mayReopen,
  };
}

export type PortalTicketPageData = Awaited<ReturnType<typeof portalTicketPageData>>;

/** The loader data of /portal/tickets/:number: the conversation as HTML (as on the desk) and its length (the reply form's key). */
export function portalTicketForBrowser(
  d: PortalTicketPageData,
  timeZone: string | null,
  context: Pick<RequestContext, "documentRender"> | undefined,
  now: number = clockNow().getTime(),
) {
  const { messages, ...rest } = d;
  return withDocumentHtml(
    context,
    { ...rest, messageCount: messages.length },
    { threadHtml: portalThreadHtml({ ticketNumber: d.ticket.number, messages, timeZone: timeZone ?? "UTC", now }) },
  );
}
