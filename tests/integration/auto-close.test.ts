import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobSchedules, ticketEvents, tickets } from "../../db/schema";
import { testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { createJobRunner } from "~/modules/jobs/runner.server";
import { autoCloseSolvedTickets } from "~/modules/tickets/auto-close.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import { AUTO_CLOSE_TASK } from "~/modules/tickets/jobs.server";
import { AUTO_CLOSE_AFTER_MS } from "~/modules/tickets/model";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { testDatabase } from "../support/integration-setup";
import type { Actor } from "~/modules/auth/permissions";

let customer: Actor;
let agent: Actor;

beforeEach(async () => {
  await testDatabase().truncateAll();
  testClock.freeze(new Date("2026-03-02T09:00:00Z"));
  const org = await createOrganization(db(), { name: "Acme" });
  customer = await createUser(db(), { role: "customer", organizationId: org.id, password: null });
  agent = await createUser(db(), { role: "agent", password: null });
});

afterEach(() => testClock.reset());

async function solvedTicket(): Promise<{ id: string; number: number }> {
  const { number } = await createTicketAsCustomer(customer, { subject: "Old issue", description: "Something broke.", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });
  const [t] = await db().select().from(tickets).where(eq(tickets.number, number));
  await updateTicketAsAgent(agent, number, { version: t!.version, status: "solved" });
  return { id: t!.id, number };
}

async function ticket(id: string) {
  const [t] = await db().select().from(tickets).where(eq(tickets.id, id));
  return t!;
}

describe("auto-close", () => {
  it("closes tickets solved 7 days ago, with a timeline event and no actor", async () => {
    const old = await solvedTicket();
    testClock.advance(24 * 60 * 60_000);
    const newer = await solvedTicket();
    const { number: openNumber } = await createTicketAsCustomer(customer, { subject: "Still open", description: "Not solved yet.", priority: "normal", category: null, idempotencyKey: randomUUID(), files: [] });

    // One minute short of 7 days after the first solve: nothing closes.
    testClock.advance(AUTO_CLOSE_AFTER_MS - 24 * 60 * 60_000 - 60_000);
    expect(await autoCloseSolvedTickets()).toBe(0);
    expect((await ticket(old.id)).status).toBe("solved");

    testClock.advance(60_000);
    const versionBefore = (await ticket(old.id)).version;
    expect(await autoCloseSolvedTickets()).toBe(1);
    const closed = await ticket(old.id);
    expect(closed).toMatchObject({ status: "closed", version: versionBefore + 1 });
    expect(closed.closedAt?.toISOString()).toBe("2026-03-09T09:00:00.000Z");
    expect(closed.updatedAt.toISOString()).toBe("2026-03-09T09:00:00.000Z");
    const events = await db().select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, old.id), eq(ticketEvents.type, "status")));
    expect(events.at(-1)).toMatchObject({ actorId: null, data: { from: "solved", to: "closed", reason: "auto_close" } });
    expect(events.at(-1)!.at.toISOString()).toBe("2026-03-09T09:00:00.000Z");
    expect((await ticket(newer.id)).status).toBe("solved");
    const [open] = await db().select().from(tickets).where(eq(tickets.number, openNumber));
    expect(open!.status).toBe("new");

    // Running again changes nothing (no second event).
    expect(await autoCloseSolvedTickets()).toBe(0);
    expect(await db().select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, old.id), eq(ticketEvents.type, "status")))).toHaveLength(events.length);
  });

  it("runs as a registered periodic task of the job runner", async () => {
    const t = await solvedTicket();
    testClock.advance(AUTO_CLOSE_AFTER_MS + 1);
    const runner = createJobRunner({ outbox: false, id: "auto-close-test" });
    await runner.tick();
    expect((await ticket(t.id)).status).toBe("closed");
    const [schedule] = await db().select().from(jobSchedules).where(eq(jobSchedules.name, AUTO_CLOSE_TASK));
    expect(schedule!.runs).toBe(1);
    expect(schedule!.lastError).toBeNull();
  });
});
