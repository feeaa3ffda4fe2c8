// db/client.ts on Postgres: Drizzle's statements go out as named (prepared) statements, one round
// trip each after a connection's first use of a text, and are still planned with their parameters
// on every execution (plan_cache_mode = force_custom_plan).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase, rowsOf } from "../../db/client";

const url = process.env.DATABASE_URL;

describe.skipIf(!url)("Drizzle on postgres.js: named statements", () => {
  it("prepares a parameterized statement once per connection, inside transactions too, and plans it per execution", async () => {
    // One connection, so every statement below runs in the same session.
    const handle = await createDatabase({ url: url!, max: 1 });
    try {
      const { db } = handle;
      for (const n of [1, 2, 3]) {
        const [row] = rowsOf<{ v: number }>(await db.execute(sql`select ${n}::int + 40 as v`));
        expect(Number(row!.v)).toBe(n + 40);
      }
      await db.transaction(async (tx) => {
        await tx.execute(sql`select ${"in a transaction"}::text as t`);
        await tx.transaction(async (inner) => {
          await inner.execute(sql`select ${"in a savepoint"}::text as s`);
        });
      });

      const prepared = rowsOf<{ statement: string }>(await db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
      // One entry for the three executions of the first text: prepared once, reused.
      expect(prepared.filter((s) => s.includes("::int + 40 as v"))).toHaveLength(1);
      expect(prepared.some((s) => s.includes("::text as t"))).toBe(true);
      expect(prepared.some((s) => s.includes("::text as s"))).toBe(true);

      const [mode] = rowsOf<{ plan_cache_mode: string }>(await db.execute(sql`show plan_cache_mode`));
      expect(mode!.plan_cache_mode).toBe("force_custom_plan");
    } finally {
      await handle.close();
    }
  });
});
