import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { notifications, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action, loader } from "~/routes/notifications";
import { loader as rootLoader } from "~/root";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let agent: SignedIn, otherAgent: SignedIn, sales: SignedIn, customer: SignedIn;
let ticketNumber: number;

type ListData = { unread: number; items: { id: number; text: string; readAt: string | null; ticketNumber: number | null }[]; nextCursor: string | null };

async function notify(user: SignedIn, text: string, withTicket = true, createdAt = new Date()) {
  const [t] = await db().select({ id: tickets.id }).from(tickets).where(eq(tickets.number, ticketNumber));
  const [row] = await db()
    .insert(notifications)
    .values({ userId: user.user.id, ticketId: withTicket ? t!.id : null, text, createdAt })
    .returning({ id: notifications.id });
  return row!.id;
}

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Acme" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  otherAgent = await signInAs(await createUser(db(), { role: "agent", name: "Olly" }));
  sales = await signInAs(await createUser(db(), { role: "sales", name: "Sally" }));
  ({ number: ticketNumber } = await createTicketAsCustomer(customer.user, { subject: "Slow export", description: "The export takes hours.", priority: "high", category: null, idempotencyKey: randomUUID(), files: [] }));
});

describe("in-app notifications", () => {
  it("lists a person's own notifications newest first with the unread count, also in the header", async () => {
    await notify(agent, "SLA warning: first response on #1 is due soon", true, new Date(Date.now() - 60_000));
    await notify(agent, "SLA breached: resolution on #1");
    await notify(otherAgent, "Someone else's");
    const res = await call(loader, getRequest("/notifications", agent));
    const list = res.data as ListData;
    expect(list.items.map((n) => n.text)).toEqual(["SLA breached: resolution on #1", "SLA warning: first response on #1 is due soon"]);
    expect(list.unread).toBe(2);
    expect(list.items[0]!.ticketNumber).toBe(ticketNumber);
    const root = await call(rootLoader, getRequest("/desk", agent));
    expect((root.data as { unreadNotifications: number }).unreadNotifications).toBe(2);
    // Customers get no bell and no page.
    expect(((await call(rootLoader, getRequest("/portal", customer))).data as { unreadNotifications: number | null }).unreadNotifications).toBeNull();
    expect((await call(loader, getRequest("/notifications", customer))).status).toBe(403);
  });

  it("opens a notification: marks it read and goes to its ticket; another person's id is not found", async () => {
    const id = await notify(agent, "Escalated to you");
    const res = await call(action, postForm("/notifications", { intent: "open", id: String(id) }, agent));
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/desk/tickets/${ticketNumber}`);
    const [row] = await db().select().from(notifications).where(eq(notifications.id, id));
    expect(row!.readAt).not.toBeNull();
    const foreign = await notify(otherAgent, "Not yours");
    expect((await call(action, postForm("/notifications", { intent: "open", id: String(foreign) }, agent))).status).toBe(404);
    const [still] = await db().select().from(notifications).where(eq(notifications.id, foreign));
    expect(still!.readAt).toBeNull();
  });

  it("sends sales, who cannot open desk tickets, back to the list", async () => {
    const id = await notify(sales, "A beta customer's ticket breached");
    const res = await call(action, postForm("/notifications", { intent: "open", id: String(id) }, sales));
    expect(res.location).toBe("/notifications");
  });

  it("marks one or all as read, and filters to unread", async () => {
    const a = await notify(otherAgent, "One");
    await notify(otherAgent, "Two");
    await call(action, postForm("/notifications", { intent: "read", id: String(a) }, otherAgent));
    const unread = (await call(loader, getRequest("/notifications?show=unread", otherAgent))).data as ListData;
    expect(unread.items.map((n) => n.text)).not.toContain("One");
    expect(unread.items.map((n) => n.text)).toContain("Two");
    const all = await call(action, postForm("/notifications?show=unread", { intent: "read-all" }, otherAgent));
    expect(all.status).toBe(302);
    expect(all.location).toBe("/notifications?show=unread");
    // The next page shows the toast once.
    const cookie = all.headers.get("set-cookie")!;
    expect(decodeURIComponent(cookie)).toMatch(/Marked \d+ notifications as read/);
    const next = await call(rootLoader, getRequest("/notifications", otherAgent, { cookie: `${otherAgent.cookie}; ${cookie.split(";")[0]}` }));
    expect((next.data as { toast: { message: string } }).toast.message).toMatch(/Marked \d+ notifications as read/);
    expect(next.headers.get("set-cookie")).toMatch(/toast=;.*Max-Age=0/);
    expect(((await call(loader, getRequest("/notifications", otherAgent))).data as ListData).unread).toBe(0);
  });

  it("pages through older notifications with a cursor", async () => {
    const person = await signInAs(await createUser(db(), { role: "agent" }));
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 35; i++) await notify(person, `n${i}`, false, new Date(base + i * 1000));
    const first = (await call(loader, getRequest("/notifications", person))).data as ListData;
    expect(first.items).toHaveLength(30);
    expect(first.items[0]!.text).toBe("n34");
    const second = (await call(loader, getRequest(`/notifications?before=${encodeURIComponent(first.nextCursor!)}`, person))).data as ListData;
    expect(second.items.map((n) => n.text)).toEqual(["n4", "n3", "n2", "n1", "n0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses a malformed action with a message", async () => {
    const res = await call(action, postForm("/notifications", { intent: "open", id: "abc" }, agent));
    expect(res.status).toBe(400);
  });
});
