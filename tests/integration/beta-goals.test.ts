import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreements, auditEvents, betaDeals, betaExitDecisions, betaGoals, betaPrograms, dealActivities, emailOutbox, organizations } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { action as programsAction, loader as programsLoader } from "~/routes/beta/programs";
import { action as goalsAction, loader as goalsLoader } from "~/routes/beta/goals";
import { action as dealAction, loader as dealLoader } from "~/routes/beta/deal";
import { loader as boardLoader } from "~/routes/beta/board";
import { loader as reportsLoader } from "~/routes/beta/reports";
import { action as feedbackAction } from "~/routes/beta/feedback";
import { loader as deskTicketLoader } from "~/routes/desk/ticket";
import { insertDeal } from "~/modules/beta/deals.server";
import { sendWeeklySummary } from "~/modules/beta/goals.server";
import { burnUp, conversionRate, goalProgress, summaryWeek } from "~/modules/beta/goals";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let sales: SignedIn, admin: SignedIn, agent: SignedIn, customer: SignedIn, betaCustomer: SignedIn;
let programId: string;

const DAY = 24 * 60 * 60 * 1000;
// A Wednesday; the program and the goals count from 2026-01-01.
const NOW = Date.parse("2026-04-01T10:00:00Z");

/** An onboarded deal with its organization on the beta plan and an agreement ending on `betaEndsOn`. */
async function onboardedDeal(company: string, opts: { onboardedOn: string; betaEndsOn: string | null; lastActivityDaysAgo?: number }) {
  const org = await createOrganization(db(), { name: company, plan: "beta" });
  const deal = await insertDeal(db(), { id: sales.user.id }, programId, { company, website: null, source: "test", ownerId: sales.user.id, stage: "onboarded", at: new Date(`${opts.onboardedOn}T12:00:00Z`) });
  await db()
    .update(betaDeals)
    .set({ organizationId: org.id, onboardedAt: new Date(`${opts.onboardedOn}T12:00:00Z`), lastActivityAt: new Date(NOW - (opts.lastActivityDaysAgo ?? 1) * DAY) })
    .where(eq(betaDeals.id, deal.id));
  await db().insert(agreements).values({ dealId: deal.id, status: "signed", terms: "Free during the beta", signedOn: opts.onboardedOn, betaStartsOn: opts.onboardedOn, betaEndsOn: opts.betaEndsOn });
  return { dealId: deal.id, organizationId: org.id };
}

async function versionOf(dealId: string) {
  const [d] = await db().select({ version: betaDeals.version }).from(betaDeals).where(eq(betaDeals.id, dealId));
  return String(d!.version);
}

type GoalsData = {
  settings: { startsOn: string; timeZone: string };
  goals: { id: string; metric: string; minimum: number | null; target: number; byMonth: number }[];
  metrics: { metric: string; current: number; progress: { target: number; current: number; status: string; dueOn: string; expectedNow: number }[]; risks: { kind: string; dealId: string; company: string }[] }[];
  risks: { kind: string; dealId: string; company: string; metric: string }[];
  conversion: { converted: number; churned: number; decided: number; rate: number | null };
  canEdit: boolean;
};

beforeAll(async () => {
  testClock.freeze(NOW);
  sales = await signInAs(await createUser(db(), { role: "sales", name: "Morgan Sales", email: "morgan@sales.example" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada Admin", email: "ada@admin.example" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id }));
  const betaOrg = await createOrganization(db(), { name: "Betaco", plan: "beta" });
  betaCustomer = await signInAs(await createUser(db(), { role: "customer", organizationId: betaOrg.id }));
  const [p] = await db().insert(betaPrograms).values({ name: "Spring beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2026-07-01", active: true }).returning();
  programId = p!.id;
});

afterAll(() => testClock.reset());

describe("programs", () => {
  it("creates, edits and switches programs; exactly one stays active", async () => {
    const create = await call(programsAction, postForm("/beta/programs", { intent: "create", name: "Autumn beta", startsOn: "2026-09-01", deadline: "2026-12-31", minimum: "2", target: "4" }, sales));
    expect(create.status).toBe(302);
    const [autumn] = await db().select().from(betaPrograms).where(eq(betaPrograms.name, "Autumn beta"));
    expect(autumn).toMatchObject({ active: false, minimum: 2, target: 4, deadline: "2026-12-31" });

    const switched = await call(programsAction, postForm("/beta/programs", { intent: "activate", id: autumn!.id, redirectTo: "/beta" }, admin));
    expect(switched.location).toBe("/beta");
    let active = await db().select().from(betaPrograms).where(eq(betaPrograms.active, true));
    expect(active.map((p) => p.name)).toEqual(["Autumn beta"]);
    const board = (await call(boardLoader, getRequest("/beta", sales))).data as { program: { name: string }; programs: { name: string }[] };
    expect(board.program.name).toBe("Autumn beta");
    expect(board.programs.map((p) => p.name).sort()).toEqual(["Autumn beta", "Spring beta"]);
    await insertDeal(db(), { id: sales.user.id }, programId, { company: "Counted Co", website: null, source: null, ownerId: sales.user.id, stage: "onboarded" });
    const listed = (await call(programsLoader, getRequest("/beta/programs", sales))).data as { programs: { name: string; deals: number; onboarded: number; active: boolean }[] };
    expect(listed.programs.map((p) => [p.name, p.deals, p.onboarded, p.active])).toEqual([
      ["Autumn beta", 0, 0, true],
      ["Spring beta", 1, 1, false],
    ]);
    await db().delete(betaDeals).where(eq(betaDeals.company, "Counted Co"));

    // The database itself refuses a second active program.
    await expect(db().insert(betaPrograms).values({ name: "Rogue", target: 1, minimum: 1, startsOn: "2026-01-01", deadline: "2026-02-01", active: true })).rejects.toThrow();

    const edit = await call(programsAction, postForm("/beta/programs", { intent: "update", id: autumn!.id, name: "Autumn beta 2026", startsOn: "2026-09-01", deadline: "2026-12-15", minimum: "3", target: "5" }, sales));
    expect(edit.status).toBe(302);
    const [edited] = await db().select().from(betaPrograms).where(eq(betaPrograms.id, autumn!.id));
    expect(edited).toMatchObject({ name: "Autumn beta 2026", deadline: "2026-12-15", target: 5, active: true });

    // Back to the spring program for the rest of the file.
    await call(programsAction, postForm("/beta/programs", { intent: "activate", id: programId }, sales));
    active = await db().select().from(betaPrograms).where(eq(betaPrograms.active, true));
    expect(active.map((p) => p.id)).toEqual([programId]);
    const audits = await db().select().from(auditEvents).where(eq(auditEvents.action, "beta.program_activated"));
    expect(audits.length).toBe(2);
  });

  it("refuses bad input with a clear message and keeps what was typed", async () => {
    const res = await call(programsAction, postForm("/beta/programs", { intent: "create", name: "Backwards", startsOn: "2026-09-01", deadline: "2026-08-01", minimum: "6", target: "4" }, sales));
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ fieldErrors: { deadline: "The deadline cannot be before the start." }, values: { name: "Backwards" } });
    const empty = await call(programsAction, postForm("/beta/programs", { intent: "create", name: "", startsOn: "soon", deadline: "", minimum: "x", target: "" }, sales));
    expect(empty.status).toBe(400);
    expect(Object.keys((empty.data as { fieldErrors: object }).fieldErrors).sort()).toEqual(["deadline", "minimum", "name", "startsOn", "target"]);
  });

  it("is for sales and admins only", async () => {
    for (const who of [agent, customer]) {
      expect((await call(programsLoader, getRequest("/beta/programs", who))).status).toBe(403);
      expect((await call(programsAction, postForm("/beta/programs", { intent: "activate", id: programId }, who))).status).toBe(403);
    }
    expect((await call(programsLoader, getRequest("/beta/programs"))).status).toBe(302);
  });
});

describe("beta exit decisions", () => {
  let ending: { dealId: string; organizationId: string };
  let later: { dealId: string; organizationId: string };

  it("asks for a decision when the beta ends within 14 days, not before", async () => {
    ending = await onboardedDeal("Endingsoon", { onboardedOn: "2026-02-01", betaEndsOn: "2026-04-10" });
    later = await onboardedDeal("Fardate", { onboardedOn: "2026-02-15", betaEndsOn: "2026-06-30" });
    const a = (await call(dealLoader, getRequest(`/beta/deals/${ending.dealId}`, sales), { id: ending.dealId })).data as { exit: { needed: boolean } };
    const b = (await call(dealLoader, getRequest(`/beta/deals/${later.dealId}`, sales), { id: later.dealId })).data as { exit: { needed: boolean } };
    expect(a.exit.needed).toBe(true);
    expect(b.exit.needed).toBe(false);
  });

  it("converted needs plan, date and price; it sets the organization's paid plan and conversion date, with an audit event and a timeline entry", async () => {
    const missing = await call(dealAction, postForm(`/beta/deals/${ending.dealId}`, { intent: "exit", outcome: "converted", version: await versionOf(ending.dealId), plan: "", decidedOn: "2026-03-30", price: "" }, sales), { id: ending.dealId });
    expect(missing.status).toBe(400);
    expect((missing.data as { fieldErrors: Record<string, string> }).fieldErrors).toMatchObject({ plan: expect.stringContaining("paid plan"), price: expect.stringContaining("price") });

    const ok = await call(
      dealAction,
      postForm(`/beta/deals/${ending.dealId}`, { intent: "exit", outcome: "converted", version: await versionOf(ending.dealId), plan: "enterprise", decidedOn: "2026-03-30", price: "900 EUR / month", note: "Signed the order form." }, sales),
      { id: ending.dealId },
    );
    expect(ok.status).toBe(302);
    const [org] = await db().select().from(organizations).where(eq(organizations.id, ending.organizationId));
    expect(org).toMatchObject({ plan: "enterprise", convertedOn: "2026-03-30" });
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "beta.exit_decided"), eq(auditEvents.targetId, ending.dealId)));
    expect(audit).toMatchObject({ actorId: sales.user.id, data: expect.objectContaining({ outcome: "converted", plan: "enterprise" }) });
    const notes = await db().select().from(dealActivities).where(eq(dealActivities.dealId, ending.dealId));
    expect(notes.map((n) => n.body)).toContain("Beta exit: converted to Enterprise on 2026-03-30 at 900 EUR / month. Signed the order form.");
    const page = (await call(dealLoader, getRequest(`/beta/deals/${ending.dealId}`, sales), { id: ending.dealId })).data as { exit: { needed: boolean; decision: { outcome: string } } };
    expect(page.exit).toMatchObject({ needed: false, decision: { outcome: "converted" } });

    // Decided once: a second decision is refused.
    const again = await call(dealAction, postForm(`/beta/deals/${ending.dealId}`, { intent: "exit", outcome: "churned", version: await versionOf(ending.dealId), churnReason: "Other", decidedOn: "2026-03-31" }, sales), { id: ending.dealId });
    expect(again.status).toBe(409);
  });

  it("churned needs a reason from the list and leaves the plan alone", async () => {
    const none = await call(dealAction, postForm(`/beta/deals/${later.dealId}`, { intent: "exit", outcome: "churned", version: await versionOf(later.dealId), churnReason: "", decidedOn: "2026-03-31" }, sales), { id: later.dealId });
    expect(none.status).toBe(400);
    expect((none.data as { fieldErrors: Record<string, string> }).fieldErrors.churnReason).toBe("Choose why the customer did not convert.");
    const invented = await call(dealAction, postForm(`/beta/deals/${later.dealId}`, { intent: "exit", outcome: "churned", version: await versionOf(later.dealId), churnReason: "Bored", decidedOn: "2026-03-31" }, sales), { id: later.dealId });
    expect(invented.status).toBe(400);
    const ok = await call(dealAction, postForm(`/beta/deals/${later.dealId}`, { intent: "exit", outcome: "churned", version: await versionOf(later.dealId), churnReason: "Price too high", decidedOn: "2026-03-31", note: "Too early for them." }, sales), { id: later.dealId });
    expect(ok.status).toBe(302);
    const [org] = await db().select().from(organizations).where(eq(organizations.id, later.organizationId));
    expect(org).toMatchObject({ plan: "beta", convertedOn: null });
    const [decision] = await db().select().from(betaExitDecisions).where(eq(betaExitDecisions.dealId, later.dealId));
    expect(decision).toMatchObject({ outcome: "churned", churnReason: "Price too high", plan: null });
  });

  it("shows the conversion rate (converted / decided) on the goals page and in the reports", async () => {
    const goals = (await call(goalsLoader, getRequest("/beta/goals", sales))).data as GoalsData;
    expect(goals.conversion).toMatchObject({ converted: 1, churned: 1, decided: 2, rate: 0.5 });
    const reports = (await call(reportsLoader, getRequest("/beta/reports", sales))).data as { conversion: { rate: number }; churnReasons: { reason: string; count: number }[] };
    expect(reports.conversion.rate).toBe(0.5);
    expect(reports.churnReasons).toEqual([{ reason: "Price too high", count: 1 }]);
    expect(conversionRate(0, 0)).toBeNull();
    expect(conversionRate(3, 1)).toBe(0.75);
  });

  it("refuses agents and customers", async () => {
    const deal = await onboardedDeal("Guarded", { onboardedOn: "2026-03-01", betaEndsOn: "2026-04-05" });
    for (const who of [agent, customer]) {
      const res = await call(dealAction, postForm(`/beta/deals/${deal.dealId}`, { intent: "exit", outcome: "churned", version: await versionOf(deal.dealId), churnReason: "Other", decidedOn: "2026-03-31" }, who), { id: deal.dealId });
      expect(res.status).toBe(403);
    }
    expect(await db().select().from(betaExitDecisions).where(eq(betaExitDecisions.dealId, deal.dealId))).toEqual([]);
  });
});

describe("goals", () => {
  it("computes goal progress and the burn-up from dated achievements", () => {
    const goal = { metric: "paying" as const, label: "Paying", minimum: null, target: 10, byMonth: 6 };
    // 2026-01-01 + 6 months = 2026-07-01 (181 days); on 2026-04-01, 90 days in: expected 10 × 90/181 ≈ 5.0.
    const p = goalProgress(goal, ["2026-02-01", "2026-03-15", "2026-05-01"], "2026-01-01", "2026-04-01");
    expect(p).toMatchObject({ dueOn: "2026-07-01", current: 2, expectedNow: 5, status: "behind", remaining: 8, daysLeft: 91 });
    const done = goalProgress({ ...goal, target: 2 }, ["2026-02-01", "2026-03-15"], "2026-01-01", "2026-04-01");
    expect(done.status).toBe("met");
    const onboarded = { metric: "onboarded" as const, label: "Onboarded", minimum: 3, target: 5, byMonth: 2 };
    expect(goalProgress(onboarded, ["2026-01-10", "2026-02-01", "2026-02-20", "2026-03-20"], "2026-01-01", "2026-04-01")).toMatchObject({ dueOn: "2026-03-01", byDue: 3, status: "met-minimum" });
    expect(goalProgress(onboarded, ["2026-01-10"], "2026-01-01", "2026-04-01").status).toBe("missed");
    const chart = burnUp([goal, { ...goal, target: 30, byMonth: 12 }], ["2026-02-01", "2026-02-01", "2026-03-15"], "2026-01-01", "2026-04-01");
    expect(chart.actual).toEqual([
      { day: "2026-01-01", value: 0 },
      { day: "2026-02-01", value: 2 },
      { day: "2026-03-15", value: 3 },
      { day: "2026-04-01", value: 3 },
    ]);
    expect(chart.target).toEqual([
      { day: "2026-01-01", value: 0 },
      { day: "2026-07-01", value: 10 },
      { day: "2027-01-01", value: 30 },
    ]);
    expect(chart.endsOn).toBe("2027-01-01");
  });

  it("seeds the default goals and computes progress from the data", async () => {
    const data = (await call(goalsLoader, getRequest("/beta/goals", sales))).data as GoalsData;
    expect(data.goals.map((g) => [g.metric, g.minimum, g.target, g.byMonth])).toEqual([
      ["onboarded", 3, 5, 6],
      ["paying", null, 10, 6],
      ["paying", null, 30, 12],
    ]);
    expect(data.settings.startsOn).toBe("2026-01-01"); // the earliest program's start until an admin saves one
    expect(data.canEdit).toBe(false);
    const onboarded = data.metrics.find((m) => m.metric === "onboarded")!;
    const paying = data.metrics.find((m) => m.metric === "paying")!;
    // Endingsoon, Fardate and Guarded were onboarded (Feb 1, Feb 15, Mar 1); Endingsoon converted on Mar 30.
    expect(onboarded.current).toBe(3);
    expect(onboarded.progress[0]).toMatchObject({ target: 5, current: 3, dueOn: "2026-07-01", status: "on-track" });
    expect(paying.current).toBe(1);
    expect(paying.progress.map((p) => p.status)).toEqual(["behind", "behind"]);
  });

  it("lists what puts each goal at risk, each item linking to its deal", async () => {
    const stale = await insertDeal(db(), { id: sales.user.id }, programId, { company: "Sleepy", website: null, source: null, ownerId: sales.user.id, stage: "demo", at: new Date(NOW - 20 * DAY) });
    const data = (await call(goalsLoader, getRequest("/beta/goals", sales))).data as GoalsData;
    const byCompany = (company: string) => data.risks.filter((r) => r.company === company).map((r) => r.kind).sort();
    expect(byCompany("Sleepy")).toEqual(["stale"]);
    expect(data.risks.find((r) => r.company === "Sleepy")).toMatchObject({ dealId: stale.id, metric: "onboarded" });
    // Guarded: beta ends 2026-04-05 with no decision, and no contact at all (health red).
    expect(byCompany("Guarded")).toEqual(["no-decision", "red-health"]);
    // Decided deals are no longer at risk.
    expect(byCompany("Endingsoon")).toEqual([]);
    expect(byCompany("Fardate")).toEqual([]);
    expect(data.metrics.find((m) => m.metric === "paying")!.risks.map((r) => r.company)).toEqual(["Guarded", "Guarded"]);
  });

  it("lets admins edit the goals and the start date; sales read only; bad input is refused", async () => {
    const data = (await call(goalsLoader, getRequest("/beta/goals", admin))).data as GoalsData;
    expect(data.canEdit).toBe(true);
    const fields: Record<string, string> = { intent: "goals", startsOn: "2026-02-01", timeZone: "Europe/Berlin" };
    for (const g of data.goals) Object.assign(fields, { [`minimum-${g.id}`]: g.minimum === null ? "" : String(g.minimum), [`target-${g.id}`]: String(g.target), [`byMonth-${g.id}`]: String(g.byMonth) });
    const onboardedGoal = data.goals.find((g) => g.metric === "onboarded")!;
    expect((await call(goalsAction, postForm("/beta/goals", fields, sales))).status).toBe(403);
    const bad = await call(goalsAction, postForm("/beta/goals", { ...fields, [`minimum-${onboardedGoal.id}`]: "9" }, admin));
    expect(bad.status).toBe(400);
    expect((bad.data as { formError: string }).formError).toBe("A minimum cannot be above its target.");
    const badZone = await call(goalsAction, postForm("/beta/goals", { ...fields, timeZone: "Mars/Olympus" }, admin));
    expect(badZone.status).toBe(400);
    const ok = await call(goalsAction, postForm("/beta/goals", { ...fields, [`target-${onboardedGoal.id}`]: "6" }, admin));
    expect(ok.status).toBe(302);
    const [goal] = await db().select().from(betaGoals).where(eq(betaGoals.id, onboardedGoal.id));
    expect(goal!.target).toBe(6);
    const after = (await call(goalsLoader, getRequest("/beta/goals", sales))).data as GoalsData;
    expect(after.settings).toMatchObject({ startsOn: "2026-02-01", timeZone: "Europe/Berlin" });
    expect(after.metrics[0]!.progress[0]).toMatchObject({ target: 6, dueOn: "2026-08-01" });
  });

  it("refuses agents and customers", async () => {
    for (const who of [agent, customer]) expect((await call(goalsLoader, getRequest("/beta/goals", who))).status).toBe(403);
    expect((await call(goalsAction, postForm("/beta/goals", { intent: "goals" }, agent))).status).toBe(403);
  });
});

describe("weekly summary", () => {
  it("is due from Monday 08:00 in the company time zone", () => {
    // 2026-04-06 is a Monday; Berlin is UTC+2 in April.
    expect(summaryWeek(new Date("2026-04-06T05:59:00Z"), "Europe/Berlin")).toEqual({ weekOf: "2026-04-06", due: false });
    expect(summaryWeek(new Date("2026-04-06T06:00:00Z"), "Europe/Berlin")).toEqual({ weekOf: "2026-04-06", due: true });
    expect(summaryWeek(new Date("2026-04-12T21:59:00Z"), "Europe/Berlin")).toEqual({ weekOf: "2026-04-06", due: true });
    expect(summaryWeek(new Date("2026-04-12T22:30:00Z"), "Europe/Berlin")).toEqual({ weekOf: "2026-04-13", due: false });
  });

  it("goes to sales and admins once per week with progress, risks and the past week's movement", async () => {
    testClock.freeze(Date.parse("2026-04-06T05:30:00Z")); // 07:30 in Berlin
    expect(await sendWeeklySummary()).toBeNull();
    testClock.freeze(Date.parse("2026-04-06T06:05:00Z")); // 08:05 in Berlin
    expect(await sendWeeklySummary()).toBe(2);
    expect(await sendWeeklySummary()).toBeNull();
    testClock.advance(2 * DAY);
    expect(await sendWeeklySummary()).toBeNull();
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "beta_weekly_summary"));
    expect(mails.map((m) => m.toAddress).sort()).toEqual(["ada@admin.example", "morgan@sales.example"]);
    expect(mails[0]!.subject).toBe("Beta goals: week of 2026-04-06");
    expect(mails[0]!.text).toContain("Paying customers: 10 by month 6");
    expect(mails[0]!.text).toContain("Beta conversion rate: 50 %");
    expect(mails[0]!.text).toContain("Guarded (Beta ending, no decision)");
    expect(mails[0]!.text).toMatch(/Pipeline movement, past 7 days:\n\d+ new deals?/);
    // The next week: one more each.
    testClock.freeze(Date.parse("2026-04-13T06:01:00Z"));
    expect(await sendWeeklySummary()).toBe(2);
    expect((await db().select().from(emailOutbox).where(eq(emailOutbox.template, "beta_weekly_summary"))).length).toBe(4);
    testClock.freeze(NOW);
  });
});

describe("promote to feedback from the desk ticket page", () => {
  it("shows the promote form for beta customers' tickets only, and it works", async () => {
    const { number } = await createTicketAsCustomer(betaCustomer.user, { subject: "Export to CSV", description: "Please add an export.", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
    const { number: other } = await createTicketAsCustomer(customer.user, { subject: "Login broken", description: "Help.", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
    const page = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    expect(page.status).toBe(200);
    expect((page.data as { promote: unknown }).promote).toEqual({ itemId: null });
    const nonBeta = await call(deskTicketLoader, getRequest(`/desk/tickets/${other}`, agent), { number: String(other) });
    expect((nonBeta.data as { promote: unknown }).promote).toBeNull();

    const promoted = await call(feedbackAction, postForm("/beta/feedback", { intent: "promote", ticketNumber: String(number) }, agent));
    expect(promoted.status).toBe(302);
    expect(promoted.location).toContain(`promoted=${number}`);
    const after = await call(deskTicketLoader, getRequest(`/desk/tickets/${number}`, agent), { number: String(number) });
    expect((after.data as { promote: { itemId: string | null } }).promote.itemId).toMatch(/^[0-9a-f-]{36}$/);
    // Customers cannot promote.
    expect((await call(feedbackAction, postForm("/beta/feedback", { intent: "promote", ticketNumber: String(other) }, betaCustomer))).status).toBe(403);
  });
});
