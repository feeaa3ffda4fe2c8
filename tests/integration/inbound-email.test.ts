import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { attachments, auditEvents, emailOutbox, inboundEmails, jobs, ticketEvents, ticketMessages, tickets, users } from "../../db/schema";
import { testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { dispatchOutbox } from "~/modules/email/dispatcher.server";
import { createJobRunner } from "~/modules/jobs/runner.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import { INBOUND_JOB } from "~/modules/tickets/inbound.server";
import "~/modules/tickets/jobs.server";
import { createTicketAsCustomer, setStatusAsCustomer } from "~/modules/tickets/tickets.server";
import { action as webhookAction } from "~/routes/webhooks/resend";
import { action as inboxAction, loader as inboxLoader } from "~/routes/desk/inbox";
import { createOrganization, createUser } from "../support/factories";
import { startFakeResend, type FakeReceivedEmail, type FakeResend } from "../support/fake-resend";
import { testDatabase } from "../support/integration-setup";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";
import { newWebhookSecret, svixHeaders } from "../support/svix";

let fake: FakeResend;
const secret = newWebhookSecret();
const saved = { ...process.env };

let acme: { id: string };
let alice: SignedIn;
let agent: SignedIn;
let customerOutsider: SignedIn;

function setEnv(overrides: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
}

beforeAll(async () => {
  fake = await startFakeResend();
});

afterAll(async () => {
  setEnv({ RESEND_API_KEY: saved.RESEND_API_KEY, RESEND_BASE_URL: saved.RESEND_BASE_URL, RESEND_WEBHOOK_SECRET: saved.RESEND_WEBHOOK_SECRET });
  await fake.close();
});

beforeEach(async () => {
  await testDatabase().truncateAll();
  fake.reset();
  setEnv({ RESEND_API_KEY: "re_test_inbound", RESEND_BASE_URL: fake.url, RESEND_WEBHOOK_SECRET: secret });
  acme = await createOrganization(db(), { name: "Acme", domain: "acme.test", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice", email: "alice@acme.test" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam Agent", email: "sam@portal.test" }));
  const globex = await createOrganization(db(), { name: "Globex", domain: "globex.test" });
  customerOutsider = await signInAs(await createUser(db(), { role: "customer", organizationId: globex.id, name: "Carol", email: "carol@globex.test" }));
});

afterEach(() => {
  testClock.reset();
});

function webhookRequest(body: string, headers: Record<string, string>): Request {
  return new Request(url("/webhooks/resend"), { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

async function postWebhook(event: Record<string, unknown>, options: { secret?: string; headers?: Record<string, string> } = {}) {
  const body = JSON.stringify(event);
  const headers = options.headers ?? svixHeaders(options.secret ?? secret, body);
  const request = webhookRequest(body, headers);
  const res = (await webhookAction({ request, url: new URL(request.url), params: {}, context: {} } as never)) as Response;
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function receivedEvent(id: string, email: FakeReceivedEmail) {
  return {
    type: "email.received",
    created_at: new Date().toISOString(),
    data: {
      email_id: id,
      created_at: new Date().toISOString(),
      from: email.from,
      to: email.to,
      cc: email.cc ?? [],
      bcc: [],
      received_for: email.to,
      message_id: email.messageId ?? `<${id}@mail.example>`,
      subject: email.subject,
      attachments: [],
    },
  };
}

/** Runs the queued jobs once through a job runner, as the web process or the worker would. */
async function runJobs() {
  const runner = createJobRunner({ outbox: false, tasks: [], id: "test-runner" });
  await runner.tick();
}

/** Resend receives a mail: the fake stores it, the webhook arrives, the job runs. */
async function receive(email: FakeReceivedEmail) {
  const id = fake.receive(email);
  const res = await postWebhook(receivedEvent(id, email));
  expect(res.status).toBe(200);
  await runJobs();
  const [row] = await db().select().from(inboundEmails).where(eq(inboundEmails.providerEmailId, id));
  return row!;
}

async function fileTicket(subject = "Export fails") {
  const { number } = await createTicketAsCustomer(alice.user, {
    subject,
    description: "The CSV export fails with error 500.",
    priority: "normal",
    category: "Problem",
    idempotencyKey: randomUUID(),
    files: [],
  });
  const [ticket] = await db().select().from(tickets).where(eq(tickets.number, number));
  return ticket!;
}

async function messagesOf(ticketId: string) {
  return db().select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticketId)).orderBy(asc(ticketMessages.createdAt));
}

describe("webhook verification", () => {
  it("refuses a missing or bad signature, and answers 503 without a secret", async () => {
    const event = receivedEvent("em_1", { from: "x@y.test", to: ["support@portal.test"], subject: "Hi" });
    const body = JSON.stringify(event);
    expect((await postWebhook(event, { headers: {} })).status).toBe(401);
    const wrong = await postWebhook(event, { secret: newWebhookSecret() });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/signature/i);
    // A valid signature over a different body (tampered payload).
    const tampered = await webhookAction({
      request: webhookRequest(body.replace("Hi", "Hello"), svixHeaders(secret, body)),
      params: {},
      context: {},
    } as never);
    expect((tampered as Response).status).toBe(401);
    // A replayed signature from long ago.
    const old = await postWebhook(event, { headers: svixHeaders(secret, body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }) });
    expect(old.status).toBe(401);
    expect(await db().select().from(inboundEmails)).toHaveLength(0);

    setEnv({ RESEND_WEBHOOK_SECRET: undefined });
    const unconfigured = await postWebhook(event);
    expect(unconfigured.status).toBe(503);
    expect(unconfigured.body.error).toMatch(/RESEND_WEBHOOK_SECRET/);
  });

  it("processes a redelivered email.received once", async () => {
    const mail = { from: "Newbie <newbie@acme.test>", to: ["support@portal.test"], subject: "Printer on fire", text: "Help!" };
    const id = fake.receive(mail);
    const event = receivedEvent(id, mail);
    expect((await postWebhook(event)).body.queued).toBe(true);
    expect((await postWebhook(event)).body.queued).toBe(false); // redelivery before the job ran
    await runJobs();
    expect((await postWebhook(event)).body.queued).toBe(false); // and after
    await runJobs();
    expect(await db().select().from(inboundEmails)).toHaveLength(1);
    expect(await db().select().from(jobs).where(eq(jobs.type, INBOUND_JOB))).toHaveLength(1);
    expect(await db().select().from(tickets).where(eq(tickets.subject, "Printer on fire"))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === `/emails/receiving/${id}`)).toHaveLength(1);
  });
});

describe("outgoing threading", () => {
  it("gives every ticket email a reply address and Message-ID, replies In-Reply-To the thread", async () => {
    const ticket = await fileTicket();
    expect(ticket.replyToken).toMatch(/^[a-z2-7]{32}$/);
    await updateTicketAsAgent(agent.user, ticket.number, { version: ticket.version, reply: { body: "Try again now.", visibility: "public" } });
    const mails = await db().select().from(emailOutbox).orderBy(asc(emailOutbox.id));
    expect(mails.map((m) => m.template)).toEqual(["ticket_received", "ticket_reply"]);
    for (const m of mails) expect(m.replyTo).toBe(`reply+${ticket.replyToken}@portal.test`);
    const root = mails[0]!.headers["Message-ID"]!;
    expect(root).toMatch(new RegExp(`^<ticket-${ticket.number}-[0-9a-z]+@portal\\.test>$`));
    expect(mails[1]!.headers["Message-ID"]).not.toBe(root);
    expect(mails[1]!.headers["In-Reply-To"]).toBe(root);
    expect(mails[1]!.headers.References).toBe(root);
    // And the headers reach Resend.
    await dispatchOutbox(db());
    expect(fake.deliveries[1]!.body.headers?.["In-Reply-To"]).toBe(root);
    expect(fake.deliveries[1]!.body.reply_to).toBe(`reply+${ticket.replyToken}@portal.test`);
  });

  it("sets a reply token lazily for a ticket that has none", async () => {
    const ticket = await fileTicket();
    await db().update(tickets).set({ replyToken: null }).where(eq(tickets.id, ticket.id));
    const [fresh] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    await updateTicketAsAgent(agent.user, ticket.number, { version: fresh!.version, status: "solved" });
    const [after] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(after!.replyToken).toMatch(/^[a-z2-7]{32}$/);
    const [status] = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_status"));
    expect(status!.replyTo).toBe(`reply+${after!.replyToken}@portal.test`);
  });
});

describe("inbound threading", () => {
  it("threads a reply by the token in the To address and strips the quote", async () => {
    const ticket = await fileTicket();
    const row = await receive({
      from: "Alice <alice@acme.test>",
      to: [`Support <reply+${ticket.replyToken}@portal.test>`],
      subject: `Re: [#${ticket.number}] Export fails`,
      text: "It works now, thanks!\n\nOn Mon, 2 Mar 2026, Support <support@portal.test> wrote:\n> Reply above this line to add to ticket\n> Hello Alice",
      messageId: "<reply-1@mail.acme.test>",
    });
    expect(row.status).toBe("ticketed");
    expect(row.ticketId).toBe(ticket.id);
    const messages = await messagesOf(ticket.id);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ body: "It works now, thanks!", channel: "email", visibility: "public", authorId: alice.user.id, emailMessageId: "<reply-1@mail.acme.test>" });
    // The next outgoing mail references the customer's message.
    const [fresh] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    await updateTicketAsAgent(agent.user, ticket.number, { version: fresh!.version, reply: { body: "Great.", visibility: "public" } });
    const [reply] = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_reply"));
    expect(reply!.headers["In-Reply-To"]).toBe("<reply-1@mail.acme.test>");
    expect(reply!.headers.References).toContain("<reply-1@mail.acme.test>");
  });

  it("reopens a solved ticket like a web reply does", async () => {
    const ticket = await fileTicket();
    await setStatusAsCustomer(alice.user, ticket.number, "solved");
    await receive({ from: "alice@acme.test", to: [`reply+${ticket.replyToken}@portal.test`], subject: "Re: again", text: "It broke again." });
    const [after] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(after!.status).toBe("open");
    const events = await db().select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.type, "status")));
    expect(events.at(-1)!.data).toMatchObject({ from: "solved", to: "open", reason: "customer_email" });
  });

  it("threads by In-Reply-To to a Message-ID we sent, and refuses a forged one", async () => {
    const ticket = await fileTicket();
    await updateTicketAsAgent(agent.user, ticket.number, { version: ticket.version, reply: { body: "Which browser?", visibility: "public" } });
    const [reply] = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_reply"));
    const sentId = reply!.headers["Message-ID"]!;
    const row = await receive({
      from: "alice@acme.test",
      to: ["support@portal.test"],
      subject: "Re: Export fails",
      text: "Firefox.",
      headers: { "In-Reply-To": sentId, References: `${reply!.headers.References} ${sentId}` },
    });
    expect(row).toMatchObject({ status: "ticketed", ticketId: ticket.id, inReplyTo: sentId });
    expect((await messagesOf(ticket.id)).at(-1)!.body).toBe("Firefox.");

    // Someone who guesses the shape of our ids cannot write into the ticket.
    const forged = sentId.replace(/-([0-9a-f]{16})([0-9a-f]{20})@/, (_m, nonce: string) => `-${nonce}${"0".repeat(20)}@`);
    const stranger = await receive({ from: "mallory@evil.test", to: ["support@portal.test"], subject: "Re: Export fails", text: "Click here", headers: { "In-Reply-To": forged } });
    expect(stranger.status).toBe("review");
    expect(stranger.ticketId).toBeNull();
    expect(await messagesOf(ticket.id)).toHaveLength(3);
  });

  it("keeps a reply to a closed ticket for review", async () => {
    const ticket = await fileTicket();
    await db().update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, ticket.id));
    const row = await receive({ from: "alice@acme.test", to: [`reply+${ticket.replyToken}@portal.test`], subject: "Re", text: "One more thing" });
    expect(row).toMatchObject({ status: "review", ticketId: ticket.id });
    expect(await messagesOf(ticket.id)).toHaveLength(1);
  });

  it("keeps a token reply from someone outside the ticket's organization for review", async () => {
    const ticket = await fileTicket();
    const row = await receive({ from: "carol@globex.test", to: [`reply+${ticket.replyToken}@portal.test`], subject: "Re", text: "me too" });
    expect(row.status).toBe("review");
    expect(await messagesOf(ticket.id)).toHaveLength(1);
  });
});

describe("new tickets and the review list", () => {
  it("opens a ticket for a new sender from an organization's domain, creating the contact", async () => {
    const row = await receive({
      from: "Nora New <Nora@Acme.test>",
      to: ["support@portal.test"],
      subject: "VPN down",
      text: "Since this morning.",
      messageId: "<first@mail.acme.test>",
    });
    expect(row.status).toBe("ticketed");
    const [nora] = await db().select().from(users).where(eq(users.email, "nora@acme.test"));
    expect(nora).toMatchObject({ role: "customer", organizationId: acme.id, name: "Nora New", passwordHash: null });
    const [ticket] = await db().select().from(tickets).where(eq(tickets.id, row.ticketId!));
    expect(ticket).toMatchObject({ subject: "VPN down", channel: "email", status: "new", requesterId: nora!.id, organizationId: acme.id });
    expect(ticket!.replyToken).toBeTruthy();
    const [confirmation] = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_received"));
    expect(confirmation).toMatchObject({ toAddress: "nora@acme.test", replyTo: `reply+${ticket!.replyToken}@portal.test` });
    expect(confirmation!.headers["In-Reply-To"]).toBe("<first@mail.acme.test>");
  });

  it("does not answer an auto-reply (no mail loop)", async () => {
    const row = await receive({ from: "robot@acme.test", to: ["support@portal.test"], subject: "Out of office", text: "Away", headers: { "Auto-Submitted": "auto-replied" } });
    expect(row.status).toBe("ticketed");
    expect(await db().select().from(emailOutbox)).toHaveLength(0);
  });

  it("keeps an unknown sender's mail for review; agents create a ticket, add it to one, or discard it", async () => {
    const first = await receive({ from: "Pat Partner <pat@partner.test>", to: ["support@portal.test"], subject: "Partnership", text: "Hello there" });
    const second = await receive({ from: "pat@partner.test", to: ["support@portal.test"], subject: "About #1", text: "More details" });
    const third = await receive({ from: "spam@spam.test", to: ["support@portal.test"], subject: "Win", text: "Prize" });
    for (const r of [first, second, third]) expect(r.status).toBe("review");

    const page = await call(inboxLoader, getRequest("/desk/inbox", agent));
    const data = page.data as { total: number; items: { id: string; fromAddress: string; subject: string; preview: string; processing: boolean }[] };
    expect(data.total).toBe(3);
    expect(data.items.map((i) => i.subject)).toEqual(["Partnership", "About #1", "Win"]);
    expect(data.items[0]).toMatchObject({ fromAddress: "pat@partner.test", preview: "Hello there", processing: false });
    expect((await call(inboxLoader, getRequest("/desk/inbox", customerOutsider))).status).toBe(403);
    expect((await call(inboxAction, postForm("/desk/inbox", { intent: "discard", id: third.id }, customerOutsider))).status).toBe(403);

    // Create ticket, choosing the organization.
    const created = await call(inboxAction, postForm("/desk/inbox", { intent: "create", id: first.id, organizationId: acme.id }, agent));
    expect(created.status).toBe(302);
    const number = Number(created.location!.match(/number=(\d+)/)![1]);
    const [ticket] = await db().select().from(tickets).where(eq(tickets.number, number));
    const [pat] = await db().select().from(users).where(eq(users.email, "pat@partner.test"));
    expect(pat).toMatchObject({ role: "customer", organizationId: acme.id, name: "Pat Partner", passwordHash: null });
    expect(ticket).toMatchObject({ requesterId: pat!.id, channel: "email", subject: "Partnership" });

    // Add to ticket #N.
    const added = await call(inboxAction, postForm("/desk/inbox", { intent: "add", id: second.id, number: String(number) }, agent));
    expect(added.status).toBe(302);
    const thread = await messagesOf(ticket!.id);
    expect(thread.map((m) => m.body)).toEqual(["Hello there", "More details"]);
    expect(thread[1]!.authorId).toBe(pat!.id);
    const badNumber = await call(inboxAction, postForm("/desk/inbox", { intent: "add", id: third.id, number: "99999" }, agent));
    expect(badNumber.status).toBe(400);
    expect((badNumber.data as { fieldErrors: Record<string, string> }).fieldErrors.number).toMatch(/no ticket #99999/);

    // Discard.
    expect((await call(inboxAction, postForm("/desk/inbox", { intent: "discard", id: third.id }, agent))).status).toBe(302);
    const rows = await db().select().from(inboundEmails).orderBy(asc(inboundEmails.receivedAt));
    expect(rows.map((r) => [r.status, r.reviewedById])).toEqual([
      ["ticketed", agent.user.id],
      ["ticketed", agent.user.id],
      ["discarded", agent.user.id],
    ]);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.targetType, "inbound_email"));
    expect(audit.map((a) => a.action).sort()).toEqual(["inbound_email.added_to_ticket", "inbound_email.discarded", "inbound_email.ticket_created"]);
    // Handled twice: refused with a clear message.
    const again = await call(inboxAction, postForm("/desk/inbox", { intent: "discard", id: third.id }, agent));
    expect(again.status).toBe(409);
    expect(((await call(inboxLoader, getRequest("/desk/inbox", agent))).data as { total: number }).total).toBe(0);
  });
});

describe("inbound HTML", () => {
  const hostile =
    `<p onclick="steal()">Hello<script>alert(1)</script></p>` +
    `<img src="https://tracker.test/pixel.gif" onerror="alert(1)" alt="logo">` +
    `<a href="javascript:alert(document.cookie)">click</a>` +
    `<iframe srcdoc="<script>alert(1)</script>"></iframe>` +
    `<meta http-equiv="refresh" content="0;url=https://evil.test">` +
    `<form action="https://evil.test"><input name="password"></form>` +
    `<div style="background:url(https://tracker.test/bg)">styled</div>`;

  function expectClean(html: string | null) {
    expect(html).toBeTruthy();
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|srcdoc|<meta|refresh|<form|<input|<img|style=/i);
    expect(html).toContain(`<a href="https://tracker.test/pixel.gif" rel="noopener noreferrer nofollow" target="_blank">[image: logo]</a>`);
    expect(html).toContain("Hello");
  }

  it("sanitizes the stored review copy and what the review page shows", async () => {
    const row = await receive({ from: "x@unknown.test", to: ["support@portal.test"], subject: "HTML", html: hostile });
    expect(row.status).toBe("review");
    expectClean(row.html);
    expect(row.text).toContain("Hello");
    const page = await call(inboxLoader, getRequest("/desk/inbox", agent));
    expectClean((page.data as { items: { html: string | null }[] }).items[0]!.html);
  });

  it("sanitizes the HTML kept on a threaded message", async () => {
    const ticket = await fileTicket();
    await receive({ from: "alice@acme.test", to: [`reply+${ticket.replyToken}@portal.test`], subject: "Re", html: hostile, text: "Hello" });
    expectClean((await messagesOf(ticket.id)).at(-1)!.bodyHtml);
  });
});

describe("attachments", () => {
  it("stores allowed attachments fetched through the receiving API", async () => {
    const ticket = await fileTicket();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const row = await receive({
      from: "alice@acme.test",
      to: [`reply+${ticket.replyToken}@portal.test`],
      subject: "Re: logs",
      text: "Logs attached.",
      attachments: [
        { filename: "error.log", contentType: "text/plain", content: "stack trace line 1" },
        { filename: "screen.png", contentType: "image/png", content: png },
      ],
    });
    expect(row).toMatchObject({ status: "ticketed", attachmentCount: 2 });
    const files = await db().select().from(attachments).where(eq(attachments.ticketId, ticket.id)).orderBy(asc(attachments.fileName));
    expect(files.map((f) => [f.fileName, f.contentType, f.size])).toEqual([
      ["error.log", "text/plain", 18],
      ["screen.png", "image/png", png.length],
    ]);
    expect(files[0]!.data.toString()).toBe("stack trace line 1");
    expect(Buffer.compare(files[1]!.data, png)).toBe(0);
    expect(files[0]!.messageId).toBe((await messagesOf(ticket.id)).at(-1)!.id);
    expect(fake.requests.some((r) => r.path.startsWith("/_downloads/"))).toBe(true);
  });

  it("keeps mail with a refused attachment (type, or a download host other than Resend) for review", async () => {
    const ticket = await fileTicket();
    const svg = await receive({
      from: "alice@acme.test",
      to: [`reply+${ticket.replyToken}@portal.test`],
      subject: "Re: svg",
      text: "see image",
      attachments: [{ filename: "x.svg", contentType: "image/svg+xml", content: "<svg onload=alert(1)>" }],
    });
    expect(svg.status).toBe("review");
    const elsewhere = await receive({
      from: "alice@acme.test",
      to: [`reply+${ticket.replyToken}@portal.test`],
      subject: "Re: redirect",
      text: "see file",
      attachments: [{ filename: "a.txt", contentType: "text/plain", content: "x", downloadUrl: "http://169.254.169.254/latest/meta-data" }],
    });
    expect(elsewhere.status).toBe("review");
    expect(await db().select().from(attachments).where(eq(attachments.ticketId, ticket.id))).toHaveLength(0);
    expect(fake.requests.some((r) => r.path.includes("meta-data"))).toBe(false);
  });
});

describe("delivery events", () => {
  it("records a bounce on the outbox row and flags the contact; a later 'delivered' does not hide it", async () => {
    const ticket = await fileTicket();
    await dispatchOutbox(db());
    const [sent] = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_received"));
    expect(sent!.providerMessageId).toBeTruthy();
    const event = (type: string) => ({
      type,
      created_at: new Date().toISOString(),
      data: { email_id: sent!.providerMessageId, from: "support@portal.test", to: ["alice@acme.test"], subject: `[#${ticket.number}]`, created_at: new Date().toISOString(), bounce: { message: "mailbox full", type: "Permanent", subType: "General" } },
    });
    expect((await postWebhook(event("email.bounced"))).body.matched).toBe(true);
    await postWebhook(event("email.delivered"));
    const [row] = await db().select().from(emailOutbox).where(eq(emailOutbox.id, sent!.id));
    expect(row!.deliveryStatus).toBe("bounced");
    const [user] = await db().select().from(users).where(eq(users.id, alice.user.id));
    expect(user!.emailBouncedAt).toBeInstanceOf(Date);
    // A complaint outranks a bounce; an unknown id is accepted and ignored.
    await postWebhook(event("email.complained"));
    expect((await db().select().from(emailOutbox).where(eq(emailOutbox.id, sent!.id)))[0]!.deliveryStatus).toBe("complained");
    const unknown = await postWebhook({ type: "email.delivered", created_at: "", data: { email_id: "nope" } });
    expect(unknown).toMatchObject({ status: 200, body: { matched: false } });
  });

  it("records a delivery", async () => {
    await fileTicket();
    await dispatchOutbox(db());
    const [sent] = await db().select().from(emailOutbox);
    await postWebhook({ type: "email.delivered", created_at: "", data: { email_id: sent!.providerMessageId, to: ["alice@acme.test"] } });
    expect((await db().select().from(emailOutbox))[0]!.deliveryStatus).toBe("delivered");
    const [user] = await db().select().from(users).where(eq(users.id, alice.user.id));
    expect(user!.emailBouncedAt).toBeNull();
  });
});
