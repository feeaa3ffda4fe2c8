// The ticket page's JSON boundary (app/modules/tickets/ticket-page.server.ts): the hand-written
// mappers of its long arrays check what the zod schemas they replaced checked, and the rendered
// message HTML is reused only for the very same source.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ticketMessages, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { getDeskTicketPage, parseDeskPageJson } from "~/modules/tickets/ticket-page.server";
import { createOrganization, createUser } from "../support/factories";

const message = {
  id: "m1",
  visibility: "public",
  channel: "email",
  body: "Hello",
  bodyHtml: null,
  createdAt: "2026-03-02T09:15:00.123+00:00",
  authorId: "u1",
  authorName: "Alice",
  authorRole: "customer",
  attachments: [{ id: "a1", messageId: "m1", fileName: "x.txt", size: 3 }],
};
const doc = {
  ticket: null,
  visible: false,
  requester: null,
  assignee: null,
  rating: null,
  mergedIntoNumber: null,
  myGroupIds: ["g1"],
  messages: [message, { ...message, id: "m2", visibility: "internal", bodyHtml: "<p>Hi</p>", authorId: null, authorName: null, authorRole: null, attachments: [] }],
  events: [{ id: 7, at: "2026-03-02T09:16:00+00:00", type: "status", data: { from: "new", to: "open" }, actorName: null }],
  agents: [{ id: "u2", name: "Sam", extra: "dropped" }],
  groups: [{ id: "g1", name: "Billing" }],
  macros: [],
  related: [],
  others: [],
  feedbackItemId: null,
  sla: null,
};
const parse = (patch: Record<string, unknown>) => parseDeskPageJson(JSON.stringify({ ...doc, ...patch }));

describe("ticket page JSON", () => {
  it("maps the long arrays with their dates converted once and unknown keys left out", () => {
    const page = parse({});
    expect(page.messages).toEqual([
      { ...message, createdAt: new Date("2026-03-02T09:15:00.123Z") },
      { ...message, id: "m2", visibility: "internal", bodyHtml: "<p>Hi</p>", authorId: null, authorName: null, authorRole: null, attachments: [], createdAt: new Date("2026-03-02T09:15:00.123Z") },
    ]);
    expect(page.events).toEqual([{ id: 7, at: new Date("2026-03-02T09:16:00Z"), type: "status", data: { from: "new", to: "open" }, actorName: null }]);
    expect(page.agents).toEqual([{ id: "u2", name: "Sam" }]);
    expect(page.groups).toEqual([{ id: "g1", name: "Billing" }]);
    expect(page.myGroupIds).toEqual(["g1"]);
  });

  it.each([
    ["a message of an unknown visibility", { messages: [{ ...message, visibility: "secret" }] }, /messages\[0\]\.visibility/],
    ["an unknown channel", { messages: [{ ...message, channel: "fax" }] }, /messages\[0\]\.channel/],
    ["an unknown author role", { messages: [{ ...message, authorRole: "robot" }] }, /messages\[0\]\.authorRole/],
    ["a date that is not a string", { messages: [{ ...message, createdAt: 5 }] }, /messages\[0\]\.createdAt/],
    ["a missing body", { messages: [{ ...message, body: undefined }] }, /messages\[0\]\.body/],
    ["an attachment size as text", { messages: [{ ...message, attachments: [{ id: "a", messageId: null, fileName: "f", size: "3" }] }] }, /attachments\[0\]\.size/],
    ["messages that are not an array", { messages: null }, /messages should be an array/],
    ["event data that is an array", { events: [{ ...doc.events[0], data: [] }] }, /events\[0\]\.data/],
    ["an event id as text", { events: [{ ...doc.events[0], id: "7" }] }, /events\[0\]\.id/],
    ["an agent without a name", { agents: [{ id: "u2", name: null }] }, /agents\[0\]\.name/],
  ])("refuses %s", (_, patch, error) => {
    expect(() => parse(patch)).toThrow(error);
  });

  it("still checks the small parts with their schemas", () => {
    expect(() => parse({ myGroupIds: [1] })).toThrow();
    expect(() => parse({ visible: "yes" })).toThrow();
  });
});

describe("rendered message HTML", () => {
  let admin: { id: string; role: "admin"; organizationId: null };
  let number: number;
  let messageId: string;
  beforeAll(async () => {
    const org = await createOrganization(db(), { name: "Render Co" });
    const customer = await createUser(db(), { role: "customer", organizationId: org.id });
    const a = await createUser(db(), { role: "admin" });
    admin = { id: a.id, role: "admin", organizationId: null };
    const [t] = await db().insert(tickets).values({ organizationId: org.id, requesterId: customer.id, subject: "Render me", status: "open" }).returning();
    number = t!.number;
    const [m] = await db().insert(ticketMessages).values({ ticketId: t!.id, authorId: customer.id, body: "It is **broken**" }).returning();
    messageId = m!.id;
  });

  it("renders once and again when the source changes (an edit, or a mail's own HTML)", async () => {
    const html = async () => (await getDeskTicketPage(admin, number)).messages.find((m) => m.id === messageId)!;
    expect((await html()).html).toContain("<strong>broken</strong>");
    expect((await html()).html).toContain("<strong>broken</strong>");
    await db().update(ticketMessages).set({ body: "It is _fixed_" }).where(eq(ticketMessages.id, messageId));
    expect((await html()).html).toContain("<em>fixed</em>");
    await db().update(ticketMessages).set({ bodyHtml: '<p>Mail <b>body</b><script>alert(1)</script></p>' }).where(eq(ticketMessages.id, messageId));
    const mail = await html();
    expect(mail.isEmailHtml).toBe(true);
    expect(mail.html).toContain("<b>body</b>");
    expect(mail.html).not.toContain("script");
    await db().update(ticketMessages).set({ bodyHtml: null }).where(eq(ticketMessages.id, messageId));
    expect((await html()).html).toContain("<em>fixed</em>");
  });
});
