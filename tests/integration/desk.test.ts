import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, groupMembers, groups, ticketMessages, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as deskTicketAction, loader as deskTicketLoader } from "~/routes/desk/ticket";
import { action as queueAction, loader as queueLoader } from "~/routes/desk/queue";
import { loader as portalTicketLoader } from "~/routes/portal/ticket";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let alice: SignedIn, agent: SignedIn, outsider: SignedIn, admin: SignedIn;
let billingGroup: string;

async function newTicket(subject: string, body = "Something is broken in the export.") {
  const { number } = await createTicketAsCustomer(alice.user, { subject, description: body, priority: "normal", category: "Problem", idempotencyKey: randomUUID(), files: [] });
  return number;
}

async function versionOf(number: number) {
  const [row] = await db().select({ version: tickets.version }).from(tickets).where(eq(tickets.number, number));
  return String(row!.version);
}

type QueueData = { tickets: { number: number; tags: string[]; snippetHtml: string | null }[] };

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  outsider = await signInAs(await createUser(db(), { role: "agent", name: "Olly Outsider" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada" }));
  const [g] = await db().insert(groups).values({ name: "Billing" }).returning();
  billingGroup = g!.id;
  await db().insert(groupMembers).values({ groupId: billingGroup, userId: agent.user.id });
});

describe("desk", () => {
  it("tags a ticket and filters a custom view by tag, saved for later", async () => {
    const n = await newTicket("Tag me");
    await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: await versionOf(n), tags: "VIP, export  billing" }, agent), { number: String(n) });
    const [row] = await db().select().from(tickets).where(eq(tickets.number, n));
    expect(row!.tags).toEqual(["vip", "export", "billing"]);
    const custom = await call(queueLoader, getRequest("/desk/views/custom?tag=vip", agent), { view: "custom" });
    expect((custom.data as QueueData).tickets.map((t) => t.number)).toEqual([n]);
    const saved = await call(queueAction, postForm("/desk/views/custom?tag=vip", { intent: "save-view", name: "VIPs" }, agent), { view: "custom" });
    expect(saved.status).toBe(302);
    const viewId = saved.location!.split("/").pop()!;
    const viaSaved = await call(queueLoader, getRequest(`/desk/views/${viewId}`, agent), { view: viewId });
    expect((viaSaved.data as QueueData & { title: string }).title).toBe("VIPs");
    expect((viaSaved.data as QueueData).tickets.map((t) => t.number)).toEqual([n]);
    // Another agent cannot open someone else's saved view.
    expect((await call(queueLoader, getRequest(`/desk/views/${viewId}`, outsider), { view: viewId })).status).toBe(404);
  });

  it("rejects bad custom-view filters with a message instead of failing", async () => {
    const res = await call(queueLoader, getRequest("/desk/views/custom?createdFrom=yesterday&status=weird", agent), { view: "custom" });
    expect(res.status).toBe(200);
    expect(Object.keys((res.data as { filterErrors: Record<string, string> }).filterErrors).length).toBeGreaterThan(0);
  });

  it("finds tickets by message text with a highlighted, escaped snippet", async () => {
    const n = await newTicket("Search target", "The <b>frobnicator</b> crashed at midnight & 5 < 6.");
    const res = await call(queueLoader, getRequest("/desk/views/all-open?q=frobnicator", agent), { view: "all-open" });
    const hit = (res.data as QueueData).tickets.find((t) => t.number === n)!;
    expect(hit.snippetHtml).toContain("<mark>frobnicator</mark>");
    // Markup in the message never reaches the snippet as markup.
    expect(hit.snippetHtml).not.toMatch(/<b>|<\/b>/);
  });

  it("applies bulk changes to the selected tickets with an event each", async () => {
    const a = await newTicket("Bulk A");
    const b = await newTicket("Bulk B");
    const res = await call(queueAction, postForm("/desk/views/all-open", { intent: "bulk", numbers: [String(a), String(b)], assigneeId: "me", priority: "high", addTag: "batch" }, agent), { view: "all-open" });
    expect(res.status).toBe(302);
    expect(res.location).toContain("bulk=2-0");
    const rows = await db().select().from(tickets).where(eq(tickets.assigneeId, agent.user.id));
    const changed = rows.filter((r) => r.number === a || r.number === b);
    expect(changed.map((r) => [r.priority, r.tags.includes("batch")])).toEqual([
      ["high", true],
      ["high", true],
    ]);
    const none = await call(queueAction, postForm("/desk/views/all-open", { intent: "bulk", numbers: [String(a)] }, agent), { view: "all-open" });
    expect(none.status).toBe(400);
  });

  it("merges a duplicate: thread moves, duplicate closes, requester is told, customer is redirected", async () => {
    const original = await newTicket("Login broken");
    const duplicate = await newTicket("Cannot log in", "Duplicate report with extra detail.");
    const res = await call(deskTicketAction, postForm(`/desk/tickets/${duplicate}`, { intent: "merge", version: await versionOf(duplicate), target: `#${original}` }, agent), { number: String(duplicate) });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/desk/tickets/${original}`);
    const [dup] = await db().select().from(tickets).where(eq(tickets.number, duplicate));
    const [orig] = await db().select().from(tickets).where(eq(tickets.number, original));
    expect(dup!.status).toBe("closed");
    expect(dup!.mergedIntoId).toBe(orig!.id);
    const moved = await db().select().from(ticketMessages).where(eq(ticketMessages.ticketId, orig!.id));
    expect(moved.map((m) => m.body)).toContain("Duplicate report with extra detail.");
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_merged"));
    expect(mails).toHaveLength(1);
    const customer = await call(portalTicketLoader, getRequest(`/portal/tickets/${duplicate}`, alice), { number: String(duplicate) });
    expect(customer.status).toBe(302);
    expect(customer.location).toBe(`/portal/tickets/${original}?merged=${duplicate}`);
    const self = await call(deskTicketAction, postForm(`/desk/tickets/${original}`, { intent: "merge", version: await versionOf(original), target: String(original) }, agent), { number: String(original) });
    expect(self.status).toBe(400);
  });

  it("links related tickets both ways and shows the requester's other tickets", async () => {
    const a = await newTicket("Related A");
    const b = await newTicket("Related B");
    await call(deskTicketAction, postForm(`/desk/tickets/${a}`, { intent: "link", related: String(b) }, agent), { number: String(a) });
    const page = await call(deskTicketLoader, getRequest(`/desk/tickets/${b}`, agent), { number: String(b) });
    const data = page.data as { related: { number: number }[]; otherTickets: { number: number }[] };
    expect(data.related.map((r) => r.number)).toEqual([a]);
    expect(data.otherTickets.map((o) => o.number)).toContain(a);
  });

  it("keeps agents within their groups: an agent outside the group gets 404, admins see all", async () => {
    const n = await newTicket("Billing only");
    await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: await versionOf(n), groupId: billingGroup }, agent), { number: String(n) });
    expect((await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, outsider), { number: String(n) })).status).toBe(404);
    expect((await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: await versionOf(n), status: "solved" }, outsider), { number: String(n) })).status).toBe(404);
    expect((await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, admin), { number: String(n) })).status).toBe(200);
    const outsiderQueue = await call(queueLoader, getRequest("/desk/views/all-open", outsider), { view: "all-open" });
    expect((outsiderQueue.data as QueueData).tickets.map((t) => t.number)).not.toContain(n);
  });
});
