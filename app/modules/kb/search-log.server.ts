/**
 * The help-center search log (`kb_searches`, read by the /desk/kb analytics), written off the
 * response's path: a search queues its row here and answers at once; the rows are written in one
 * insert a second later (SEARCH_LOG_FLUSH_MS), as soon as SEARCH_LOG_BATCH rows wait, and at
 * shutdown (stopRuntime). Each row keeps the instant of its search (the app clock), not of the
 * write, so the analytics' time windows are exact. A failed write is logged and retried once with
 * the next flush; the search itself never waits for it nor fails with it.
 */
import { sql } from "drizzle-orm";
import { runDeferred } from "../../../db/client";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { errorFields, log } from "~/lib/log.server";
import { normalizeQuery, stripControl } from "./search-text";
import type { KbReader } from "./visibility";

/** At most this long between a search and its row being written. */
export const SEARCH_LOG_FLUSH_MS = 1000;
/** A flush starts as soon as this many rows wait. */
export const SEARCH_LOG_BATCH = 100;
/** Rows kept while writes fail (the database away); older ones are dropped, with a warning. */
export const SEARCH_LOG_MAX_PENDING = 10_000;

interface PendingSearch {
  query: string;
  normalized: string;
  resultCount: number;
  userId: string | null;
  createdAt: string;
  /** Writes that failed for this row so far. */
  attempts: number;
}

// On globalThis, like the database handle: a dev-server reload keeps the queue (and its timer).
const state = ((globalThis as { __kbSearchLog?: { rows: PendingSearch[]; timer?: NodeJS.Timeout; writing: Set<Promise<void>> } }).__kbSearchLog ??= {
  rows: [],
  writing: new Set(),
});

/**
 * Queues a search run on /help/search for the log (analytics: the no-result searches are the
 * articles to write next). Returns at once; never throws.
 */
export function logSearch(reader: KbReader, query: string, resultCount: number): void {
  try {
    const normalized = normalizeQuery(query);
    if (!normalized) return;
    state.rows.push({ query: stripControl(query).slice(0, 200), normalized, resultCount, userId: reader?.id ?? null, createdAt: now().toISOString(), attempts: 0 });
    if (state.rows.length > SEARCH_LOG_MAX_PENDING) {
      const dropped = state.rows.splice(0, state.rows.length - SEARCH_LOG_MAX_PENDING);
      log("warn", "search log full: oldest rows dropped", { dropped: dropped.length });
    }
    if (state.rows.length >= SEARCH_LOG_BATCH) void startFlush();
    else state.timer ??= setTimeout(() => void startFlush(), SEARCH_LOG_FLUSH_MS).unref();
  } catch (error) {
    log("error", "search log: could not queue a search", errorFields(error));
  }
}

/** Rows queued and not yet written (nor being written). */
export function pendingSearchLogRows(): number {
  return state.rows.length;
}

/**
 * Writes every queued row now and waits for that and for writes already under way (shutdown,
 * tests that read kb_searches right after a search). Never rejects: a failure is logged and the
 * rows stay queued for one more try.
 */
export async function flushSearchLog(): Promise<void> {
  const write = startFlush();
  await Promise.all([write, ...state.writing]);
}

function startFlush(): Promise<void> {
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = undefined;
  }
  const rows = state.rows.splice(0, state.rows.length);
  if (!rows.length) return Promise.resolve();
  const write = writeRows(rows).finally(() => state.writing.delete(write));
  state.writing.add(write);
  return write;
}

async function writeRows(rows: PendingSearch[]): Promise<void> {
  try {
    // One statement whatever the number of rows (one parameter, one plan). A searcher's account
    // deleted meanwhile logs the search as anonymous, as the foreign key's "set null" would have.
    const payload = JSON.stringify(rows.map((r) => ({ query: r.query, normalized: r.normalized, result_count: r.resultCount, user_id: r.userId, created_at: r.createdAt })));
    // (awaited inside: Drizzle sends a statement when it is awaited, and that must be in runDeferred)
    await runDeferred(async () => {
      await db().execute(sql`
        insert into kb_searches (query, normalized, result_count, user_id, created_at)
        select r.query, r.normalized, r.result_count, u.id, r.created_at
        from json_to_recordset(${payload}::json) as r(query text, normalized text, result_count int, user_id uuid, created_at timestamptz)
          left join users u on u.id = r.user_id`);
    });
  } catch (error) {
    const retry = rows.filter((r) => ++r.attempts < 2);
    log("error", "search log: write failed", { rows: rows.length, retried: retry.length, ...errorFields(error) });
    if (retry.length) {
      state.rows.unshift(...retry);
      state.timer ??= setTimeout(() => void startFlush(), SEARCH_LOG_FLUSH_MS).unref();
    }
  }
}
