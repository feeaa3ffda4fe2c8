import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { groupMembers, groups, ticketMessages, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { createOrganization, createUser } from "../support/factories";
import { fetchApp } from "../support/app-server";
import { signInAs, url, type SignedIn } from "../support/requests";

/** Two agents saving one ticket at once, through the whole application: one conflict, nothing lost. */
function save(number: number, fields: Record<string, string>, as: SignedIn) {
  return fetchApp(
    new Request(url(`/desk/tickets/${number}`), {
      method: "POST",
      body: new URLSearchParams({ intent: "save", visibility: "public", ...fields }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test", cookie: as.cookie },
    }),
  );
}

describe.skipIf(!process.env.DATABASE_URL)("two agents save one ticket at once (Postgres; see docs/security.md for PGlite)", () => {
  it("one wins, the other gets 409 with the fresh ticket and keeps the reply they typed", async () => {
    const org = await createOrganization(db());
    const requester = await createUser(db(), { organizationId: org.id });
    const [group] = await db().insert(groups).values({ name: "Concurrency" }).returning();
    const a = await createUser(db(), { role: "agent", name: "Agent A" });
    const b = await createUser(db(), { role: "agent", name: "Agent B" });
    await db().insert(groupMembers).values([{ groupId: group!.id, userId: a.id }, { groupId: group!.id, userId: b.id }]);
    const [ticket] = await db()
      .insert(tickets)
      .values({ organizationId: org.id, requesterId: requester.id, groupId: group!.id, subject: "Race", status: "open", priority: "normal", channel: "web" })
      .returning();
    const [sa, sb] = await Promise.all([signInAs(a), signInAs(b)]);
    const version = String(ticket!.version);
    const [ra, rb] = await Promise.all([
      save(ticket!.number, { version, body: "Reply typed by agent A", priority: "high" }, sa!),
      save(ticket!.number, { version, body: "Reply typed by agent B", priority: "low" }, sb!),
    ]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([302, 409]);
    const loser = ra.status === 409 ? { res: ra, text: "Reply typed by agent A" } : { res: rb, text: "Reply typed by agent B" };
    const winner = ra.status === 409 ? { priority: "low", text: "Reply typed by agent B" } : { priority: "high", text: "Reply typed by agent A" };
    const page = await loser.res.text();
    expect(page).toContain("Someone else changed this ticket");
    expect(page, "the loser's reply stays in the form").toContain(loser.text);
    // The winner's change and reply are stored once; the loser's are not (they resubmit).
    const [after] = await db().select().from(tickets).where(eq(tickets.id, ticket!.id));
    expect(after!.version).toBe(ticket!.version + 1);
    expect(after!.priority).toBe(winner.priority);
    const messages = await db().select({ body: ticketMessages.body }).from(ticketMessages).where(eq(ticketMessages.ticketId, ticket!.id));
    expect(messages.map((m) => m.body)).toEqual([winner.text]);
  });
});
