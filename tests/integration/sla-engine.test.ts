import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { businessCalendars, slaPolicies, slaTimers, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { getTicketSlaClocks, recomputeTicketSla } from "~/modules/sla/apply.server";
import { createTicketAsCustomer, setStatusAsCustomer } from "~/modules/tickets/tickets.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import type { Actor } from "~/modules/auth/permissions";
import { createOrganization, createUser } from "../support/factories";

let alice: Actor, agent: Actor, calendarId: string;
const T0 = new Date("2026-03-02T09:00:00Z"); // a Monday

async function policy(values: Partial<typeof slaPolicies.$inferInsert> & { name: string }) {
  const [p] = await db().insert(slaPolicies).values({ calendarId, targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 480 } }, ...values }).returning();
  return p!;
}

async function newTicket(as: Actor = alice) {
  const { number } = await createTicketAsCustomer(as, { subject: "Broken export", description: "It fails.", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
  const [t] = await db().select().from(tickets).where(eq(tickets.number, number));
  return t!;
}

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = (await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" })) as Actor;
  agent = (await createUser(db(), { role: "agent", name: "Sam" })) as Actor;
  const cal = twentyFourSeven("UTC");
  const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: cal.timeZone, hours: cal.hours, holidays: [] }).returning();
  calendarId = c!.id;
});

afterEach(async () => {
  testClock.reset();
  await db().delete(slaPolicies);
});

describe("SLA engine: policies and recompute", () => {
  it("applies the first matching policy in order", async () => {
    testClock.freeze(T0);
    const general = await policy({ name: "General", position: 2, targets: { normal: { firstResponseMinutes: 240 } } });
    const enterprise = await policy({ name: "Enterprise", position: 1, plans: ["enterprise"], targets: { normal: { firstResponseMinutes: 60 } } });
    await policy({ name: "Inactive first", position: 0, active: false, targets: { normal: { firstResponseMinutes: 5 } } });
    await policy({ name: "Beta", position: 0, plans: ["beta"], targets: { normal: { firstResponseMinutes: 10 } } });
    const t = await newTicket();
    expect(t.slaPolicyId).toBe(enterprise.id);
    expect(t.firstResponseDueAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    expect(general.id).not.toBe(enterprise.id);
  });

  it("recomputes after a policy change", async () => {
    testClock.freeze(T0);
    const p = await policy({ name: "Only", position: 0 });
    const t = await newTicket();
    expect(t.firstResponseDueAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    await db().update(slaPolicies).set({ targets: { normal: { firstResponseMinutes: 30 } } }).where(eq(slaPolicies.id, p.id));
    await db().transaction((tx) => recomputeTicketSla(tx, t.id));
    const [after] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    expect(after!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T09:30:00.000Z");
    expect(after!.resolutionDueAt).toBeNull(); // no resolution target any more
    const timers = await db().select().from(slaTimers).where(eq(slaTimers.ticketId, t.id));
    const fr = timers.find((r) => r.metric === "firstResponse")!;
    expect(fr.warnAt?.toISOString()).toBe("2026-03-02T09:24:00.000Z"); // 80 % of 30 min
    expect(fr.dueAt?.toISOString()).toBe("2026-03-02T09:30:00.000Z");
  });

  it("pauses and resumes through real ticket actions", async () => {
    testClock.freeze(T0);
    await policy({ name: "Only", position: 0 });
    const t = await newTicket();
    testClock.advance(10 * 60_000);
    await updateTicketAsAgent(agent, t.number, { version: t.version, status: "pending" });
    let [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.firstResponseDueAt).toBeNull();
    expect(row!.resolutionDueAt).toBeNull();
    let view = await getTicketSlaClocks(t.id);
    expect(view.metrics.find((m) => m.metric === "firstResponse")!.state).toBe("paused");
    expect(view.metrics.find((m) => m.metric === "firstResponse")!.elapsedMinutes).toBeCloseTo(10);
    testClock.advance(60 * 60_000); // an hour paused: no time accrues
    await setStatusAsCustomer(alice, t.number, "solved");
    testClock.advance(5 * 60_000);
    await setStatusAsCustomer(alice, t.number, "open");
    [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    // Resumed at 10:15 with 10 min used: 50 min left.
    expect(row!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T11:05:00.000Z");
    view = await getTicketSlaClocks(t.id);
    expect(view.metrics.find((m) => m.metric === "resolution")!.state).toBe("running");
    await updateTicketAsAgent(agent, t.number, { version: row!.version, reply: { body: "Looking", visibility: "internal" } });
    [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.firstResponseDueAt).not.toBeNull(); // an internal note is not a reply
    await updateTicketAsAgent(agent, t.number, { version: row!.version, reply: { body: "Fixed it", visibility: "public" } });
    [row] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.firstResponseDueAt).toBeNull();
    view = await getTicketSlaClocks(t.id);
    expect(view.metrics.find((m) => m.metric === "firstResponse")!.state).toBe("achieved");
  });
});

describe("seedSla", () => {
  it("creates the demo calendars, ordered policies and a rule, and recomputes existing tickets", async () => {
    const { seedSla } = await import("../../db/seed/sla");
    testClock.freeze(T0);
    const t = await newTicket(); // Acme is on the enterprise plan
    const beta = await createOrganization(db(), { name: "Beta Co", plan: "beta" });
    const carol = (await createUser(db(), { role: "customer", organizationId: beta.id, name: "Carol" })) as Actor;
    const b = await newTicket(carol);
    const result = await db().transaction((tx) => seedSla(tx, { notifyUserIds: [agent.id], at: T0 }));
    const [enterprise] = await db().select().from(tickets).where(eq(tickets.id, t.id));
    const [betaTicket] = await db().select().from(tickets).where(eq(tickets.id, b.id));
    expect(enterprise!.slaPolicyId).toBe(result.policyIds.enterprise);
    expect(enterprise!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T13:00:00.000Z"); // 4 h, 24/7
    expect(betaTicket!.slaPolicyId).toBe(result.policyIds.beta);
    expect(betaTicket!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T13:00:00.000Z"); // 10:00–14:00 Berlin office hours
    const view = await getTicketSlaClocks(b.id);
    expect(view.businessHours).toBe(true);
  });
});
