/**
 * The /api/v1 resources on top of the same module functions the pages use (so the API
 * enforces exactly the pages' authorization): tickets through tickets.server / desk.server,
 * the help center through kb's reader functions. Maps rows to the documented JSON shapes.
 */
import type { z } from "zod";
import { can, type Actor } from "../auth/permissions";
import { getActiveProgram, programDeals } from "../beta/deals.server";
import { findArticleForReader } from "../kb/articles.server";
import { getTicketSlaClocks, getTicketSlaPromise } from "../sla/apply.server";
import { searchArticles } from "../kb/search.server";
import { deskQueue, updateTicketAsAgent } from "../tickets/desk.server";
import {
  createTicketAsCustomer,
  getTicketThread,
  listCustomerTickets,
  loadVisibleTicket,
  replyAsCustomer,
  setStatusAsCustomer,
  ticketUrl,
} from "../tickets/tickets.server";
import type { betaDealList, createTicketBody, kbArticle, kbSearchResult, listTicketsQuery, replyBody, ticketDetail, ticketList, ticketSla, updateTicketBody } from "./operations";
import { ApiProblem } from "./problem";

const isStaffWorker = (actor: Actor) => actor.role === "agent" || actor.role === "admin";
const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function requireTicketRole(actor: Actor): void {
  if (actor.role === "sales") throw new ApiProblem("forbidden", "Your role does not work tickets.");
}

export async function listTickets(actor: Actor, query: z.output<typeof listTicketsQuery>): Promise<z.input<typeof ticketList>> {
  requireTicketRole(actor);
  const forCustomer = actor.role === "customer";
  if (forCustomer) {
    const page = await listCustomerTickets(actor, { status: query.status, q: query.q, scope: "organization", cursor: query.cursor });
    return {
      tickets: page.tickets.map((t) => ({ number: t.number, subject: t.subject, status: t.status, priority: t.priority, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt), url: ticketUrl(t.number, true) })),
      nextCursor: page.nextCursor,
    };
  }
  const status = query.status === "open" ? (["new", "open", "pending", "on_hold"] as const) : query.status === "solved" ? (["solved", "closed"] as const) : undefined;
  const page = await deskQueue(actor, { view: null, filters: status ? { status: [...status] } : {}, sort: "updated", q: query.q, cursor: query.cursor });
  return {
    tickets: page.tickets.map((t) => ({ number: t.number, subject: t.subject, status: t.status, priority: t.priority, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt), url: ticketUrl(t.number, false) })),
    nextCursor: page.nextCursor,
  };
}

export async function ticketAsJson(actor: Actor, number: number): Promise<z.input<typeof ticketDetail>> {
  requireTicketRole(actor);
  const thread = await getTicketThread(actor, number);
  const t = thread.ticket;
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    url: ticketUrl(t.number, actor.role === "customer"),
    version: t.version,
    organization: thread.organizationName,
    requester: thread.requester ? { id: thread.requester.id, name: thread.requester.name } : null,
    assignee: thread.assignee ? { id: thread.assignee.id, name: thread.assignee.name } : null,
    tags: t.tags,
    messages: thread.messages.map((m) => ({
      id: m.id,
      visibility: m.visibility,
      channel: m.channel,
      body: m.body,
      author: { name: m.authorName ?? null, staff: !!m.authorRole && m.authorRole !== "customer" },
      createdAt: iso(m.createdAt),
    })),
  };
}

export async function createTicket(actor: Actor, idempotencyKey: string, body: z.output<typeof createTicketBody>) {
  if (actor.role !== "customer") throw new ApiProblem("forbidden", "Only customers file tickets through the API.");
  const { number, created } = await createTicketAsCustomer(actor, {
    subject: body.subject,
    description: body.description,
    priority: body.priority,
    category: body.category ?? null,
    idempotencyKey: `api:${idempotencyKey}`,
    files: [],
    channel: "api",
  });
  return { number, created, ticket: await ticketAsJson(actor, number) };
}

export async function replyToTicket(actor: Actor, number: number, body: z.output<typeof replyBody>) {
  requireTicketRole(actor);
  if (actor.role === "customer") {
    if (body.visibility === "internal") throw new ApiProblem("forbidden", "Only staff write internal notes.");
    await replyAsCustomer(actor, number, { body: body.body, files: [] });
  } else {
    const { ticket } = await loadVisibleTicket(actor, number);
    await updateTicketAsAgent(actor, number, { version: ticket.version, reply: { body: body.body, visibility: body.visibility } });
  }
  return ticketAsJson(actor, number);
}

export async function updateTicket(actor: Actor, number: number, version: number, body: z.output<typeof updateTicketBody>) {
  requireTicketRole(actor);
  const { ticket } = await loadVisibleTicket(actor, number);
  if (ticket.version !== version) throw new ApiProblem("version_conflict", `The ticket is at version ${ticket.version}; you sent ${version}. Read it again and retry.`);
  if (isStaffWorker(actor)) {
    await updateTicketAsAgent(actor, number, {
      version,
      ...(body.status ? { status: body.status } : {}),
      ...(body.priority ? { priority: body.priority } : {}),
      ...(body.assigneeId !== undefined ? { assigneeId: body.assigneeId } : {}),
    });
  } else {
    if (body.priority !== undefined || body.assigneeId !== undefined) throw new ApiProblem("forbidden", "Customers may change only the status (solved, or open to reopen).");
    if (body.status && body.status !== ticket.status) {
      if (body.status !== "solved" && body.status !== "open") throw new ApiProblem("forbidden", "Customers may set only solved, or open to reopen.");
      await setStatusAsCustomer(actor, number, body.status);
    }
  }
  return ticketAsJson(actor, number);
}

/** Staff see the clocks the desk shows; customers only the portal's promise (never due times). */
export async function ticketSlaAsJson(actor: Actor, number: number): Promise<z.input<typeof ticketSla>> {
  requireTicketRole(actor);
  const { ticket } = await loadVisibleTicket(actor, number);
  const open = ticket.status !== "solved" && ticket.status !== "closed";
  const promise = open ? await getTicketSlaPromise(ticket.id) : null;
  if (!isStaffWorker(actor)) return { promise, clocks: null };
  return { promise, clocks: await getTicketSlaClocks(ticket.id) };
}

/** The board's deals for sales and admins (the same permission as /beta). */
export async function listBetaDeals(actor: Actor): Promise<z.input<typeof betaDealList>> {
  if (!can(actor, "view:beta")) throw new ApiProblem("forbidden", "Only sales and admins see the beta program.");
  const program = await getActiveProgram();
  if (!program) return { program: null, deals: [] };
  const rows = await programDeals(program.id);
  return {
    program: { id: program.id, name: program.name },
    deals: rows.map(({ deal, ownerName, organizationName }) => ({
      id: deal.id,
      company: deal.company,
      stage: deal.stage,
      stageEnteredAt: iso(deal.stageEnteredAt),
      owner: ownerName ?? null,
      organization: organizationName ?? null,
      nextStep: deal.nextStep ?? null,
      nextStepDueAt: deal.nextStepDueAt ? iso(deal.nextStepDueAt) : null,
      version: deal.version,
      updatedAt: iso(deal.updatedAt),
      url: `/beta/deals/${deal.id}`,
    })),
  };
}

const kbReader = (actor: Actor) => ({ id: actor.id, role: actor.role });

export async function searchKb(actor: Actor, q: string, page: number): Promise<z.input<typeof kbSearchResult>> {
  const result = await searchArticles(kbReader(actor), q, { page });
  return {
    query: result.query,
    total: result.total,
    totalIsCapped: result.totalIsCapped,
    page: result.page,
    pageSize: result.pageSize,
    hits: result.hits.map((h) => ({ slug: h.slug, title: h.title, summary: h.summary, category: h.categoryName, updatedAt: iso(h.updatedAt), url: `/help/articles/${h.slug}` })),
  };
}

export async function kbArticleAsJson(actor: Actor, slug: string): Promise<z.input<typeof kbArticle>> {
  let found = await findArticleForReader(kbReader(actor), slug);
  if (found && "redirectTo" in found) found = await findArticleForReader(kbReader(actor), found.redirectTo);
  if (!found || !("article" in found)) throw new ApiProblem("not_found", "No article with this slug that you may read.");
  const a = found.article;
  return {
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    body: a.body,
    visibility: a.visibility,
    category: a.categoryName ?? null,
    tags: a.tags,
    updatedAt: iso(a.updatedAt),
    url: `/help/articles/${a.slug}`,
  };
}
