import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, ticketEvents, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { action as newTicketAction, loader as newTicketLoader } from "~/routes/portal/new-ticket";
import { action as portalTicketAction, loader as portalTicketLoader } from "~/routes/portal/ticket";
import { loader as portalListLoader } from "~/routes/portal/tickets";
import { action as deskTicketAction, loader as deskTicketLoader } from "~/routes/desk/ticket";
import { loader as deskQueueLoader } from "~/routes/desk/queue";
import { loader as attachmentLoader } from "~/routes/tickets/attachment";
import { createOrganization, createUser } from "../support/factories";
import { createKbArticle } from "../../db/seed/kb";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";

function multipart(path: string, fields: Record<string, string>, files: { name: string; type: string; content: string }[], as: SignedIn) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append("attachments", new File([f.content], f.name, { type: f.type }));
  return new Request(url(path), { method: "POST", body: form, headers: { cookie: as.cookie, origin: new URL(url("/")).origin } });
}

let alice: SignedIn, bob: SignedIn, carol: SignedIn, agent: SignedIn, sales: SignedIn;

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise", shareTickets: true });
  const globex = await createOrganization(db(), { name: "Globex", plan: "standard" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  bob = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Bob" }));
  carol = await signInAs(await createUser(db(), { role: "customer", organizationId: globex.id, name: "Carol" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam Agent" }));
  sales = await signInAs(await createUser(db(), { role: "sales" }));
});

async function fileTicket(as: SignedIn, fields: Partial<Record<string, string>> = {}) {
  const res = await call(
    newTicketAction,
    multipart(
      "/portal/tickets/new",
      {
        subject: "Export fails",
        description: "The CSV export **fails** with error 500.",
        priority: "normal",
        category: "Problem",
        idempotencyKey: randomUUID(),
        intent: "submit",
        ...fields,
      } as Record<string, string>,
      [],
      as,
    ),
  );
  expect(res.status, JSON.stringify(res.data)).toBe(302);
  return Number(res.location!.match(/tickets\/(\d+)/)![1]);
}

describe("customers file and follow tickets", () => {
  it("creates a ticket once for a double submit, with a confirmation email and a created event", async () => {
    const key = randomUUID();
    const first = await fileTicket(alice, { idempotencyKey: key, subject: "Double submit" });
    const second = await fileTicket(alice, { idempotencyKey: key, subject: "Double submit" });
    expect(second).toBe(first);
    const rows = await db().select().from(tickets).where(eq(tickets.idempotencyKey, key));
    expect(rows).toHaveLength(1);
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_received"));
    expect(mails.filter((m) => m.subject.includes(`#${first}`))).toHaveLength(1);
    const events = await db().select().from(ticketEvents).where(eq(ticketEvents.ticketId, rows[0]!.id));
    expect(events.map((e) => e.type)).toEqual(["created"]);
  });

  it("refuses bad input with field errors and keeps what was typed", async () => {
    const res = await call(newTicketAction, multipart("/portal/tickets/new", { subject: "x", description: "short", priority: "normal", category: "Problem", idempotencyKey: randomUUID() }, [], alice));
    expect(res.status).toBe(400);
    const data = res.data as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(Object.keys(data.fieldErrors).sort()).toEqual(["description", "subject"]);
    expect(data.values.subject).toBe("x");
  });

  it("offers urgent only where the plan allows it", async () => {
    const standard = await call(newTicketLoader, getRequest("/portal/tickets/new", carol));
    expect((standard.data as { priorities: string[] }).priorities).not.toContain("urgent");
    const res = await call(newTicketAction, multipart("/portal/tickets/new", { subject: "Down!", description: "Production is down for us.", priority: "urgent", category: "Incident", idempotencyKey: randomUUID() }, [], carol));
    expect(res.status).toBe(400);
    expect((res.data as { fieldErrors: Record<string, string> }).fieldErrors.priority).toMatch(/enterprise/);
    const enterprise = await call(newTicketLoader, getRequest("/portal/tickets/new", alice));
    expect((enterprise.data as { priorities: string[] }).priorities).toContain("urgent");
  });

  it("refuses attachments of a type that could be rendered, and serves allowed ones only as downloads", async () => {
    const bad = await call(
      newTicketAction,
      multipart("/portal/tickets/new", { subject: "With file", description: "See the attached file please.", priority: "normal", category: "Problem", idempotencyKey: randomUUID() }, [{ name: "x.svg", type: "image/svg+xml", content: "<svg onload=alert(1)>" }], alice),
    );
    expect(bad.status).toBe(400);
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors.attachments).toMatch(/only images/);
    const ok = await call(
      newTicketAction,
      multipart("/portal/tickets/new", { subject: "With log", description: "See the attached log please.", priority: "normal", category: "Problem", idempotencyKey: randomUUID() }, [{ name: "error.log", type: "text/plain", content: "stack trace here" }], alice),
    );
    const number = ok.location!.match(/(\d+)/)![1]!;
    const page = await call(portalTicketLoader, getRequest(`/portal/tickets/${number}`, alice), { number });
    // the conversation is server-built HTML: the file's download link names its id
    const attachment = { id: (page.data as { threadHtml: string }).threadHtml.match(/\/attachments\/([0-9a-f-]{36})" download="">error\.log</)![1]! };
    const download = await call(attachmentLoader, getRequest(`/portal/tickets/${number}/attachments/${attachment.id}`, alice), { number, attachmentId: attachment.id });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="error.log"/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.data).toBe("stack trace here");
    // Another organization's customer gets 404 for the same file.
    const other = await call(attachmentLoader, getRequest(`/portal/tickets/${number}/attachments/${attachment.id}`, carol), { number, attachmentId: attachment.id });
    expect(other.status).toBe(404);
  });

  it("lists own tickets, the organization's when it shares, and never another organization's", async () => {
    const mine = await fileTicket(bob, { subject: "Bob's unique printer problem" });
    const carols = await fileTicket(carol, { subject: "Carol's invoice question" });
    const aliceOrg = await call(portalListLoader, getRequest("/portal?scope=organization&status=all", alice));
    const numbers = (aliceOrg.data as { tickets: { number: number }[] }).tickets.map((t) => t.number);
    expect(numbers).toContain(mine);
    expect(numbers).not.toContain(carols);
    const aliceMine = await call(portalListLoader, getRequest("/portal?scope=mine&status=all", alice));
    expect((aliceMine.data as { tickets: { number: number }[] }).tickets.map((t) => t.number)).not.toContain(mine);
    const search = await call(portalListLoader, getRequest("/portal?scope=organization&status=all&q=printer", alice));
    expect((search.data as { tickets: { number: number }[] }).tickets.map((t) => t.number)).toEqual([mine]);
    // Carol (not sharing, other org) cannot open Bob's ticket: 404, not 403.
    const foreign = await call(portalTicketLoader, getRequest(`/portal/tickets/${mine}`, carol), { number: String(mine) });
    expect(foreign.status).toBe(404);
    const foreignReply = await call(portalTicketAction, postForm(`/portal/tickets/${mine}`, { intent: "reply", body: "hi" }, carol), { number: String(mine) });
    expect(foreignReply.status).toBe(404);
  });

  it("keeps staff out of the portal and customers and sales out of the desk", async () => {
    expect((await call(portalListLoader, getRequest("/portal", agent))).status).toBe(403);
    expect((await call(deskQueueLoader, getRequest("/desk", alice))).status).toBe(403);
    expect((await call(deskQueueLoader, getRequest("/desk", sales))).status).toBe(403);
    const signedOut = await call(portalListLoader, getRequest("/portal"));
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toBe("/login?redirectTo=%2Fportal");
  });
});

describe("deflection in the ticket form", () => {
  it("without JavaScript shows matching articles once before filing, then files on the second submit", async () => {
    await createKbArticle(db(), { title: "Resetting the quantum widget", body: "How to reset the quantum widget when it hangs.", visibility: "customers" });
    const fields = { subject: "Quantum widget hangs", description: "The quantum widget hangs every morning.", priority: "normal", category: "Problem", idempotencyKey: randomUUID(), intent: "submit" };
    const first = await call(newTicketAction, multipart("/portal/tickets/new", fields, [], alice));
    expect(first.status).toBe(200);
    const shown = first.data as { checkFirst: { title: string }[] };
    expect(shown.checkFirst.map((a) => a.title)).toContain("Resetting the quantum widget");
    const second = await call(newTicketAction, multipart("/portal/tickets/new", { ...fields, kbCheckedFirst: "1" }, [], alice));
    expect(second.status).toBe(302);
    // With JavaScript (the flag the page adds once hydrated) there is no extra step.
    const js = await call(newTicketAction, multipart("/portal/tickets/new", { ...fields, idempotencyKey: randomUUID(), kbSuggestionsSeen: "1" }, [], alice));
    expect(js.status).toBe(302);
  });
});

describe("agents work the ticket", () => {
  it("finds a new ticket in Unassigned, takes it, notes internally and replies publicly; the customer sees only the reply", async () => {
    const number = await fileTicket(alice, { subject: "Agent flow" });
    const queue = await call(deskQueueLoader, getRequest("/desk", agent), {});
    expect((queue.data as { tickets: { number: number }[] }).tickets.map((t) => t.number)).toContain(number);

    let page = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    let version = (page.data as { ticket: { version: number } }).ticket.version;
    expect((await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "assign-to-me", version: String(version) }, agent), { number: String(number) })).status).toBe(302);

    page = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    version = (page.data as { ticket: { version: number; assigneeId: string } }).ticket.version;
    expect((page.data as { ticket: { assigneeId: string } }).ticket.assigneeId).toBe(agent.user.id);
    await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "save", version: String(version), visibility: "internal", body: "Secret: customer is on v2.3", status: "open" }, agent), { number: String(number) });
    page = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    version = (page.data as { ticket: { version: number } }).ticket.version;
    const before = (await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_reply"))).length;
    await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "save", version: String(version), visibility: "public", body: "We are **on it**.", status: "pending" }, agent), { number: String(number) });

    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "ticket_reply"));
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)!.html).toContain("<strong>on it</strong>");
    expect(mails.map((m) => m.html + m.text).join("")).not.toContain("Secret");

    const customerView = await call(portalTicketLoader, getRequest(`/portal/tickets/${number}`, alice), { number: String(number) });
    const json = JSON.stringify(customerView.data);
    expect(json).toContain("on it");
    expect(json).not.toContain("Secret");
    expect((customerView.data as { ticket: { status: string } }).ticket.status).toBe("pending");

    const [row] = await db().select().from(tickets).where(eq(tickets.number, number));
    expect(row!.firstRespondedAt).not.toBeNull();
    const events = await db().select().from(ticketEvents).where(eq(ticketEvents.ticketId, row!.id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "assignment", "status"]));
  });

  it("refuses a save based on a stale version with 409 and keeps the typed reply", async () => {
    const number = await fileTicket(alice, { subject: "Collision" });
    const page = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    const version = String((page.data as { ticket: { version: number } }).ticket.version);
    const first = await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "save", version, priority: "high" }, agent), { number: String(number) });
    expect(first.status).toBe(302);
    const second = await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "save", version, priority: "low", body: "my careful reply", visibility: "public" }, agent), { number: String(number) });
    expect(second.status).toBe(409);
    expect((second.data as { values: Record<string, string> }).values.body).toBe("my careful reply");
    const [row] = await db().select().from(tickets).where(eq(tickets.number, number));
    expect(row!.priority).toBe("high");
  });

  it("lets the customer solve, reopen within 14 days, and rate once", async () => {
    const number = await fileTicket(alice, { subject: "Solve me" });
    const n = String(number);
    expect((await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "solve" }, alice), { number: n })).status).toBe(302);
    expect((await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "rate", rating: "good", comment: "quick!" }, alice), { number: n })).status).toBe(302);
    const again = await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "rate", rating: "bad" }, alice), { number: n });
    expect(again.status).toBe(409);
    expect((await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "reopen" }, alice), { number: n })).status).toBe(302);
    expect((await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "solve" }, alice), { number: n })).status).toBe(302);
    testClock.advance(15 * 24 * 3600 * 1000);
    try {
      const late = await call(portalTicketAction, postForm(`/portal/tickets/${n}`, { intent: "reopen" }, alice), { number: n });
      expect(late.status).toBe(400);
    } finally {
      testClock.reset();
    }
  });
});
