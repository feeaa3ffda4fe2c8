// The agent's ticket page in at most 3 SQL round trips for the whole request (issue #8), with
// the same data as before: each case compares the loader with the page built the old way, from
// the functions it used to call (getTicketThread, assignmentOptions, listMacros, groupIdsOf,
// ticketContext, feedbackItemIdForTicket and a fresh getTicketSlaClocks).
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { businessCalendars, feedbackItems, groupMembers, groups, notifications, organizations, slaPolicies, slaTimers, tickets } from "../../db/schema";
import { schema, type Database } from "../../db/client";
import { db, useDatabase as installDatabase } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { loader as deskTicketLoader } from "~/routes/desk/ticket";
import { loader as portalTicketLoader } from "~/routes/portal/ticket";
import { loader as rootLoader } from "~/root";
import { deskTicketForBrowser, deskTicketPageData, portalTicketForBrowser, portalTicketPageData } from "~/modules/tickets/ticket-page-view.server";
import { createTicketAsCustomer, getTicketThread, rateTicket, replyAsCustomer } from "~/modules/tickets/tickets.server";
import { assignmentOptions, groupIdsOf, updateTicketAsAgent, type AgentUpdate } from "~/modules/tickets/desk.server";
import { linkTickets, mergeTicket, ticketContext } from "~/modules/tickets/merge.server";
import { listMacros } from "~/modules/tickets/admin.server";
import { feedbackItemIdForTicket } from "~/modules/beta/feedback.server";
import { getTicketSlaClocks, getTicketSlaPromise, type TicketSlaView } from "~/modules/sla/apply.server";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import { can } from "~/modules/auth/permissions";
import type { SessionUser } from "~/modules/auth/session.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";
import { dataUrl, fetchApp } from "../support/app-server";
import { testDatabase } from "../support/integration-setup";

const MIN = 60_000;
const T0 = new Date("2026-03-02T09:00:00Z"); // Monday 10:00 in Berlin
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

let alice: SignedIn, bob: SignedIn, carol: SignedIn, agent: SignedIn, admin: SignedIn;
let billing: string, security: string;
const n: Record<string, number> = {};

function file(name: string, content: string) {
  return { name, type: "text/plain", bytes: Buffer.from(content) };
}

async function ticketRow(number: number) {
  const [row] = await db().select().from(tickets).where(eq(tickets.number, number));
  return row!;
}

async function agentSave(number: number, change: Omit<AgentUpdate, "version">, as: SignedIn = agent) {
  await updateTicketAsAgent(as.user, number, { version: (await ticketRow(number)).version, ...change });
}

async function file_ticket(as: SignedIn, subject: string, priority: "low" | "normal" | "high", files: ReturnType<typeof file>[] = []) {
  const { number } = await createTicketAsCustomer(as.user, { subject, description: `About: ${subject}`, priority, category: "Problem", idempotencyKey: randomUUID(), files });
  return number;
}

/** The loader as it was before issue #8's rewrite (21 statements), from the functions it called. */
async function oldLoaderData(user: SessionUser, number: number) {
  const [thread, options, macros, myGroupIds] = await Promise.all([
    getTicketThread(user, number),
    assignmentOptions(),
    listMacros({ activeOnly: true }),
    user.role === "admin" ? Promise.resolve(null) : groupIdsOf(user.id),
  ]);
  const t = thread.ticket;
  const context2 = await ticketContext(user, t.id, t.requesterId);
  const sla = await getTicketSlaClocks(t.id);
  return {
    me: user.id,
    appUrl: "http://portal.test",
    sla,
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
    organizationName: thread.organizationName,
    plan: thread.plan,
    promote: thread.plan === "beta" && can(user, "manage:feedback") ? { itemId: await feedbackItemIdForTicket(t.id) } : null,
    requester: thread.requester,
    assignee: thread.assignee,
    messages: thread.messages.map((m) => ({
      id: m.id,
      html: m.html,
      visibility: m.visibility,
      createdAt: m.createdAt,
      authorName: m.authorName ?? "Unknown sender",
      fromCustomer: m.authorRole === "customer",
      attachments: m.attachments,
      text: m.isEmailHtml ? m.body : null,
    })),
    movableGroupIds: myGroupIds,
    events: thread.events.map((e) => ({ id: e.id, at: e.at, type: e.type, data: e.data, actorName: e.actorName })),
    rating: thread.rating,
    options,
    macros: macros.map((m) => ({ id: m.id, name: m.name })),
    related: context2.related,
    otherTickets: context2.others,
    mergedInto: thread.mergedIntoNumber,
  };
}

type PageData = Awaited<ReturnType<typeof oldLoaderData>>;

/** JSON as the browser receives it; orders the old code left to the planner are made explicit. */
function normalized(d: PageData) {
  const plain = JSON.parse(JSON.stringify(d)) as PageData & { sla: TicketSlaView };
  const byTime = (a: { at: string; id: number }, b: { at: string; id: number }) => a.at.localeCompare(b.at) || a.id - b.id;
  return {
    ...plain,
    sla: { ...plain.sla, metrics: [] as unknown[] },
    // ties of the same instant (one save's several changes) were in no defined order before
    events: [...plain.events].sort(byTime as never),
    related: [...plain.related].sort((a, b) => a.number - b.number),
    messages: plain.messages.map((m) => ({ ...m, attachments: [...m.attachments].sort((a, b) => a.id.localeCompare(b.id)) })),
  };
}

/** The same page: identical data, SLA figures equal up to floating point (warning instant ±1 ms). */
function expectSamePage(actual: unknown, expected: PageData) {
  const a = actual as PageData;
  expect(normalized(a)).toEqual(normalized(expected));
  const sa = a.sla, se = expected.sla;
  expect({ ...sa, metrics: [] }).toEqual({ ...se, metrics: [] });
  expect(sa.metrics.map((m) => m.metric)).toEqual(se.metrics.map((m) => m.metric));
  sa.metrics.forEach((m, i) => {
    const e = se.metrics[i]!;
    expect({ ...m, elapsedMinutes: 0, businessMinutesRemaining: 0, warnAt: null }).toEqual({ ...e, elapsedMinutes: 0, businessMinutesRemaining: 0, warnAt: null });
    expect(m.elapsedMinutes).toBeCloseTo(e.elapsedMinutes, 6);
    if (e.businessMinutesRemaining === null) expect(m.businessMinutesRemaining).toBeNull();
    else expect(m.businessMinutesRemaining).toBeCloseTo(e.businessMinutesRemaining, 6);
    if (e.warnAt === null) expect(m.warnAt).toBeNull();
    else expect(Math.abs(new Date(m.warnAt!).getTime() - new Date(e.warnAt).getTime())).toBeLessThanOrEqual(1);
  });
}

async function page(as: SignedIn, number: number) {
  return call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, as), { number: String(number) });
}

/**
 * The page's data equals the old loader's; what the loader sends the browser is that data with the
 * thread and the assignee options as HTML (thread-html.server.ts; tests/unit/thread-html.test.ts).
 */
async function expectUnchanged(as: SignedIn, number: number) {
  const res = await page(as, number);
  expect(res.status).toBe(200);
  const d = await deskTicketPageData(as.user, number);
  expectSamePage(d, await oldLoaderData(as.user, number));
  expect(JSON.parse(JSON.stringify(res.data))).toEqual(JSON.parse(JSON.stringify(deskTicketForBrowser(d, undefined))));
  return d as PageData;
}

beforeAll(async () => {
  testClock.freeze(T0);
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise", shareTickets: false });
  const globex = await createOrganization(db(), { name: "Globex", plan: "beta" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice", email: "alice@acme.test" }));
  bob = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Bob", email: "bob@acme.test" }));
  carol = await signInAs(await createUser(db(), { role: "customer", organizationId: globex.id, name: "Carol", email: "carol@globex.test" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam", email: "sam@portal.test" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada", email: "ada@portal.test" }));
  await createUser(db(), { role: "agent", name: "Retired", disabledAt: T0 });
  const [b] = await db().insert(groups).values({ name: "Billing" }).returning();
  const [s] = await db().insert(groups).values({ name: "Security" }).returning();
  billing = b!.id;
  security = s!.id;
  await db().insert(groupMembers).values({ groupId: billing, userId: agent.user.id });
  const hours = { start: "09:00", end: "17:00" };
  const [cal] = await db()
    .insert(businessCalendars)
    .values({ name: "Berlin office", timeZone: "Europe/Berlin", hours: { mon: [hours], tue: [hours], wed: [hours], thu: [hours], fri: [hours] }, holidays: ["2026-03-04"] })
    .returning();
  await db()
    .insert(slaPolicies)
    .values({
      name: "Enterprise",
      position: 0,
      calendarId: cal!.id,
      priorities: ["normal", "high"],
      targets: { normal: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 2400 }, high: { firstResponseMinutes: 60, resolutionMinutes: 480 } },
    });

  // "rich": a thread with attachments, an internal note, a second exchange, routing and links.
  n.rich = await file_ticket(alice, "Invoices are wrong", "normal", [file("screenshot.txt", "pixels")]);
  testClock.freeze(at(10));
  await agentSave(n.rich, { reply: { body: "Looking into it **now**.", visibility: "public", files: [file("steps.txt", "1. 2. 3."), file("log.txt", "log")] } });
  testClock.freeze(at(20));
  await agentSave(n.rich, { reply: { body: "Customer is on the legacy plan.", visibility: "internal", files: [file("notes.txt", "internal")] } });
  testClock.freeze(at(30));
  await replyAsCustomer(alice.user, n.rich, { body: "Still wrong today.", files: [] });
  testClock.freeze(at(40));
  await agentSave(n.rich, { status: "open", assigneeId: agent.user.id, groupId: billing, priority: "normal", tags: ["billing", "invoice"] });
  // the requester's other tickets: one the agent may see, one in a group they are not in
  testClock.freeze(at(41));
  n.otherVisible = await file_ticket(alice, "Password reset", "low");
  testClock.freeze(at(42));
  n.otherHidden = await file_ticket(alice, "Pentest findings", "high");
  await agentSave(n.otherHidden, { groupId: security }, admin);
  testClock.freeze(at(43));
  await linkTickets(agent.user, n.rich, n.otherVisible);
  await linkTickets(admin.user, n.otherHidden, n.rich); // linked the other way round, and out of the agent's scope

  // "paused": replied, then waiting on the customer
  testClock.freeze(at(50));
  n.paused = await file_ticket(bob, "Need a quote", "normal");
  testClock.freeze(at(70));
  await agentSave(n.paused, { reply: { body: "Which plan?", visibility: "public" }, status: "pending" });

  // "breached": nobody answers (created 11:20 Berlin: first response due 15:20 Berlin = 14:20Z, warning at 13:32Z)
  testClock.freeze(at(80));
  n.breached = await file_ticket(bob, "Site down", "normal");

  // "solved": achieved clocks and a rating
  testClock.freeze(at(90));
  n.solved = await file_ticket(bob, "How to export", "high");
  testClock.freeze(at(100));
  await agentSave(n.solved, { reply: { body: "Use the export button.", visibility: "public" }, status: "solved" });
  testClock.freeze(at(110));
  await rateTicket(bob.user, n.solved, { rating: "good", comment: "Quick, thanks" });

  // "merged": a duplicate merged into "paused"
  testClock.freeze(at(120));
  n.duplicate = await file_ticket(bob, "Quote please", "normal");
  testClock.freeze(at(121));
  await mergeTicket(agent.user, n.duplicate, n.paused, (await ticketRow(n.duplicate)).version);

  // "beta": a beta customer's ticket that became a feedback item
  testClock.freeze(at(130));
  n.beta = await file_ticket(carol, "Dark mode please", "normal");
  await db().insert(feedbackItems).values({ organizationId: globex.id, ticketId: (await ticketRow(n.beta)).id, title: "Dark mode" });

  // "crossGroup": routed to Security, where the agent is not a member
  testClock.freeze(at(140));
  n.crossGroup = await file_ticket(carol, "Leaked key", "high");
  await agentSave(n.crossGroup, { groupId: security }, admin);
});

afterAll(() => {
  testClock.reset();
});

describe("the agent's ticket page, read in one statement", () => {
  it("shows the same thread, notes, attachments, timeline, links and side panels as before", async () => {
    testClock.freeze(at(100)); // 10:40Z: the next-response cycle began at 09:30Z (120 min: warning at 11:06Z, due 11:30Z)
    const d = await expectUnchanged(agent, n.rich);
    // spot checks of what the comparison covers
    expect(d.messages.map((m) => [m.visibility, m.fromCustomer, m.attachments.length])).toEqual([
      ["public", true, 1],
      ["public", false, 2],
      ["internal", false, 1],
      ["public", true, 0],
    ]);
    expect(d.related.map((r) => r.number)).toEqual([n.otherVisible]); // the Security one is out of scope
    expect(d.otherTickets.map((o) => o.number)).toEqual([n.otherVisible]);
    expect(d.movableGroupIds).toEqual([billing]);
    expect(d.options.agents.map((a) => a.name)).toEqual(["Ada", "Sam"]);
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "status", "assignment", "group", "tags", "linked"]));
    expect(d.sla.metrics.map((m) => [m.metric, m.state])).toEqual([
      ["firstResponse", "achieved"],
      ["nextResponse", "running"],
      ["resolution", "running"],
    ]);
    expect(d.sla.metrics[1]!.warnAt).toBe("2026-03-02T11:06:00.000Z");
    // an admin sees the whole context, every group offered
    const adminView = await expectUnchanged(admin, n.rich);
    expect(adminView.related.map((r) => r.number).sort()).toEqual([n.otherVisible, n.otherHidden].sort());
    expect(adminView.movableGroupIds).toBeNull();
  });

  it("shows paused, warned, breached and achieved SLA clocks as the fresh computation does", async () => {
    testClock.freeze(at(280)); // 13:40Z: the unanswered ticket's first response is past 80 %, "rich"'s next response late
    for (const key of ["paused", "breached", "solved", "rich"]) await expectUnchanged(agent, n[key]!);
    expect(((await page(agent, n.breached)).data as PageData).sla.metrics[0]).toMatchObject({ metric: "firstResponse", state: "warning" });
    expect(((await page(agent, n.rich)).data as PageData).sla.metrics[1]).toMatchObject({ metric: "nextResponse", state: "breached" });
    // past the due time, before and after the sweeper fired the breach (it clears sla_timers.due_at)
    testClock.freeze(at(330));
    await expectUnchanged(agent, n.breached);
    await runSlaSweep(db(), at(330));
    const breached = await expectUnchanged(agent, n.breached);
    expect(breached.sla.metrics[0]).toMatchObject({ metric: "firstResponse", state: "breached", dueAt: "2026-03-02T14:20:00.000Z" });
    expect(breached.events.map((e) => e.type)).toEqual(expect.arrayContaining(["sla_warning", "sla_breach"]));
    // overnight and over a holiday (Wednesday 4 March): business time only
    testClock.freeze(new Date("2026-03-05T10:00:00Z"));
    for (const key of ["paused", "breached", "solved", "rich"]) await expectUnchanged(agent, n[key]!);
    const paused = (await page(agent, n.paused)).data as PageData;
    // (the merged duplicate's customer message opened a next-response cycle, paused as well)
    expect(paused.sla.metrics.map((m) => m.state)).toEqual(["achieved", "paused", "paused"]);
    const solved = (await page(agent, n.solved)).data as PageData;
    expect(solved.sla.metrics.map((m) => m.state)).toEqual(["achieved", "inactive", "achieved"]);
    expect(solved.rating).toMatchObject({ rating: "good", comment: "Quick, thanks" });
  });

  it("falls back to the fresh computation when the cache cannot answer", async () => {
    // no policy: the panel is empty either way
    testClock.freeze(at(300));
    expect((await expectUnchanged(agent, n.otherVisible)).sla.metrics).toEqual([]);
    // a clock set before the last recompute, and a ticket whose timers were never written
    testClock.freeze(at(35)); // "rich" was last recomputed at 09:40Z
    await expectUnchanged(agent, n.rich);
    testClock.freeze(at(300));
    await db().delete(slaTimers).where(eq(slaTimers.ticketId, (await ticketRow(n.breached)).id));
    await expectUnchanged(agent, n.breached);
  });

  it("keeps the merged note, the beta promotion and the 404s", async () => {
    testClock.freeze(at(300));
    expect((await expectUnchanged(agent, n.duplicate)).mergedInto).toBe(n.paused);
    const beta = await expectUnchanged(agent, n.beta);
    expect(beta.promote).toEqual({ itemId: expect.any(String) });
    // another group's ticket: 404 for the agent (as before), the page for an admin
    expect((await page(agent, n.crossGroup)).status).toBe(404);
    await expect(oldLoaderData(agent.user, n.crossGroup)).rejects.toMatchObject({ status: 404 });
    await expectUnchanged(admin, n.crossGroup);
    expect((await page(agent, 999_999)).status).toBe(404);
    expect((await page(alice, n.rich)).status).toBe(403);
  });
});

/** The customer's loader as it was (about ten statements): getTicketThread and a fresh SLA promise. */
async function oldPortalData(user: SessionUser, number: number) {
  const thread = await getTicketThread(user, number);
  if (thread.mergedIntoNumber) return { redirect: `/portal/tickets/${thread.mergedIntoNumber}?merged=${number}` };
  const slaPromise = thread.ticket.status === "solved" || thread.ticket.status === "closed" ? null : await getTicketSlaPromise(thread.ticket.id);
  return {
    slaPromise,
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
      attachments: [...m.attachments].sort((a, b) => a.id.localeCompare(b.id)),
    })),
    rating: thread.rating,
    mayReopen: thread.mayReopen,
  };
}

async function expectPortalUnchanged(as: SignedIn, number: number) {
  const res = await call(portalTicketLoader, getRequest(`/portal/tickets/${number}`, as), { number: String(number) });
  const expected = await oldPortalData(as.user, number);
  if ("redirect" in expected) {
    expect(res.status).toBe(302);
    expect(res.location).toBe(expected.redirect);
    return null;
  }
  expect(res.status).toBe(200);
  // The loader sends the conversation as HTML (portalThreadHtml) built from this data.
  const d = await portalTicketPageData(as.user, number);
  expect(JSON.parse(JSON.stringify(res.data))).toEqual(JSON.parse(JSON.stringify(portalTicketForBrowser(d, as.user.timeZone, undefined))));
  const actual = JSON.parse(JSON.stringify(d)) as typeof expected;
  actual.messages = actual.messages.map((m) => ({ ...m, attachments: [...m.attachments].sort((a, b) => a.id.localeCompare(b.id)) }));
  expect(actual).toEqual(JSON.parse(JSON.stringify(expected)));
  return actual;
}

describe("the customer's ticket page, read in one statement", () => {
  it("shows the same public thread, attachments, rating and promise as before; never a note", async () => {
    testClock.freeze(at(300));
    const rich = await expectPortalUnchanged(alice, n.rich);
    expect(rich!.messages.map((m) => m.attachments.length)).toEqual([1, 2, 0]); // the internal note and its file stay out
    expect(JSON.stringify(rich)).not.toContain("legacy plan");
    expect(rich!.slaPromise).toBe("We aim to reply within 2 business hours."); // replied: the next-response target
    expect((await expectPortalUnchanged(bob, n.breached))!.slaPromise).toBe("We aim to reply within 4 business hours.");
    await expectPortalUnchanged(bob, n.paused);
    const solved = await expectPortalUnchanged(bob, n.solved);
    expect(solved).toMatchObject({ slaPromise: null, mayReopen: true, rating: { rating: "good" } });
    await expectPortalUnchanged(carol, n.beta);
    expect(await expectPortalUnchanged(bob, n.duplicate)).toBeNull(); // merged: redirected to the ticket it joined
    await expectPortalUnchanged(alice, n.otherVisible); // no policy: no promise
  });

  it("answers 404 for another person's ticket unless the organization shares tickets, and for another organization", async () => {
    testClock.freeze(at(300));
    const get = (as: SignedIn, number: number) => call(portalTicketLoader, getRequest(`/portal/tickets/${number}`, as), { number: String(number) });
    expect((await get(bob, n.rich)).status).toBe(404);
    expect((await get(carol, n.rich)).status).toBe(404);
    expect((await get(alice, 999_999)).status).toBe(404);
    expect((await get(agent, n.rich)).status).toBe(403);
    const [acme] = await db().select().from(organizations).where(eq(organizations.name, "Acme"));
    await db().update(organizations).set({ shareTickets: true }).where(eq(organizations.id, acme!.id));
    try {
      await expectPortalUnchanged(bob, n.rich);
      expect((await get(carol, n.rich)).status).toBe(404);
    } finally {
      await db().update(organizations).set({ shareTickets: false }).where(eq(organizations.id, acme!.id));
    }
  });
});

/** Runs `fn` with the app's database handle wrapped in a Drizzle logger that records each statement. */
async function countStatements(fn: () => Promise<void>): Promise<string[]> {
  const statements: string[] = [];
  const logger: Logger = { logQuery: (query) => void statements.push(query) };
  const handle = testDatabase();
  let counting: Database;
  let close = async () => {};
  if (handle.pglite) {
    const { drizzle } = await import("drizzle-orm/pglite");
    counting = drizzle(handle.pglite, { schema, casing: "snake_case", logger }) as unknown as Database;
  } else {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(handle.url!, { max: 2, onnotice: () => {} });
    counting = drizzle(client, { schema, casing: "snake_case", logger }) as unknown as Database;
    close = () => client.end({ timeout: 5 });
  }
  installDatabase({ ...handle, db: counting });
  try {
    await fn();
  } finally {
    installDatabase(handle);
    await close();
  }
  return statements;
}

describe("round trips", () => {
  it("answers the whole ticket page request (session, root loader, page) in at most 3 statements", async () => {
    testClock.freeze(at(300));
    await db().insert(notifications).values({ userId: agent.user.id, text: "SLA warning on a ticket" });
    let html = "";
    const document = await countStatements(async () => {
      const res = await fetchApp(getRequest(`/desk/tickets/${n.rich}`, agent));
      expect(res.status).toBe(200);
      html = await res.text();
    });
    expect(html).toContain("Invoices are wrong");
    expect(html).toContain("Customer is on the legacy plan."); // the internal note
    // The thread and the assignee options are in the markup once, not again in the hydration data.
    expect(html.split("Customer is on the legacy plan.")).toHaveLength(2);
    expect(html.split("Turn this reply into a help article")).toHaveLength(2);
    expect(html).toMatch(new RegExp(`<option value="${agent.user.id}" selected="">Sam</option>`));
    expect(html.split(`value="${agent.user.id}"`)).toHaveLength(2);
    expect(document, document.join("\n\n")).toHaveLength(2); // the session (with the header's facts) and the page
    expect(document.length).toBeLessThanOrEqual(3);
    // a client-side navigation's data request (it carries the thread: no document to take it from),
    // and an admin's view of a breached ticket
    let dataBody = "";
    const data = await countStatements(async () => {
      const res = await fetchApp(getRequest(dataUrl(`/desk/tickets/${n.rich}`), agent));
      expect(res.status).toBe(200);
      dataBody = await res.text();
    });
    expect(dataBody).toContain("Customer is on the legacy plan.");
    expect(dataBody).toContain("Turn this reply into a help article");
    expect(dataBody).toContain('selected=\\"\\">Sam</option>'); // JSON-escaped in the data
    expect(data.length).toBeLessThanOrEqual(3);
    const adminDoc = await countStatements(async () => {
      expect((await fetchApp(getRequest(`/desk/tickets/${n.crossGroup}`, admin))).status).toBe(200);
    });
    expect(adminDoc.length).toBeLessThanOrEqual(3);
    // a refused request reads nothing more
    const refused = await countStatements(async () => {
      expect((await fetchApp(getRequest(`/desk/tickets/${n.crossGroup}`, agent))).status).toBe(404);
    });
    expect(refused.length).toBeLessThanOrEqual(3);
  });

  it("answers the customer's ticket page request in at most 3 statements", async () => {
    testClock.freeze(at(300));
    for (const path of [`/portal/tickets/${n.rich}`, dataUrl(`/portal/tickets/${n.rich}`)]) {
      let body = "";
      const statements = await countStatements(async () => {
        const res = await fetchApp(getRequest(path, alice));
        expect(res.status).toBe(200);
        body = await res.text();
      });
      expect(statements, statements.join("\n\n")).toHaveLength(2);
      // the conversation once (in the markup of a document, in the data of a .data request), never the note
      expect(body.split("Still wrong today.")).toHaveLength(2);
      expect(body).not.toContain("legacy plan");
    }
  });

  it("shows the header's unread count and beta flag from the session's own statement", async () => {
    testClock.freeze(at(300));
    const root = await call(rootLoader, getRequest("/desk", agent));
    expect((root.data as { unreadNotifications: number }).unreadNotifications).toBe(1);
    await db().update(notifications).set({ readAt: at(300) }).where(eq(notifications.userId, agent.user.id));
    expect(((await call(rootLoader, getRequest("/desk", agent))).data as { unreadNotifications: number }).unreadNotifications).toBe(0);
    const beta = (await call(rootLoader, getRequest("/portal", carol))).data as { unreadNotifications: null; navigation: { label: string }[] };
    expect(beta.unreadNotifications).toBeNull();
    expect(beta.navigation.map((i) => i.label)).toContain("Feedback");
    const acme = (await call(rootLoader, getRequest("/portal", alice))).data as { navigation: { label: string }[] };
    expect(acme.navigation.map((i) => i.label)).not.toContain("Feedback");
    const statements = await countStatements(async () => {
      await call(rootLoader, getRequest("/portal", carol));
    });
    expect(statements).toHaveLength(1); // the session lookup: the root loader itself reads nothing
  });
});
