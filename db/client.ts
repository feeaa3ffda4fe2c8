import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import type { PGlite } from "@electric-sql/pglite";
import type { ParameterOrJSON, Sql, UnsafeQueryOptions } from "postgres";
import type { PgDatabase, PgDialect, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type the application sees, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A database handle or an open transaction: functions that write take either. */
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Applies the committed SQL migrations (safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Runs `select 1` with a short timeout; resolves false when the database does not answer. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite only: the underlying instance (dump/restore, template copies in tests). */
  pglite?: PGlite;
}

export interface DatabaseOptions {
  /** postgres://… ; when absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory; "memory://" keeps it in memory. */
  dataDir?: string;
  /** A PGlite data dump to start from (test templates). */
  loadDataDir?: Blob | File;
  migrationsFolder?: string;
  /** postgres.js pool size. */
  max?: number;
  logger?: boolean;
}

const deferredWork = new AsyncLocalStorage<true>();

/**
 * Runs work that no response waits for (the help-center search log's batched insert): the bench
 * capture marks its statements `"deferred": true`, so they are not counted as, nor replayed as,
 * the statements of whichever page was being captured when they ran. `fn` must await its
 * statements itself: Drizzle sends a statement when it is awaited, not when it is built.
 */
export function runDeferred<T>(fn: () => T): T {
  // Only while capturing: an AsyncLocalStorage, once entered, adds work to every promise.
  return process.env.BENCH_CAPTURE_SQL ? deferredWork.run(true, fn) : fn();
}

/**
 * `BENCH_CAPTURE_SQL=<file>` (bench only, opt-in): every statement Drizzle sends is appended to
 * the file as a JSON line `{ "query", "params" }` (with `"deferred": true` inside runDeferred),
 * so `npm run bench` can replay the very SQL of a page in its baseline, EXPLAIN it and count
 * round trips (see bench/run.ts).
 */
function captureLogger(): { logQuery(query: string, params: unknown[]): void } | undefined {
  const file = process.env.BENCH_CAPTURE_SQL;
  if (!file) return undefined;
  return {
    logQuery(query, params) {
      appendFileSync(file, JSON.stringify(deferredWork.getStore() ? { query, params, deferred: true } : { query, params }) + "\n");
    },
  };
}

export const defaultMigrationsFolder = () => process.env.MIGRATIONS_DIR ?? resolve(process.cwd(), "db/migrations");

const MIGRATION_LOCK = 7_345_221_001;

/**
 * postgres.js with named (prepared) statements for Drizzle's queries. Drizzle passes
 * `prepare: false` for every query not named with `.prepare(name)`, and postgres.js then sends a
 * parameterized statement in two round trips: Parse/Describe to learn the parameter types, then
 * Bind/Execute. Named, postgres.js keeps the statement per connection (by its text and parameter
 * types) and sends Bind/Execute alone from the second use on: one round trip per statement, as a
 * tagged template or a bare `sql.unsafe` gets. The plans do not change: the connections run with
 * `plan_cache_mode = force_custom_plan`, so a prepared statement is planned with its parameters
 * on every execution like an unnamed one (the help search depends on it: a common word walks the
 * recent-articles index, a rare one uses the GIN index). A connection's statements go with it
 * (postgres.js retires connections after 30–60 minutes), and the distinct texts are those the
 * code builds. Transactions and savepoints get the same treatment.
 */
function withNamedStatements<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: ParameterOrJSON<never>[], queryOptions?: UnsafeQueryOptions) => target.unsafe(query, params, { ...queryOptions, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        const original = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const callback = args.pop() as (scoped: Sql) => unknown;
          return original.apply(target, [...args, (scoped: Sql) => callback(withNamedStatements(scoped))]);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export async function createDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  if (options.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      idle_timeout: 60,
      // While the server is away, wait at most a second between reconnects (postgres.js grows the
      // wait to 20 s by default): requests fail fast with a 503 instead of hanging, and the pool
      // is back within a second of the server.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
      // Prepared statements are still planned with their parameters on every execution, as
      // unnamed ones are (see withNamedStatements).
      connection: { plan_cache_mode: "force_custom_plan" },
    });
    const db = drizzle(withNamedStatements(client), { schema, casing: "snake_case", logger: captureLogger() ?? options.logger }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      async migrate() {
        // One connection holds a session advisory lock while migrating, so a web process and
        // a worker starting together never apply the same migration twice.
        const lockClient = postgres(options.url!, { max: 1, onnotice: () => {}, connect_timeout: 5 });
        try {
          await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`;
          const { migrate } = await import("drizzle-orm/postgres-js/migrator");
          await migrate(drizzle(lockClient, { casing: "snake_case" }), { migrationsFolder });
          await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`;
        } finally {
          await lockClient.end({ timeout: 5 });
        }
      },
      ping: (timeoutMs = 2000) => pingWith(db, timeoutMs),
      close: () => client.end({ timeout: 5 }),
    };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? "memory://";
  if (!dataDir.startsWith("memory://") && !dataDir.startsWith("idb://")) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  const db = drizzle(pglite, { schema, casing: "snake_case", logger: captureLogger() ?? options.logger }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    pglite,
    async migrate() {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      await migrate(db as never, { migrationsFolder });
    },
    ping: (timeoutMs = 2000) => pingWith(db, timeoutMs),
    close: () => pglite.close(),
  };
}

async function pingWith(db: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    });
    const query = db.execute(sql`select 1`).then(
      () => true,
      () => false,
    );
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `db.execute()` answers `{ rows }` on PGlite and an array on postgres.js: this reads both. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A raw statement built once (per database) and run with new values each time: `build` writes it
 * with `sql.placeholder(name)` where values go, and the function returned runs it with
 * `{ name: value }` and answers its rows. For a long statement composed of many `sql` fragments
 * (the help search's), Drizzle's query building is most of its JavaScript cost and allocation —
 * ~65 KB per search, rebuilt on every call (docs/performance.md, "Express and the GC tail").
 * It is the same prepared query Drizzle runs for `db.execute()`: logged (the bench capture),
 * a named statement on postgres.js, planned per execution.
 */
export function compiledStatement<T>(build: () => SQL): (database: Database, values: Record<string, unknown>) => Promise<T[]> {
  const perSession = new WeakMap<object, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  return async (database, values) => {
    const session = database._.session;
    let prepared = perSession.get(session);
    if (!prepared) {
      const dialect = (database as unknown as { dialect: PgDialect }).dialect;
      prepared = session.prepareQuery(dialect.sqlToQuery(build()), undefined, undefined, false);
      perSession.set(session, prepared);
    }
    return rowsOf<T>(await prepared.execute(values));
  };
}

export { schema };
