import { sql } from "drizzle-orm";
import { ticketEvents, tickets } from "../../../db/schema";
import { db, rowsOf, type Database } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { AUTO_CLOSE_AFTER_MS } from "./model";
import { emitStatusChanges } from "../webhooks/emit.server";

const BATCH = 500;

/**
 * Closes tickets solved more than AUTO_CLOSE_AFTER_MS ago (by the app clock): one set-based
 * statement per batch that closes the tickets and writes one ticket_events row each
 * (solved → closed, no actor). Rows locked by someone else are skipped and closed next run,
 * so several workers can run it at once. Returns how many tickets were closed.
 */
export async function autoCloseSolvedTickets(database: Database = db()): Promise<number> {
  let total = 0;
  for (let round = 0; round < 100; round++) {
    const at = now();
    const cutoff = new Date(at.getTime() - AUTO_CLOSE_AFTER_MS);
    const atIso = at.toISOString();
    const n = await database.transaction(async (tx) => {
      const result = await tx.execute(sql`
      with due as (
        select id from ${tickets}
        where status = 'solved' and coalesce(solved_at, updated_at) <= ${cutoff.toISOString()}::timestamptz
        order by id
        limit ${BATCH}
        for update skip locked
      ), closed as (
        update ${tickets} t
        set status = 'closed', closed_at = ${atIso}::timestamptz, updated_at = ${atIso}::timestamptz, version = t.version + 1
        from due where t.id = due.id
        returning t.id
      )
      insert into ${ticketEvents} (ticket_id, actor_id, at, type, data)
      select id, null, ${atIso}::timestamptz, 'status', ${JSON.stringify({ from: "solved", to: "closed", reason: "auto_close" })}::jsonb
      from closed
      returning ticket_id`);
      const closed = rowsOf<{ ticket_id: string }>(result).map((r) => r.ticket_id);
      // Outgoing webhooks in the same transaction (one subscriber check per batch).
      await emitStatusChanges(tx, closed, "solved", "closed");
      return closed.length;
    });
    total += n;
    if (n < BATCH) break;
  }
  return total;
}
