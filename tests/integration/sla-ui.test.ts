import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { businessCalendars, slaPolicies, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { loader as queueLoader } from "~/routes/desk/queue";
import { loader as deskTicketLoader } from "~/routes/desk/ticket";
import { loader as portalTicketLoader } from "~/routes/portal/ticket";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";

let alice: SignedIn, agent: SignedIn;
const T0 = new Date("2026-03-02T09:00:00Z"); // Monday 10:00 in Berlin
type Row = { number: number; slaDueAt: string | null };

async function newTicket(priority: "low" | "normal" | "high", subject = "Export fails") {
  const { number } = await createTicketAsCustomer(alice.user, { subject, description: "Help", priority, category: null, idempotencyKey: randomUUID(), files: [] });
  return number;
}

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  const [cal] = await db()
    .insert(businessCalendars)
    .values({ name: "Berlin office", timeZone: "Europe/Berlin", hours: { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }], wed: [{ start: "09:00", end: "17:00" }], thu: [{ start: "09:00", end: "17:00" }], fri: [{ start: "09:00", end: "17:00" }] }, holidays: [] })
    .returning();
  await db()
    .insert(slaPolicies)
    .values({ name: "Enterprise internal name", position: 0, calendarId: cal!.id, priorities: ["normal", "high"], targets: { normal: { firstResponseMinutes: 240, resolutionMinutes: 2400 }, high: { firstResponseMinutes: 60 } } });
});

describe("SLA in the desk and the portal", () => {
  it("sorts the queue by the nearest due time by default, nulls last, with correct keyset pages", async () => {
    testClock.freeze(T0);
    const made: number[] = [];
    for (let i = 0; i < 56; i++) {
      testClock.freeze(T0.getTime() + ((i * 7919) % 56) * 60_000); // creation order differs from due order
      made.push(await newTicket(i % 8 === 0 ? "low" : i % 5 === 0 ? "high" : "normal"));
    }
    testClock.freeze(T0.getTime() + 60 * 60_000);
    const seen: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(queueLoader, getRequest(`/desk/views/all-open${cursor ? `?cursor=${cursor}` : ""}`, agent), { view: "all-open" });
      const d = res.data as { tickets: Row[]; nextCursor: string | null; query: { sort: string } };
      expect(d.query.sort).toBe("due");
      seen.push(...d.tickets);
      cursor = d.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    expect(pages).toBe(2);
    expect(seen.map((r) => r.number).sort((a, b) => a - b)).toEqual([...made].sort((a, b) => a - b));
    const dues = seen.map((r) => r.slaDueAt);
    const firstNull = dues.indexOf(null);
    expect(firstNull).toBe(56 - 7); // the 7 low-priority tickets have no SLA and come last
    expect(dues.slice(firstNull).every((d) => d === null)).toBe(true);
    const timed = dues.slice(0, firstNull) as string[];
    expect([...timed].sort()).toEqual(timed);
  });

  it("lists breached and breaching-within-an-hour tickets in their views", async () => {
    testClock.freeze(T0);
    await db().delete(tickets);
    const high = await newTicket("high"); // due 11:00 Berlin = 10:00Z
    const normal = await newTicket("normal"); // due 14:00 Berlin
    testClock.freeze(T0.getTime() + 30 * 60_000);
    const soon = await call(queueLoader, getRequest("/desk/views/breaching-soon", agent), { view: "breaching-soon" });
    expect((soon.data as { tickets: Row[] }).tickets.map((t) => t.number)).toEqual([high]);
    testClock.freeze(T0.getTime() + 61 * 60_000);
    const breached = await call(queueLoader, getRequest("/desk/views/breached", agent), { view: "breached" });
    expect((breached.data as { tickets: Row[] }).tickets.map((t) => t.number)).toEqual([high]);
    const counts = (breached.data as { counts: Record<string, number> }).counts;
    expect(counts.breached).toBe(1);
    expect(normal).toBeGreaterThan(high);
  });

  it("shows agents the clocks and the timeline, customers only the promise", async () => {
    testClock.freeze(T0);
    const n = await newTicket("normal", "Promise me");
    await runSlaSweep(db(), new Date(T0.getTime() + 4 * 3600_000 + 1000)); // warning and breach of first response
    testClock.freeze(T0.getTime() + 4 * 3600_000 + 2000);
    const desk = await call(deskTicketLoader, getRequest(`/desk/tickets/${n}`, agent), { number: String(n) });
    const d = desk.data as { sla: { policyName: string; metrics: { metric: string; state: string; dueAt: string | null; businessMinutesRemaining: number | null }[] }; threadHtml: string };
    expect(d.sla.policyName).toBe("Enterprise internal name");
    const fr = d.sla.metrics.find((m) => m.metric === "firstResponse")!;
    expect(fr.state).toBe("breached");
    expect(fr.dueAt).toBe("2026-03-02T13:00:00.000Z");
    // the timeline (server-built HTML) shows both events
    expect(d.threadHtml).toContain("recorded an SLA warning: First response is close to its target");
    expect(d.threadHtml).toContain("recorded an SLA breach: First response missed its target");

    const portal = await call(portalTicketLoader, getRequest(`/portal/tickets/${n}`, alice), { number: String(n) });
    expect(portal.status).toBe(200);
    expect((portal.data as { slaPromise: string }).slaPromise).toBe("We aim to reply within 4 business hours.");
    const json = JSON.stringify(portal.data);
    for (const secret of ["Enterprise internal name", "dueAt", "DueAt", "sla_breach", "sla_warning", "breached", "escalation", "2026-03-02T13:00"]) expect(json).not.toContain(secret);
    const [row] = await db().select().from(tickets).where(eq(tickets.number, n));
    expect(row!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T13:00:00.000Z");
  });
});
