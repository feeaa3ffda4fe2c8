// The help-center search log written off the response's path (app/modules/kb/search-log.server.ts):
// queued rows, one insert per batch, the timer, the batch size, shutdown, and failures.
import { eq, type SQLWrapper } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { kbSearches, users } from "../../db/schema";
import { db, useDatabase } from "~/lib/db.server";
import { stopRuntime } from "~/server/runtime.server";
import { testClock } from "~/lib/clock";
import { kbAnalytics } from "~/modules/kb/deflection.server";
import { flushSearchLog, logSearch, pendingSearchLogRows, SEARCH_LOG_BATCH, SEARCH_LOG_FLUSH_MS } from "~/modules/kb/search-log.server";
import { loader as searchLoader } from "~/routes/help/search";
import { createKbArticle } from "../../db/seed/kb";
import { createUser } from "../support/factories";
import { testDatabase } from "../support/integration-setup";
import { call, getRequest } from "../support/requests";

let customer: { id: string; role: "customer" };

beforeAll(async () => {
  customer = { id: (await createUser(db(), { role: "customer" })).id, role: "customer" };
  await createKbArticle(db(), { slug: "export-csv", title: "Export to CSV", body: "Export a report as CSV." });
});

afterEach(async () => {
  vi.restoreAllMocks();
  testClock.reset();
  await flushSearchLog();
  await db().delete(kbSearches);
});

const dialect = new PgDialect();
const textOf = (query: unknown) => (typeof query === "string" ? query : dialect.sqlToQuery((query as SQLWrapper).getSQL()).sql);

const logged = async () => (await db().select().from(kbSearches).orderBy(kbSearches.id)).map((r) => ({ normalized: r.normalized, resultCount: r.resultCount, userId: r.userId }));

/** Counts the statements sent to the database while `fn` runs (including flushes it starts). */
async function statementsDuring(fn: () => Promise<void>): Promise<string[]> {
  const handle = db();
  const seen: string[] = [];
  const execute = handle.execute.bind(handle);
  vi.spyOn(handle, "execute").mockImplementation(((query: Parameters<typeof execute>[0]) => {
    seen.push(textOf(query));
    return execute(query);
  }) as typeof execute);
  await fn();
  return seen;
}

describe("search log", () => {
  it("answers the search before the row is written, and writes it on flush", async () => {
    const res = await call(searchLoader, getRequest("/help/search?q=export"));
    expect(res.status).toBe(200);
    expect(pendingSearchLogRows()).toBe(1);
    expect(await logged()).toEqual([]);
    await flushSearchLog();
    expect(pendingSearchLogRows()).toBe(0);
    expect(await logged()).toEqual([{ normalized: "export", resultCount: 1, userId: null }]);
  });

  it("writes queued searches in one insert, each with the instant of its search", async () => {
    testClock.freeze(new Date("2026-03-01T10:00:00Z"));
    logSearch(customer, "Quantum  Flux", 0);
    testClock.freeze(new Date("2026-03-01T10:00:05Z"));
    logSearch(null, "invoice", 3);
    logSearch(null, "   ", 0); // nothing to log
    const statements = await statementsDuring(() => flushSearchLog());
    expect(statements.filter((s) => /insert into kb_searches/i.test(s))).toHaveLength(1);
    const rows = await db().select().from(kbSearches).orderBy(kbSearches.createdAt);
    expect(rows.map((r) => [r.query, r.normalized, r.resultCount, r.userId, r.createdAt.toISOString()])).toEqual([
      ["Quantum  Flux", "quantum flux", 0, customer.id, "2026-03-01T10:00:00.000Z"],
      ["invoice", "invoice", 3, null, "2026-03-01T10:00:05.000Z"],
    ]);
  });

  it("flushes by itself after SEARCH_LOG_FLUSH_MS", async () => {
    logSearch(null, "timer test", 0);
    await new Promise((r) => setTimeout(r, SEARCH_LOG_FLUSH_MS + 300));
    expect(await logged()).toEqual([{ normalized: "timer test", resultCount: 0, userId: null }]);
  });

  it("starts a write as soon as SEARCH_LOG_BATCH rows wait", async () => {
    for (let i = 0; i < SEARCH_LOG_BATCH; i++) logSearch(null, `batch ${i}`, i);
    expect(pendingSearchLogRows()).toBe(0);
    await flushSearchLog(); // waits for the write under way
    expect(await logged()).toHaveLength(SEARCH_LOG_BATCH);
  });

  it("logs the search of an account deleted before the write as anonymous", async () => {
    const gone = await createUser(db(), { role: "customer" });
    logSearch({ id: gone.id, role: "customer" }, "orphan", 0);
    await db().delete(users).where(eq(users.id, gone.id));
    await flushSearchLog();
    expect(await logged()).toEqual([{ normalized: "orphan", resultCount: 0, userId: null }]);
  });

  it("keeps searching when the write fails, and writes the rows with the next flush", async () => {
    const handle = db();
    const execute = handle.execute.bind(handle);
    let failures = 0;
    vi.spyOn(handle, "execute").mockImplementation(((query: Parameters<typeof execute>[0]) => {
      if (/insert into kb_searches/i.test(textOf(query)) && failures++ === 0) return Promise.reject(new Error("database away"));
      return execute(query);
    }) as typeof execute);
    const res = await call(searchLoader, getRequest("/help/search?q=export"));
    expect(res.status).toBe(200);
    await flushSearchLog(); // fails: logged, the row stays queued
    expect(failures).toBe(1);
    expect(pendingSearchLogRows()).toBe(1);
    expect(await logged()).toEqual([]);
    const again = await call(searchLoader, getRequest("/help/search?q=csv"));
    expect(again.status).toBe(200);
    await flushSearchLog();
    expect((await logged()).map((r) => r.normalized).sort()).toEqual(["csv", "export"]);
  });

  it("is written at shutdown, before the database closes", async () => {
    const order: string[] = [];
    const real = testDatabase();
    const handle = db();
    const execute = handle.execute.bind(handle);
    vi.spyOn(handle, "execute").mockImplementation(((query: Parameters<typeof execute>[0]) => {
      order.push(textOf(query).trim().split(/\s+/).slice(0, 3).join(" "));
      return execute(query);
    }) as typeof execute);
    // stopRuntime closes the handle it finds: hand it one whose close only records the moment.
    useDatabase({ ...real, db: handle, close: async () => void order.push("close") });
    logSearch(null, "last words", 0);
    try {
      await stopRuntime();
    } finally {
      useDatabase(real);
    }
    expect(order).toEqual(["insert into kb_searches", "close"]);
    expect(await logged()).toEqual([{ normalized: "last words", resultCount: 0, userId: null }]);
  });

  it("drops a row after a second failed write instead of retrying forever", async () => {
    const handle = db();
    vi.spyOn(handle, "execute").mockImplementation((() => Promise.reject(new Error("database away"))) as unknown as typeof handle.execute);
    logSearch(null, "doomed", 0);
    await flushSearchLog();
    expect(pendingSearchLogRows()).toBe(1);
    await flushSearchLog();
    expect(pendingSearchLogRows()).toBe(0);
    vi.restoreAllMocks();
    expect(await logged()).toEqual([]);
  });

  it("feeds the no-result analytics once written", async () => {
    await call(searchLoader, getRequest("/help/search?q=teleporter"));
    await call(searchLoader, getRequest("/help/search?q=Teleporter", null));
    await flushSearchLog();
    const analytics = await kbAnalytics();
    expect(analytics.noResults[0]).toMatchObject({ searches: 2 });
    expect(analytics.noResults[0]!.query.toLowerCase()).toBe("teleporter");
  });
});
