import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { businessCalendars, slaCycleResults, slaPolicies, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { csvCell, toCsv } from "~/modules/sla/reports.server";
import { loader as reportsLoader } from "~/routes/desk/reports-sla";
import { createTicketAsCustomer, rateTicket, replyAsCustomer } from "~/modules/tickets/tickets.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";

let alice: SignedIn, agent: SignedIn;
const T0 = new Date("2026-03-02T09:00:00Z");
const MIN = 60_000;

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "=HYPERLINK(\"http://evil\")", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  const cal = twentyFourSeven("UTC");
  const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: "UTC", hours: cal.hours, holidays: [] }).returning();
  await db().insert(slaPolicies).values({ name: "All", position: 0, calendarId: c!.id, targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 240 } } });
});

async function ticketAnsweredAfter(minutes: number, subject: string) {
  testClock.freeze(T0);
  const { number } = await createTicketAsCustomer(alice.user, { subject, description: "Help", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
  testClock.freeze(T0.getTime() + minutes * MIN);
  await updateTicketAsAgent(agent.user, number, { version: 1, reply: { body: "Done", visibility: "public" }, status: "solved" });
  return number;
}

describe("SLA reports", () => {
  it("computes compliance, percentiles and CSAT, and exports CSV with formulas neutralized", async () => {
    const a = await ticketAnsweredAfter(30, "Fast");
    await ticketAnsweredAfter(90, "Slow");
    await ticketAnsweredAfter(45, "+SUM(A1:A9)");
    testClock.freeze(T0.getTime() + 100 * MIN);
    await rateTicket(alice.user, a, { rating: "good", comment: null });
    testClock.freeze(new Date("2026-03-10T12:00:00Z"));
    const res = await call(reportsLoader, getRequest("/desk/reports/sla?from=2026-02-01&to=2026-03-10", agent));
    const r = (res.data as { report: { weekly: { week: string; metric: string; met: number; total: number }[]; percentiles: Record<string, { median: number; p90: number; n: number }>; csat: { good: number; total: number }; breakdowns: Record<string, { label: string; firstResponse: { met: number; total: number }; csat: { good: number; total: number } }[]> } }).report;
    expect(r.weekly.find((w) => w.metric === "firstResponse")).toEqual({ week: "2026-03-02", metric: "firstResponse", met: 2, total: 3 });
    expect(r.weekly.find((w) => w.metric === "resolution")).toMatchObject({ met: 3, total: 3 });
    expect(r.percentiles.firstResponse!.median).toBeCloseTo(45);
    expect(r.percentiles.firstResponse!.p90).toBeCloseTo(81);
    expect(r.csat).toEqual({ good: 1, total: 1 });
    expect(r.breakdowns.priority).toEqual([expect.objectContaining({ label: "normal", firstResponse: { met: 2, total: 3 }, csat: { good: 1, total: 1 } })]);

    const csv = await call(reportsLoader, getRequest("/desk/reports/sla?from=2026-02-01&to=2026-03-10&format=csv", agent));
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const text = csv.data as string;
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain("'+SUM(A1:A9)");
    expect(text).not.toMatch(/(^|,)[=+@]/m);
    for (const bad of ["=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx"]) expect(csvCell(bad).replace(/^"/, "")[0]).toBe("'");
    expect(toCsv([["a,b", 'say "hi"']])).toBe('"a,b","say ""hi"""\r\n');

    const bad = await call(reportsLoader, getRequest("/desk/reports/sla?from=yesterday&to=2026-03-10", agent));
    expect(bad.status).toBe(200);
    expect((bad.data as { errors: Record<string, string> }).errors.from).toMatch(/YYYY-MM-DD/);
  });

  it("counts every next-response exchange of a ticket, not only the last", async () => {
    await db()
      .update(slaPolicies)
      .set({ targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 240 }, high: { firstResponseMinutes: 60, nextResponseMinutes: 30 } } })
      .where(eq(slaPolicies.name, "All"));
    const start = new Date("2026-04-06T09:00:00Z");
    const at = (m: number) => testClock.freeze(start.getTime() + m * MIN);
    const version = async (n: number) => (await db().select({ v: tickets.version }).from(tickets).where(eq(tickets.number, n)))[0]!.v;
    at(0);
    const { number } = await createTicketAsCustomer(alice.user, { subject: "Back and forth", description: "Help", priority: "high", category: null, idempotencyKey: randomUUID(), files: [] });
    at(10);
    await updateTicketAsAgent(agent.user, number, { version: await version(number), reply: { body: "First answer", visibility: "public" } });
    at(20);
    await replyAsCustomer(alice.user, number, { body: "Still broken", files: [] });
    at(35); // cycle 1 answered after 15 minutes: met
    await updateTicketAsAgent(agent.user, number, { version: await version(number), reply: { body: "Try this", visibility: "public" } });
    at(40);
    await replyAsCustomer(alice.user, number, { body: "No luck", files: [] });
    at(100); // cycle 2 answered after 60 minutes: missed
    await updateTicketAsAgent(agent.user, number, { version: await version(number), reply: { body: "Fixed now", visibility: "public" } });

    const [t] = await db().select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number));
    const cycles = await db().select().from(slaCycleResults).where(eq(slaCycleResults.ticketId, t!.id));
    expect(cycles.map((c) => [c.cycle, c.elapsedMinutes]).sort()).toEqual([
      [1, 15],
      [2, 60],
    ]);
    testClock.freeze(new Date("2026-04-10T12:00:00Z"));
    const res = await call(reportsLoader, getRequest("/desk/reports/sla?from=2026-04-06&to=2026-04-10", agent));
    const weekly = (res.data as { report: { weekly: { week: string; metric: string; met: number; total: number }[] } }).report.weekly;
    expect(weekly.find((w) => w.metric === "nextResponse")).toEqual({ week: "2026-04-06", metric: "nextResponse", met: 1, total: 2 });
  });
});

describe("SLA reports: the organization filter", () => {
  type Data = { filters: { organizationId?: string }; errors: Record<string, string>; organization: { id: string; name: string } | null; typedOrganization: string | null };
  const load = async (query: string) => (await call(reportsLoader, getRequest(`/desk/reports/sla?from=2026-02-01&to=2026-03-10${query}`, agent))).data as Data;

  it("takes a typed name (exact, ignoring case, or the unique start of one), or an id from a link, and says why when it cannot choose", async () => {
    const northwind = await createOrganization(db(), { name: "Northwind Traders", plan: "enterprise" });
    const north = await createOrganization(db(), { name: "North", plan: "enterprise" });
    await createOrganization(db(), { name: "Northern Lights", plan: "enterprise" });
    await createOrganization(db(), { name: "100%_Pure", plan: "enterprise" });

    let d = await load("&organization=northwind");
    expect(d.filters.organizationId).toBe(northwind.id);
    expect(d.organization).toEqual({ id: northwind.id, name: "Northwind Traders" });
    expect(d.errors).toEqual({});
    d = await load("&organization=%20NORTH%20"); // exact beats the longer names it starts
    expect(d.organization?.id).toBe(north.id);
    d = await load("&organization=Northe");
    expect(d.organization?.name).toBe("Northern Lights");
    d = await load(`&organizationId=${northwind.id}`);
    expect(d.organization).toEqual({ id: northwind.id, name: "Northwind Traders" });

    d = await load("&organization=Nor");
    expect(d.filters.organizationId).toBeUndefined();
    expect(d.errors.organization).toMatch(/matches 3 organizations \(North, Northern Lights, Northwind Traders\)/);
    expect(d.typedOrganization).toBe("Nor"); // the field keeps what was typed
    d = await load("&organization=Nobody");
    expect(d.errors.organization).toMatch(/No organization/);
    // % and _ are literal characters, not patterns.
    expect((await load("&organization=100%25_")).organization?.name).toBe("100%_Pure");
    expect((await load("&organization=1%25")).errors.organization).toMatch(/No organization/);
    expect((await load("&organization=%25")).errors.organization).toMatch(/No organization/);
    // Empty: all organizations, no error.
    d = await load("&organization=");
    expect(d.filters.organizationId).toBeUndefined();
    expect(d.errors).toEqual({});
    expect(d).not.toHaveProperty("organizations"); // no list of every organization on the page
  });
});
