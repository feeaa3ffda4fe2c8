// healthFor(): every figure of the support-health badge from one statement (one pass over each
// organization's tickets), checked against hand-counted rows — including what it must leave out.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { betaDeals, betaPrograms, csatRatings, dealActivities, slaEvents, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { healthFor } from "~/modules/beta/health.server";
import { createOrganization, createUser } from "../support/factories";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let orgA: string, orgB: string, quiet: string;
const eqId = (id: string) => eq(tickets.id, id);

beforeAll(async () => {
  const at = Date.now();
  const ago = (ms: number) => new Date(at - ms);
  orgA = (await createOrganization(db(), { name: "Alpha", plan: "beta" })).id;
  orgB = (await createOrganization(db(), { name: "Beta Two", plan: "beta" })).id;
  quiet = (await createOrganization(db(), { name: "Quiet", plan: "beta" })).id;
  const a = await createUser(db(), { role: "customer", organizationId: orgA });
  const b = await createUser(db(), { role: "customer", organizationId: orgB });
  const t = (values: Partial<typeof tickets.$inferInsert>) => ({ subject: "T", requesterId: a.id, organizationId: orgA, createdAt: ago(40 * DAY), updatedAt: ago(40 * DAY), ...values });
  const rows = await db()
    .insert(tickets)
    .values([
      // 0: open, due within 4 h (at risk), breached 2 days ago, last customer message 1 h ago
      t({ status: "open", firstResponseDueAt: new Date(at + HOUR), updatedAt: ago(HOUR), lastCustomerMessageAt: ago(HOUR) }),
      // 1: new, in SLA warning (at risk through its warning event)
      t({ status: "new", resolutionDueAt: new Date(at + 5 * DAY), updatedAt: ago(2 * HOUR) }),
      // 2: pending: open, not at risk (paused), due soon notwithstanding
      t({ status: "pending", resolutionDueAt: new Date(at + HOUR) }),
      // 3: merged away: not open, not at risk
      t({ status: "open", firstResponseDueAt: new Date(at + HOUR) }),
      // 4: solved 10 days ago, breached 12 days ago, rated good 5 days ago
      t({ status: "solved", solvedAt: ago(10 * DAY), updatedAt: ago(10 * DAY) }),
      // 5: closed 60 days ago, breached 70 days ago (outside the window), rated bad 3 days ago
      t({ status: "closed", closedAt: ago(60 * DAY), updatedAt: ago(60 * DAY), createdAt: ago(80 * DAY) }),
      // 6: solved long ago, rated bad 45 days ago (outside the window)
      t({ status: "solved", solvedAt: ago(50 * DAY), updatedAt: ago(50 * DAY) }),
      // 7: another organization's open ticket with a breach: counted for B only
      t({ status: "open", requesterId: b.id, organizationId: orgB, updatedAt: ago(HOUR), lastCustomerMessageAt: ago(3 * DAY) }),
    ])
    .returning({ id: tickets.id });
  const id = (i: number) => rows[i]!.id;
  await db().update(tickets).set({ mergedIntoId: id(0) }).where(eqId(id(3)));
  await db()
    .insert(slaEvents)
    .values([
      { ticketId: id(0), metric: "first_response", kind: "breach", cycle: 1, at: ago(2 * DAY) },
      { ticketId: id(1), metric: "resolution", kind: "warning", cycle: 1, at: ago(HOUR) },
      { ticketId: id(4), metric: "resolution", kind: "breach", cycle: 1, at: ago(12 * DAY) },
      { ticketId: id(5), metric: "resolution", kind: "breach", cycle: 1, at: ago(70 * DAY) },
      { ticketId: id(7), metric: "first_response", kind: "breach", cycle: 1, at: ago(DAY) },
    ]);
  await db()
    .insert(csatRatings)
    .values([
      { ticketId: id(4), rating: "good", createdAt: ago(5 * DAY) },
      { ticketId: id(5), rating: "bad", createdAt: ago(3 * DAY) },
      { ticketId: id(6), rating: "bad", createdAt: ago(45 * DAY) },
    ]);
  // A logged call on B's deal, more recent than B's last customer message.
  const [program] = await db().insert(betaPrograms).values({ name: "P", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2026-12-31", active: false }).returning();
  const [deal] = await db().insert(betaDeals).values({ programId: program!.id, company: "Beta Two", stage: "onboarded", organizationId: orgB }).returning();
  await db().insert(dealActivities).values({ dealId: deal!.id, kind: "call", body: "Check-in", at: ago(HOUR) });
});

describe("healthFor", () => {
  it("counts open tickets, at-risk tickets, breaches and ratings of the last 30 days per organization", async () => {
    const health = await healthFor([orgA, orgB, quiet, orgA]);
    expect(health.size).toBe(3);
    expect(health.get(orgA)).toMatchObject({ openTickets: 3, atRisk: 2, breaches30d: 2, csatGood30d: 1, csatBad30d: 1 });
    expect(health.get(orgA)!.lastContactAt!.getTime()).toBeGreaterThan(Date.now() - 2 * HOUR);
    expect(health.get(orgA)!.health.level).toBe("red");
    expect(health.get(orgB)).toMatchObject({ openTickets: 1, atRisk: 0, breaches30d: 1, csatGood30d: 0, csatBad30d: 0 });
    // B's last contact is the call an hour ago (its last customer message was 3 days ago).
    expect(health.get(orgB)!.lastContactAt!.getTime()).toBeGreaterThan(Date.now() - 2 * HOUR);
    expect(health.get(quiet)).toMatchObject({ openTickets: 0, atRisk: 0, breaches30d: 0, csatGood30d: 0, csatBad30d: 0, lastContactAt: null });
    expect(await healthFor([])).toEqual(new Map());
  });
});
