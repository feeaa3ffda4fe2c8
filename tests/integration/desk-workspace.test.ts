import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attachments, emailOutbox, groupMembers, groups, ticketMessages, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as deskTicketAction, loader as deskTicketLoader } from "~/routes/desk/ticket";
import { loader as portalTicketLoader } from "~/routes/portal/ticket";
import { loader as portalAttachmentLoader } from "~/routes/tickets/attachment";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { deskTicketPageData, portalTicketPageData } from "~/modules/tickets/ticket-page-view.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";

let alice: SignedIn, agent: SignedIn, admin: SignedIn;
let billing: string, security: string;

function multipart(path: string, fields: Record<string, string>, files: { name: string; type: string; content: string }[], as: SignedIn) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append("attachments", new File([f.content], f.name, { type: f.type }));
  return new Request(url(path), { method: "POST", body: form, headers: { cookie: as.cookie, origin: new URL(url("/")).origin } });
}

async function newTicket(subject: string) {
  const { number } = await createTicketAsCustomer(alice.user, { subject, description: "Details of the problem.", priority: "normal", category: "Problem", idempotencyKey: randomUUID(), files: [] });
  return number;
}

async function ticketRow(number: number) {
  const [row] = await db().select().from(tickets).where(eq(tickets.number, number));
  return row!;
}

/** What the loaders send the browser: the thread as HTML (the structured data: deskTicketPageData / portalTicketPageData). */
type Loaded = { threadHtml: string; groups: { id: string; name: string }[] };

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice", email: "alice@acme.test" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada" }));
  const [b] = await db().insert(groups).values({ name: "Billing" }).returning();
  const [s] = await db().insert(groups).values({ name: "Security" }).returning();
  billing = b!.id;
  security = s!.id;
  await db().insert(groupMembers).values({ groupId: billing, userId: agent.user.id });
});

describe("agent replies with attachments", () => {
  it("stores the files on the reply; the customer can download a public reply's file", async () => {
    const n = await newTicket("Please send the invoice");
    const { version } = await ticketRow(n);
    const res = await call(
      deskTicketAction,
      multipart(`/desk/tickets/${n}`, { intent: "save", version: String(version), visibility: "public", body: "Here is the invoice." }, [{ name: "invoice.pdf", type: "application/pdf", content: "%PDF-1.4 test" }], agent),
      { number: String(n) },
    );
    expect(res.status).toBe(302);
    const files = await db().select().from(attachments).where(eq(attachments.ticketId, (await ticketRow(n)).id));
    expect(files.map((f) => [f.fileName, f.uploaderId])).toEqual([["invoice.pdf", agent.user.id]]);

    const portal = await call(portalTicketLoader, getRequest(`/portal/tickets/${n}`, alice), { number: String(n) });
    expect(portal.status).toBe(200);
    const reply = (await portalTicketPageData(alice.user, n)).messages.find((m) => m.html.includes("Here is the invoice"))!;
    expect(reply.attachments.map((a) => a.fileName)).toEqual(["invoice.pdf"]);
    expect((portal.data as Loaded).threadHtml).toContain(`<a href="/portal/tickets/${n}/attachments/${reply.attachments[0]!.id}" download="">invoice.pdf</a>`);
    const download = await call(portalAttachmentLoader, getRequest(`/portal/tickets/${n}/attachments/${reply.attachments[0]!.id}`, alice), {
      number: String(n),
      attachmentId: reply.attachments[0]!.id,
    });
    expect(download.status).toBe(200);
    // The reply email still goes out.
    const mails = await db().select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, "alice@acme.test"), eq(emailOutbox.template, "ticket_reply")));
    expect(mails.length).toBe(1);
  });

  it("keeps files on an internal note away from the customer", async () => {
    const n = await newTicket("Internal file");
    const { version } = await ticketRow(n);
    await call(
      deskTicketAction,
      multipart(`/desk/tickets/${n}`, { intent: "save", version: String(version), visibility: "internal", body: "Debug log attached." }, [{ name: "debug.log", type: "text/plain", content: "secret stack" }], agent),
      { number: String(n) },
    );
    const [file] = await db().select().from(attachments).where(eq(attachments.ticketId, (await ticketRow(n)).id));
    expect(file).toBeDefined();
    const portal = await call(portalTicketLoader, getRequest(`/portal/tickets/${n}`, alice), { number: String(n) });
    expect(JSON.stringify(portal.data)).not.toContain("debug.log");
    const download = await call(portalAttachmentLoader, getRequest(`/portal/tickets/${n}/attachments/${file!.id}`, alice), { number: String(n), attachmentId: file!.id });
    expect(download.status).toBe(404);
  });

  it("refuses a forbidden file type with a message and writes nothing", async () => {
    const n = await newTicket("Bad file");
    const before = await ticketRow(n);
    const res = await call(
      deskTicketAction,
      multipart(`/desk/tickets/${n}`, { intent: "save", version: String(before.version), visibility: "public", body: "Look at this" }, [{ name: "x.html", type: "text/html", content: "<script>alert(1)</script>" }], agent),
      { number: String(n) },
    );
    expect(res.status).toBe(400);
    expect((res.data as { fieldErrors: Record<string, string>; values: Record<string, string> }).fieldErrors.attachments).toBeTruthy();
    expect((res.data as { values: Record<string, string> }).values.body).toBe("Look at this");
    const messages = await db().select().from(ticketMessages).where(eq(ticketMessages.ticketId, before.id));
    expect(messages.length).toBe(1);
  });
});

describe("formatted inbound email", () => {
  it("shows the sanitized HTML of an email message to the agent, with its plain text beside it", async () => {
    const n = await newTicket("Email with formatting");
    const t = await ticketRow(n);
    await db()
      .insert(ticketMessages)
      .values({
        ticketId: t.id,
        authorId: alice.user.id,
        visibility: "public",
        channel: "email",
        body: "Totals\nQ1 100",
        bodyHtml: '<p><strong>Totals</strong></p><table><tr><td>Q1</td><td>100</td></tr></table><img src="https://tracker.example/p.gif">',
        createdAt: new Date(t.createdAt.getTime() + 1000),
      });
    const res = await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, agent), { number: String(n) });
    const { messages } = await deskTicketPageData(agent.user, n);
    const mail = messages.find((m) => m.text !== null)!;
    expect(mail.html).toContain("<strong>Totals</strong>");
    expect(mail.html).toContain("<table>");
    expect(mail.html).not.toContain("<img");
    expect(mail.text).toBe("Totals\nQ1 100");
    // Messages written in the portal stay markdown.
    expect(messages.find((m) => m.html.includes("Details of the problem"))!.text).toBeNull();
    // The page shows both, the plain text once, behind its disclosure.
    const thread = (res.data as Loaded).threadHtml;
    expect(thread).toContain(`<div class="markdown">${mail.html}</div><details class="email-text"><summary>Plain-text version of this email</summary><pre>Totals\nQ1 100</pre></details>`);
    expect(thread.match(/Plain-text version/g)).toHaveLength(1);
    expect(thread).not.toContain("<img");
  });
});

describe("agents act within their groups", () => {
  it("lets an agent route a ticket into their own group or back to triage, and refuses another team's group", async () => {
    const n = await newTicket("Route me");
    let row = await ticketRow(n);
    const ok = await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: String(row.version), groupId: billing }, agent), { number: String(n) });
    expect(ok.status).toBe(302);
    row = await ticketRow(n);
    expect(row.groupId).toBe(billing);

    const refused = await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: String(row.version), groupId: security }, agent), { number: String(n) });
    expect(refused.status).toBe(403);
    expect((refused.data as { fieldErrors: Record<string, string> }).fieldErrors.groupId).toMatch(/your own groups/);
    expect((await ticketRow(n)).groupId).toBe(billing);

    const back = await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: String(row.version), groupId: "" }, agent), { number: String(n) });
    expect(back.status).toBe(302);
    expect((await ticketRow(n)).groupId).toBeNull();
  });

  it("offers an agent only their own groups, and an admin every group", async () => {
    const n = await newTicket("Options");
    const asAgent = await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, agent), { number: String(n) });
    expect((asAgent.data as Loaded).groups.map((g) => g.id)).toEqual([billing]);
    expect((await deskTicketPageData(agent.user, n)).movableGroupIds).toEqual([billing]);
    const asAdmin = await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, admin), { number: String(n) });
    expect((asAdmin.data as Loaded).groups.map((g) => g.id)).toEqual([billing, security]);
    expect((await deskTicketPageData(admin.user, n)).movableGroupIds).toBeNull();
    const row = await ticketRow(n);
    const moved = await call(deskTicketAction, postForm(`/desk/tickets/${n}`, { intent: "save", version: String(row.version), groupId: security }, admin), { number: String(n) });
    expect(moved.status).toBe(302);
    expect((await ticketRow(n)).groupId).toBe(security);
  });
});
