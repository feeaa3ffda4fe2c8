// db/client.ts compiledStatement: a raw statement built once per database, run with new values.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { compiledStatement, createDatabase } from "../../db/client";

describe("compiledStatement", () => {
  it("builds the statement once per database and runs it with each call's values, on either driver", async () => {
    let builds = 0;
    const run = compiledStatement<{ n: number; label: string }>(() => {
      builds++;
      return sql`select ${sql.placeholder("a")}::int + 1 as n, ${sql.placeholder("label")}::text as label`;
    });
    const url = process.env.DATABASE_URL;
    const logged: unknown[][] = [];
    const handles = [await createDatabase({ dataDir: "memory://" }), ...(url ? [await createDatabase({ url, max: 1 })] : [])];
    try {
      for (const { db } of handles) {
        // The logger sees every execution with its values (the bench's SQL capture relies on it).
        const logger = (db as unknown as { _: { session: { logger: { logQuery(q: string, p: unknown[]): void } } } })._.session.logger;
        const original = logger.logQuery.bind(logger);
        logger.logQuery = (query, params) => {
          logged.push(params);
          original(query, params);
        };
        expect((await run(db, { a: 1, label: "one" })).map((r) => [Number(r.n), r.label])).toEqual([[2, "one"]]);
        expect((await run(db, { a: 41, label: "<b>two</b>" })).map((r) => [Number(r.n), r.label])).toEqual([[42, "<b>two</b>"]]);
      }
      expect(builds).toBe(handles.length);
      expect(logged).toEqual(handles.flatMap(() => [[1, "one"], [41, "<b>two</b>"]]));
    } finally {
      for (const h of handles) await h.close();
    }
  });
});
