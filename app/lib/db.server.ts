import { createDatabase, type Database, type DatabaseHandle } from "../../db/client";
import { env } from "./env.server";

export type { Database, Executor } from "../../db/client";
export { rowsOf } from "../../db/client";

// Kept on globalThis so a dev-server module reload does not lose (or reopen) the handle.
const state = ((globalThis as { __portalDatabase?: { handle?: DatabaseHandle; opening?: Promise<DatabaseHandle> } }).__portalDatabase ??= {});

/** Opens the process's one database handle (postgres.js for DATABASE_URL, else PGlite). */
export async function openDatabase(): Promise<DatabaseHandle> {
  if (state.handle) return state.handle;
  state.opening ??= (async () => {
    const e = env();
    const h = await createDatabase(
      e.DATABASE_URL ? { url: e.DATABASE_URL } : { dataDir: e.PGLITE_DIR },
    );
    state.handle = h;
    return h;
  })();
  return state.opening;
}

/** The open database. Loaders and actions run only after start-up opened it. */
export function db(): Database {
  if (!state.handle) throw new Error("The database is not open yet (openDatabase() was not called)");
  return state.handle.db;
}

export function databaseHandle(): DatabaseHandle {
  if (!state.handle) throw new Error("The database is not open yet");
  return state.handle;
}

/** Tests install their own handle (a PGlite copy of the migrated template, or Postgres). */
export function useDatabase(h: DatabaseHandle | undefined): void {
  state.handle = h;
  state.opening = h ? Promise.resolve(h) : undefined;
}

export async function closeDatabase(): Promise<void> {
  const h = state.handle;
  state.handle = undefined;
  state.opening = undefined;
  await h?.close();
}
