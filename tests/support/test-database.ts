import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../db/client";
import { cloneDatabase, dropDatabase, withDatabase } from "./postgres";

export interface TestDatabase extends DatabaseHandle {
  /** The connection URL (Postgres only), for a second process or pool on the same database. */
  url?: string;
  /** Empties every table (11 ms on PGlite) between tests that need a clean slate. */
  truncateAll(): Promise<void>;
  destroy(): Promise<void>;
}

/** A fresh, migrated database for one test file: a PGlite copy of the template, or a
 * Postgres database cloned from the template database when DATABASE_URL is set. */
export async function openTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const kind = inject("dbKind");
  const template = inject("dbTemplate");
  let handle: DatabaseHandle;
  let url: string | undefined;
  let cleanup = async () => {};
  if (kind === "postgres") {
    const base = process.env.DATABASE_URL!;
    const name = await cloneDatabase(base, template);
    url = withDatabase(base, name);
    handle = await createDatabase({ url, max: options.max ?? 5 });
    cleanup = () => dropDatabase(base, name);
  } else {
    const blob = new Blob([readFileSync(template)]);
    handle = await createDatabase({ dataDir: "memory://", loadDataDir: blob });
  }
  return {
    ...handle,
    url,
    async truncateAll() {
      const { sql } = await import("drizzle-orm");
      const { rowsOf } = await import("../../db/client");
      const tables = rowsOf<{ tablename: string }>(
        await handle.db.execute(
          sql`select tablename from pg_tables where schemaname = 'public' and tablename not like '%drizzle%'`,
        ),
      );
      if (tables.length === 0) return;
      await handle.db.execute(
        sql.raw(`truncate ${tables.map((t) => `"${t.tablename}"`).join(", ")} restart identity cascade`),
      );
    },
    async destroy() {
      await handle.close();
      await cleanup();
    },
  };
}
