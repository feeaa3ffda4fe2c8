import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMembers, groups, tickets } from "../../db/schema";
import { schema, type Database } from "../../db/client";
import { db, useDatabase as installDatabase } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { loader as queueLoader } from "~/routes/desk/queue";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { deskQueue, deskViewCounts, groupIdsOf, type QueueInput } from "~/modules/tickets/desk.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";
import { testDatabase } from "../support/integration-setup";

// The queue loader reads the agent's groups once and hands them to the counts and the page, and
// sends only the fields a row renders: the same rows, counts and cursor as deskQueue/deskViewCounts
// reading the groups themselves.

let alice: SignedIn, agent: SignedIn, admin: SignedIn;
const rowFields = ["number", "subject", "status", "priority", "tags", "updatedAt", "organizationName", "requesterName", "assigneeName", "snippetHtml", "slaDueAt", "slaWarned"] as const;

beforeAll(async () => {
  testClock.freeze(new Date("2026-11-20T10:00:00Z"));
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada" }));
  const [billing] = await db().insert(groups).values({ name: "Billing" }).returning();
  const [other] = await db().insert(groups).values({ name: "Other team" }).returning();
  await db().insert(groupMembers).values({ groupId: billing!.id, userId: agent.user.id });
  for (let i = 0; i < 60; i++) {
    testClock.freeze(new Date(Date.parse("2026-11-20T10:00:00Z") + i * 60_000));
    const { number } = await createTicketAsCustomer(alice.user, { subject: i % 7 === 0 ? `Invoice export ${i}` : `Login trouble ${i}`, description: i % 3 ? "The export stops" : "Cannot sign in", priority: (["low", "normal", "high", "urgent"] as const)[i % 4], category: null, idempotencyKey: randomUUID(), files: [] });
    const patch =
      i % 5 === 0 ? { groupId: billing!.id } : i % 5 === 1 ? { groupId: other!.id } : i % 5 === 2 ? { assigneeId: agent.user.id, status: "open" as const } : i % 5 === 3 ? { status: "solved" as const, solvedAt: new Date("2026-11-20T12:00:00Z") } : { tags: ["vip"] };
    await db().update(tickets).set(patch).where(eq(tickets.number, number));
  }
  testClock.freeze(new Date("2026-11-20T12:00:00Z"));
});
afterAll(() => testClock.reset());

const cases: { url: string; view: string; input: QueueInput }[] = [
  { url: "/desk", view: "unassigned", input: { view: "unassigned", sort: "due", q: "" } },
  { url: "/desk/views/all-open?sort=updated", view: "all-open", input: { view: "all-open", sort: "updated", q: "" } },
  { url: "/desk/views/my-groups?sort=priority", view: "my-groups", input: { view: "my-groups", sort: "priority", q: "" } },
  { url: "/desk/views/all-open?q=export", view: "all-open", input: { view: "all-open", sort: "due", q: "export" } },
  { url: "/desk/views/custom?status=solved&status=open&sort=created", view: "custom", input: { view: null, filters: { status: ["solved", "open"] }, sort: "created", q: "" } },
];

describe("desk queue loader", () => {
  for (const who of ["agent", "admin"] as const) {
    it(`shows ${who}s the rows, counts and cursor the queue functions give`, async () => {
      const as = who === "agent" ? agent : admin;
      for (const c of cases) {
        const res = await call(queueLoader, getRequest(c.url, as), c.view === "unassigned" ? {} : { view: c.view });
        expect(res.status).toBe(200);
        const data = res.data as { tickets: Record<string, unknown>[]; nextCursor: string | null; counts: Record<string, number>; movableGroupIds: string[] | null };
        const expected = await deskQueue(as.user, c.input);
        // (an admin is in no group: "my groups" is empty for them)
        if (c.view !== "my-groups" || who === "agent") expect(data.tickets.length).toBeGreaterThan(0);
        expect(data.tickets).toEqual(expected.tickets.map((t) => Object.fromEntries(rowFields.map((f) => [f, t[f]]))));
        for (const row of data.tickets) expect(Object.keys(row).sort()).toEqual([...rowFields].sort());
        expect(data.nextCursor).toBe(expected.nextCursor);
        expect(data.counts).toEqual(await deskViewCounts(as.user));
        expect(data.movableGroupIds).toEqual(who === "admin" ? null : await groupIdsOf(as.user.id));
      }
    });
  }

  it("pages through a view with the cursor as before", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(queueLoader, getRequest(`/desk/views/all-open?sort=updated${cursor ? `&cursor=${cursor}` : ""}`, admin), { view: "all-open" });
      const data = res.data as { tickets: { number: number }[]; nextCursor: string | null };
      seen.push(...data.tickets.map((t) => t.number));
      cursor = data.nextCursor;
    } while (cursor);
    const counts = await deskViewCounts(admin.user);
    expect(seen.length).toBe(counts["all-open"]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("reads the agent's groups once per page", async () => {
    const statements = await recordStatements(async () => {
      expect((await call(queueLoader, getRequest("/desk", agent))).status).toBe(200);
    });
    expect(statements.filter((s) => /from "group_members"/.test(s) && !/"sessions"/.test(s))).toHaveLength(1);
  });
});

/** Runs `fn` with the app's database handle wrapped in a Drizzle logger that records each statement. */
async function recordStatements(fn: () => Promise<void>): Promise<string[]> {
  const statements: string[] = [];
  const logger: Logger = { logQuery: (query) => void statements.push(query) };
  const handle = testDatabase();
  let recording: Database;
  let close = async () => {};
  if (handle.pglite) {
    const { drizzle } = await import("drizzle-orm/pglite");
    recording = drizzle(handle.pglite, { schema, casing: "snake_case", logger }) as unknown as Database;
  } else {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(handle.url!, { max: 2, onnotice: () => {} });
    recording = drizzle(client, { schema, casing: "snake_case", logger }) as unknown as Database;
    close = () => client.end({ timeout: 5 });
  }
  installDatabase({ ...handle, db: recording });
  try {
    await fn();
  } finally {
    installDatabase(handle);
    await close();
  }
  return statements;
}
