// Sweep benchmark on PostgreSQL: run `DATABASE_URL=postgres://… npx tsx bench/sla-sweep.bench.ts`.
// Builds throw-away databases with 10k and 100k open tickets (timers armed in the future), times a
// sweep with nothing new, then with 1k new breaches. Prints ms; nothing asserts on speed.
import { sql } from "drizzle-orm";
import { createDatabase } from "../db/client";
import { dropDatabase, uniqueName, withDatabase } from "../tests/support/postgres";
import { runSlaSweep } from "../app/modules/sla/sweep.server";
import postgres from "postgres";

const base = process.env.DATABASE_URL;
if (!base) {
  console.log("Set DATABASE_URL to a PostgreSQL server (the sweep benchmark needs real Postgres).");
  process.exit(0);
}

async function median(fn: () => Promise<unknown>, rounds = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)]!;
}

async function scenario(open: number) {
  const name = uniqueName("sla_bench");
  const admin = postgres(withDatabase(base!, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const handle = await createDatabase({ url: withDatabase(base!, name), max: 4 });
  try {
    await handle.migrate();
    const db = handle.db;
    const now = new Date("2026-03-02T12:00:00Z");
    await db.execute(sql`insert into organizations (id, name, plan) values ('00000000-0000-0000-0000-000000000001', 'Bench', 'enterprise')`);
    await db.execute(sql`insert into users (id, email, name, role, organization_id) values ('00000000-0000-0000-0000-000000000002', 'b@bench.test', 'B', 'customer', '00000000-0000-0000-0000-000000000001')`);
    await db.execute(sql`
      insert into tickets (organization_id, requester_id, subject, status, first_response_due_at, resolution_due_at)
      select '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002', 'T' || g, 'open',
             ${now.toISOString()}::timestamptz + (g || ' minutes')::interval, ${now.toISOString()}::timestamptz + interval '10 days'
      from generate_series(1, ${open}) g`);
    // Armed timers in the future; plus as many already fired (nothing pending) as are open.
    await db.execute(sql`
      insert into sla_timers (ticket_id, metric, cycle, target_minutes, warn_at, due_at, state)
      select id, 'firstResponse', 1, 240, first_response_due_at - interval '48 minutes', first_response_due_at, 'running' from tickets`);
    await db.execute(sql`
      insert into sla_timers (ticket_id, metric, cycle, target_minutes, warn_at, due_at, state)
      select id, 'resolution', 1, 4800, null, null, 'breached' from tickets`);
    await db.execute(sql`analyze`);
    const idle = await median(() => runSlaSweep(db, now));
    // 1k new breaches: move 1,000 due times (and warnings) into the past, then one sweep.
    const withBreaches: number[] = [];
    for (let round = 0; round < 3; round++) {
      await db.execute(sql`
        update sla_timers set warn_at = ${now.toISOString()}::timestamptz - interval '2 hours', due_at = ${now.toISOString()}::timestamptz - interval '1 hour', cycle = cycle + 1
        where metric = 'firstResponse' and ticket_id in (select id from tickets order by random() limit 1000)`);
      const t0 = performance.now();
      const r = await runSlaSweep(db, now);
      withBreaches.push(performance.now() - t0);
      if (r.breaches !== 1000) console.log(`  (expected 1000 breaches, got ${r.breaches})`);
    }
    withBreaches.sort((a, b) => a - b);
    return { idle, breaches: withBreaches[1]! };
  } finally {
    await handle.close();
    await dropDatabase(base!, name);
  }
}

const small = await scenario(10_000);
console.log(`10k open:  sweep with nothing new ${small.idle.toFixed(2)} ms; with 1k new breaches (and warnings) ${small.breaches.toFixed(0)} ms`);
const large = await scenario(100_000);
console.log(`100k open: sweep with nothing new ${large.idle.toFixed(2)} ms; with 1k new breaches (and warnings) ${large.breaches.toFixed(0)} ms`);
console.log(`ratio 100k/10k: nothing new ${(large.idle / small.idle).toFixed(2)}, 1k breaches ${(large.breaches / small.breaches).toFixed(2)}`);
