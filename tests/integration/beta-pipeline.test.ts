import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  agreements,
  authTokens,
  betaDeals,
  betaPrograms,
  dealActivities,
  dealContacts,
  dealStageEvents,
  emailOutbox,
  organizations,
  slaEvents,
  tickets,
  users,
} from "../../db/schema";
import { createDatabase } from "../../db/client";
import { db } from "~/lib/db.server";
import { action as boardAction, loader as boardLoader } from "~/routes/beta/board";
import { action as dealAction, loader as dealLoader } from "~/routes/beta/deal";
import { loader as exportLoader } from "~/routes/beta/export";
import { action as importAction } from "~/routes/beta/import";
import { loader as documentLoader } from "~/routes/beta/agreement-document";
import { createDeal, moveDeal, DealError } from "~/modules/beta/deals.server";
import { sendStaleDigests } from "~/modules/beta/pipeline.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";
import { testDatabase } from "../support/integration-setup";

let sales: SignedIn, admin: SignedIn, agent: SignedIn, customer: SignedIn;
let programId: string;

async function newDeal(company: string, contacts: [string, string][] = []) {
  const deal = await createDeal({ id: sales.user.id, name: "Morgan" }, { company, website: `${company.toLowerCase().replace(/\W/g, "")}.example`, source: "test", ownerId: sales.user.id });
  for (const [name, email] of contacts) await db().insert(dealContacts).values({ dealId: deal.id, name, email });
  return deal;
}

async function versionOf(id: string) {
  const [d] = await db().select({ version: betaDeals.version, stage: betaDeals.stage }).from(betaDeals).where(eq(betaDeals.id, id));
  return d!;
}

/** Fills what every gate needs: demo date + attendees, drafted and signed agreement. */
async function satisfyGates(id: string) {
  await db().update(betaDeals).set({ demoAt: new Date(), demoAttendees: "Someone" }).where(eq(betaDeals.id, id));
  await db().insert(agreements).values({ dealId: id, status: "signed", terms: "Free during the beta", signedOn: "2026-01-10" }).onConflictDoNothing();
}

beforeAll(async () => {
  sales = await signInAs(await createUser(db(), { role: "sales", name: "Morgan Sales" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id }));
  const [p] = await db().insert(betaPrograms).values({ name: "Beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true }).returning();
  programId = p!.id;
});

describe("beta pipeline: access", () => {
  it("lets only sales and admins use the board; agents and customers get 403", async () => {
    expect((await call(boardLoader, getRequest("/beta", sales))).status).toBe(200);
    expect((await call(boardLoader, getRequest("/beta", admin))).status).toBe(200);
    expect((await call(boardLoader, getRequest("/beta", agent))).status).toBe(403);
    expect((await call(boardLoader, getRequest("/beta", customer))).status).toBe(403);
    expect((await call(boardLoader, getRequest("/beta"))).status).toBe(302);
    const deal = await newDeal("Access Co");
    const move = postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "lost", lostReason: "No budget" }, agent);
    expect((await call(boardAction, move)).status).toBe(403);
    expect((await versionOf(deal.id)).stage).toBe("prospect");
  });

  it("shows agents only the deal's support-health panel, customers nothing", async () => {
    const deal = await newDeal("Health Only Co");
    const res = await call(dealLoader, getRequest(`/beta/deals/${deal.id}`, agent), { id: deal.id });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ full: false, company: "Health Only Co" });
    expect(res.data).not.toHaveProperty("contacts");
    expect((await call(dealLoader, getRequest(`/beta/deals/${deal.id}`, customer), { id: deal.id })).status).toBe(403);
    expect((await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "log", kind: "note", body: "x" }, agent), { id: deal.id })).status).toBe(403);
  });
});

describe("beta pipeline: moves", () => {
  it("refuses a move that misses its gate, naming what is missing, and records nothing", async () => {
    const deal = await newDeal("Gatekeeper");
    const res = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "demo" }, sales));
    expect(res.status).toBe(422);
    expect((res.data as { formError: string }).formError).toMatch(/demo date set and demo attendees named/i);
    const lost = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "lost" }, sales));
    expect((lost.data as { formError: string }).formError).toMatch(/reason/i);
    const onboard = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "onboarded" }, sales));
    expect((onboard.data as { formError: string }).formError).toMatch(/agreement signed/i);
    const events = await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, deal.id));
    expect(events.map((e) => e.toStage)).toEqual(["prospect"]);
  });

  it("moves through every stage by the form, recording who, when, from and to in the same transaction", async () => {
    const deal = await newDeal("Walkthrough", [["Wendy Walker", "wendy@walkthrough.example"]]);
    await satisfyGates(deal.id);
    for (const to of ["demo", "agreement", "onboarded"]) {
      const { version } = await versionOf(deal.id);
      const res = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: String(version), to }, sales));
      expect(res.status, JSON.stringify(res.data)).toBe(302);
    }
    const events = await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, deal.id)).orderBy(dealStageEvents.id);
    expect(events.map((e) => [e.fromStage, e.toStage])).toEqual([
      [null, "prospect"],
      ["prospect", "demo"],
      ["demo", "agreement"],
      ["agreement", "onboarded"],
    ]);
    expect(events.slice(1).every((e) => e.actorId === sales.user.id)).toBe(true);
    // Onboarding: an organization on the beta plan, the contact invited by email, tasks from the checklist.
    const [d] = await db().select().from(betaDeals).where(eq(betaDeals.id, deal.id));
    const [org] = await db().select().from(organizations).where(eq(organizations.id, d!.organizationId!));
    expect(org).toMatchObject({ name: "Walkthrough", plan: "beta", domain: "walkthrough.example" });
    const [wendy] = await db().select().from(users).where(eq(users.email, "wendy@walkthrough.example"));
    expect(wendy).toMatchObject({ role: "customer", organizationId: org!.id, passwordHash: null });
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, "wendy@walkthrough.example"));
    expect(mails.map((m) => m.template)).toEqual(["invitation"]);
    const tasks = await db().select().from(dealActivities).where(and(eq(dealActivities.dealId, deal.id), eq(dealActivities.kind, "task")));
    expect(tasks.length).toBe(5);
  });

  it("answers 409 with a clear message when the card was moved by someone else meanwhile; no move is lost", async () => {
    const deal = await newDeal("Race Co");
    await satisfyGates(deal.id);
    const first = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "demo" }, sales));
    expect(first.status).toBe(302);
    const second = await call(boardAction, postForm("/beta", { intent: "move", dealId: deal.id, version: "1", to: "lost", lostReason: "No budget" }, admin));
    expect(second.status).toBe(409);
    expect((second.data as { formError: string }).formError).toMatch(/someone else changed Race Co.*now in Demo/i);
    expect((await versionOf(deal.id)).stage).toBe("demo");
  });

  it("is idempotent when moved back and forth: one organization, one invitation per contact, one set of tasks", async () => {
    const deal = await newDeal("Yo-Yo Inc", [["Yara", "yara@yoyo.example"], ["Yuri", "yuri@yoyo.example"]]);
    await satisfyGates(deal.id);
    const actor = { id: sales.user.id, name: "Morgan" };
    for (const to of ["onboarded", "agreement", "onboarded", "demo", "onboarded"] as const) await moveDeal(actor, deal.id, { to });
    const [d] = await db().select().from(betaDeals).where(eq(betaDeals.id, deal.id));
    expect(await db().select({ n: count() }).from(organizations).where(eq(organizations.name, "Yo-Yo Inc"))).toEqual([{ n: 1 }]);
    expect(d!.organizationId).toBeTruthy();
    for (const email of ["yara@yoyo.example", "yuri@yoyo.example"]) {
      const tokens = await db().select().from(authTokens).where(eq(authTokens.email, email));
      expect(tokens.length).toBe(1);
    }
    const tasks = await db().select().from(dealActivities).where(and(eq(dealActivities.dealId, deal.id), eq(dealActivities.kind, "task")));
    expect(tasks.length).toBe(5);
  });

  it("links an existing organization by the website's domain instead of creating one", async () => {
    const existing = await createOrganization(db(), { name: "Linked Ltd (existing)", domain: "linked.example", plan: "standard" });
    const deal = await createDeal({ id: sales.user.id, name: "M" }, { company: "Linked Ltd", website: "https://www.linked.example/about", source: null, ownerId: sales.user.id });
    await satisfyGates(deal.id);
    const r = await moveDeal({ id: sales.user.id, name: "M" }, deal.id, { to: "onboarded" });
    expect(r.onboarding!.organizationId).toBe(existing.id);
    expect(r.onboarding!.organizationCreated).toBe(false);
    const [org] = await db().select().from(organizations).where(eq(organizations.id, existing.id));
    expect(org!.plan).toBe("beta");
  });

  it("throws a DealError for an unknown deal", async () => {
    await expect(moveDeal({ id: sales.user.id, name: "M" }, "00000000-0000-4000-8000-000000000000", { to: "demo" })).rejects.toBeInstanceOf(DealError);
  });
});

describe("beta pipeline: deal page", () => {
  it("records every edit with who, from and to, and refuses a stale version", async () => {
    const deal = await newDeal("Editable");
    const res = await call(
      dealAction,
      postForm(`/beta/deals/${deal.id}`, { intent: "edit", version: "1", company: "Editable GmbH", website: "editable.example", source: "event", ownerId: sales.user.id, notes: "", demoAt: "2026-02-01T10:00", demoAttendees: "Eva" }, sales),
      { id: deal.id },
    );
    expect(res.status).toBe(302);
    const edits = await db().select().from(dealActivities).where(and(eq(dealActivities.dealId, deal.id), eq(dealActivities.kind, "edit")));
    expect(edits.map((e) => e.body)).toEqual(expect.arrayContaining(["Company: Editable → Editable GmbH", "Demo attendees: — → Eva"]));
    expect(edits.every((e) => e.actorId === sales.user.id)).toBe(true);
    // The form as the browser sends it (hidden intent, submit button without a name) saves.
    const again = await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "next-step", version: "2", nextStep: "Call back", nextStepDue: "2026-02-03" }, sales), { id: deal.id });
    expect(again.status).toBe(302);
    const stale = await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "next-step", version: "1", nextStep: "Call", nextStepDue: "2026-02-02" }, sales), { id: deal.id });
    expect(stale.status).toBe(409);
    const bad = await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "next-step", version: "3", nextStep: "Call", nextStepDue: "tomorrow" }, sales), { id: deal.id });
    expect(bad.status).toBe(400);
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors.nextStepDue).toMatch(/date/);
  });

  it("stores the agreement document safely and serves it only as a download", async () => {
    const deal = await newDeal("Docs Co");
    const form = new FormData();
    for (const [k, v] of Object.entries({ intent: "agreement", version: "1", status: "signed", terms: "Terms", signedOn: "2026-01-15", caseStudyConsent: "quote" })) form.append(k, v);
    form.append("document", new File(["<script>alert(1)</script>"], "agreement.pdf", { type: "text/html" }));
    const req = new Request(url(`/beta/deals/${deal.id}`), { method: "POST", body: form, headers: { cookie: sales.cookie, origin: new URL(url("/")).origin } });
    const res = await call(dealAction, req, { id: deal.id });
    expect(res.status, JSON.stringify(res.data)).toBe(302);
    const dl = await call(documentLoader, getRequest(`/beta/deals/${deal.id}/agreement/document`, sales), { id: deal.id });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("application/octet-stream");
    expect(dl.headers.get("content-disposition")).toMatch(/^attachment; filename="agreement.pdf"/);
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await call(documentLoader, getRequest(`/beta/deals/${deal.id}/agreement/document`, agent), { id: deal.id })).status).toBe(403);
    const exe = new FormData();
    for (const [k, v] of Object.entries({ intent: "agreement", version: "2", status: "signed", terms: "Terms", signedOn: "2026-01-15", caseStudyConsent: "quote" })) exe.append(k, v);
    exe.append("document", new File(["MZ"], "virus.exe"));
    const refused = await call(dealAction, new Request(url(`/beta/deals/${deal.id}`), { method: "POST", body: exe, headers: { cookie: sales.cookie } }), { id: deal.id });
    expect(refused.status).toBe(400);
  });

  it("keeps the case-study lane behind the agreement's consent", async () => {
    const deal = await newDeal("Case Co");
    await satisfyGates(deal.id);
    await moveDeal({ id: sales.user.id, name: "M" }, deal.id, { to: "onboarded" });
    const { version } = await versionOf(deal.id);
    const refused = await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "case-study", version: String(version), caseStudyStage: "interview" }, sales), { id: deal.id });
    expect(refused.status).toBe(422);
    await db().update(agreements).set({ caseStudyConsent: "full" }).where(eq(agreements.dealId, deal.id));
    const ok = await call(dealAction, postForm(`/beta/deals/${deal.id}`, { intent: "case-study", version: String(version), caseStudyStage: "interview" }, sales), { id: deal.id });
    expect(ok.status).toBe(302);
  });
});

describe("beta pipeline: support health", () => {
  it("shows a green badge for a quiet onboarded customer and turns red after a breached ticket", async () => {
    const deal = await newDeal("Healthy Co", [["Hana", "hana@healthy.example"]]);
    await satisfyGates(deal.id);
    const r = await moveDeal({ id: sales.user.id, name: "M" }, deal.id, { to: "onboarded" });
    const orgId = r.onboarding!.organizationId;
    await db().insert(dealActivities).values({ dealId: deal.id, kind: "call", body: "Check-in", actorId: sales.user.id });
    type Board = { board: { cards: { id: string; health: { level: string; reasons: string[] } | null }[] } };
    const cardOf = async () => ((await call(boardLoader, getRequest("/beta", sales))).data as Board).board.cards.find((c) => c.id === deal.id)!;
    expect((await cardOf()).health!.level).toBe("green");
    const requester = await createUser(db(), { role: "customer", organizationId: orgId });
    const [ticket] = await db().insert(tickets).values({ organizationId: orgId, requesterId: requester.id, subject: "Down", status: "open", firstResponseDueAt: new Date(Date.now() - 3_600_000) }).returning();
    await db().insert(slaEvents).values({ ticketId: ticket!.id, metric: "first_response", kind: "breach", cycle: 1, at: new Date() });
    const card = await cardOf();
    expect(card.health).toMatchObject({ level: "red", reasons: expect.arrayContaining(["1 SLA breach in 30 days"]) });
    // Agents read the same panel on the deal page.
    const panel = await call(dealLoader, getRequest(`/beta/deals/${deal.id}`, agent), { id: deal.id });
    expect(panel.data).toMatchObject({ full: false, health: { level: "red", breaches30d: 1, openTickets: 1 } });
  });
});

describe("beta pipeline: CSV and digest", () => {
  it("imports all rows or none, with per-row errors in the preview", async () => {
    const bad = `company,owner_email,stage,contact_name,contact_email\nGood Co,${sales.user.email},prospect,Gina,gina@good.example\nBad Co,nobody@example.test,onboarded,,\n`;
    const preview = await call(importAction, postForm("/beta/import", { intent: "preview", csv: bad }, sales));
    const parsed = (preview.data as { parsed: { rows: { line: number; errors: string[] }[] } }).parsed;
    expect(parsed.rows[0]!.errors).toEqual([]);
    expect(parsed.rows[1]!.errors.join(" ")).toMatch(/onboarded cannot be imported/);
    expect(parsed.rows[1]!.errors.join(" ")).toMatch(/not a sales or admin user/);
    const refused = await call(importAction, postForm("/beta/import", { intent: "import", csv: bad }, sales));
    expect((refused.data as { refused: boolean }).refused).toBe(true);
    expect(await db().select().from(betaDeals).where(eq(betaDeals.company, "Good Co"))).toEqual([]);
    const good = `company,owner_email,stage,lost_reason\nGood Co,${sales.user.email},prospect,\nGone Co,${sales.user.email},lost,No budget\n`;
    const done = await call(importAction, postForm("/beta/import", { intent: "import", csv: good }, sales));
    expect(done.status).toBe(302);
    const rows = await db().select().from(betaDeals).where(eq(betaDeals.programId, programId));
    expect(rows.map((r) => r.company)).toEqual(expect.arrayContaining(["Good Co", "Gone Co"]));
  });

  it("exports CSV with formula-looking cells neutralized", async () => {
    await newDeal("=HYPERLINK(\"http://evil\",\"x\")");
    const res = await call(exportLoader, getRequest("/beta/reports/deals.csv", sales));
    expect(res.status).toBe(200);
    expect(String(res.data)).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect((await call(exportLoader, getRequest("/beta/reports/deals.csv", agent))).status).toBe(403);
  });

  it("emails each owner one digest of their stale deals", async () => {
    const before = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "beta_stale_digest"));
    const sent = await sendStaleDigests(testDatabase().db);
    expect(sent).toBeGreaterThan(0);
    const after = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "beta_stale_digest"));
    const mine = after.filter((m) => !before.some((b) => b.id === m.id) && m.toAddress === sales.user.email);
    expect(mine.length).toBe(1);
    expect(mine[0]!.text).toMatch(/no next step/);
  });
});

describe.runIf(process.env.DATABASE_URL)("beta pipeline on Postgres: concurrency", () => {
  it("20 concurrent moves to onboarded make one organization and one invitation per contact", async () => {
    const deal = await newDeal("Stampede Corp", [["Sue", "sue@stampede.example"], ["Stan", "stan@stampede.example"]]);
    await satisfyGates(deal.id);
    const handles = await Promise.all(Array.from({ length: 5 }, () => createDatabase({ url: testDatabase().url!, max: 4 })));
    try {
      const actor = { id: sales.user.id, name: "Morgan" };
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => moveDeal(actor, deal.id, { to: "onboarded", expectedVersion: i % 2 ? 1 : undefined }, handles[i % handles.length]!.db)),
      );
      const moved = results.filter((r) => r.status === "fulfilled" && r.value.moved).length;
      const conflicts = results.filter((r) => r.status === "rejected" && (r.reason as DealError).status === 409).length;
      expect(moved).toBe(1);
      expect(results.filter((r) => r.status === "rejected").length).toBe(conflicts);
      expect(await db().select({ n: count() }).from(organizations).where(eq(organizations.name, "Stampede Corp"))).toEqual([{ n: 1 }]);
      for (const email of ["sue@stampede.example", "stan@stampede.example"]) {
        expect((await db().select().from(authTokens).where(eq(authTokens.email, email))).length).toBe(1);
        expect((await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, email))).length).toBe(1);
      }
      const events = await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, deal.id));
      expect(events.length).toBe(2);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it("two concurrent first moves of one version: exactly one wins, the other gets a conflict", async () => {
    const deal = await newDeal("Duel Co");
    await satisfyGates(deal.id);
    const handles = await Promise.all([0, 1].map(() => createDatabase({ url: testDatabase().url!, max: 2 })));
    try {
      const actor = { id: sales.user.id, name: "Morgan" };
      const results = await Promise.allSettled([
        moveDeal(actor, deal.id, { to: "demo", expectedVersion: 1 }, handles[0]!.db),
        moveDeal(actor, deal.id, { to: "lost", lostReason: "No budget", expectedVersion: 1 }, handles[1]!.db),
      ]);
      expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
      expect(results.filter((r) => r.status === "rejected" && (r.reason as DealError).status === 409).length).toBe(1);
      expect((await db().select().from(dealStageEvents).where(eq(dealStageEvents.dealId, deal.id))).length).toBe(2);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
