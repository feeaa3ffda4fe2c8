// Sweep benchmark on PostgreSQL: `DATABASE_URL=postgres://… npx tsx bench/sla-sweep.bench.ts`.
//
// Default: builds throw-away databases with 10k and 100k open tickets (timers armed in the future,
// one escalation rule "on breach: notify the assignee, escalation level 1" as in the bench data
// set), times a sweep with nothing new against one primary-key lookup, then a sweep with 1,000
// new breaches and 1,000 new warnings, and prints the 100k ÷ 10k ratios (issue #8: ≤ 1.5×).
//
// `--existing`: measures the database DATABASE_URL names instead (e.g. portal_bench, seeded by
// bench/seed.ts) without changing it: the sweep with nothing new runs at the seed's anchor (every
// instant before it was recorded by the seed), and the 1k new breaches run inside a transaction
// that is rolled back. Every figure comes with the number of SQL statements the sweep sent.
//
// Prints ms; nothing asserts on speed.
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "../db/schema";
import type { Database } from "../db/client";
import { dropDatabase, uniqueName, withDatabase } from "../tests/support/postgres";
import { createDatabase } from "../db/client";
import { useDatabase as installDatabase } from "../app/lib/db.server";
import { runSlaSweep } from "../app/modules/sla/sweep.server";

const base = process.env.DATABASE_URL;
if (!base) {
  console.log("Set DATABASE_URL to a PostgreSQL server (the sweep benchmark needs real Postgres).");
  process.exit(0);
}
const EXISTING = process.argv.includes("--existing");

/** A Drizzle handle that counts the statements it sends. */
function countingDb(url: string) {
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const counter = { n: 0 };
  const db = drizzle(client, { schema, casing: "snake_case", logger: { logQuery: () => void counter.n++ } }) as unknown as Database;
  return { db, client, counter };
}

async function median(fn: () => Promise<unknown>, rounds = 9): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)]!;
}

class Rollback extends Error {}

interface Figures {
  open: number;
  pkLookupMs: number;
  idleMs: number;
  idleStatements: number;
  breachesMs: number;
  breachStatements: number;
  fired: { warnings: number; breaches: number; escalations: number };
}

/**
 * Times the sweep at `at` on `db`: nothing new (median of 9), then 1,000 timers moved into the
 * past (warning 2 h and breach 1 h before `at`, next cycle) and swept inside a transaction that
 * is rolled back — the median of 3 rounds.
 */
async function measure(url: string, at: Date): Promise<Figures> {
  const { db, client, counter } = countingDb(url);
  installDatabase({ db, driver: "postgres", migrate: async () => {}, ping: async () => true, close: async () => {} });
  try {
    const [{ id }] = (await client`select id from tickets order by number limit 1`) as unknown as [{ id: string }];
    const pkLookupMs = await median(() => client`select * from tickets where id = ${id}`, 31);
    counter.n = 0;
    const first = await runSlaSweep(db, at);
    if (first.warnings + first.breaches > 0) throw new Error(`expected nothing new at ${at.toISOString()}, got ${JSON.stringify(first)}`);
    const idleStatements = counter.n;
    const idleMs = await median(() => runSlaSweep(db, at));
    const [{ open }] = (await client`select count(*)::int as open from tickets where status in ('new', 'open', 'pending', 'on_hold')`) as unknown as [{ open: number }];
    const times: number[] = [];
    let breachStatements = 0;
    let fired = { warnings: 0, breaches: 0, escalations: 0 };
    for (let round = 0; round < 3; round++) {
      await db
        .transaction(async (tx) => {
          await tx.execute(sql`
            update sla_timers set warn_at = ${new Date(at.getTime() - 7200_000).toISOString()}::timestamptz,
                   due_at = ${new Date(at.getTime() - 3600_000).toISOString()}::timestamptz, cycle = cycle + 100
            where metric = 'resolution' and ticket_id in (
              select ticket_id from sla_timers where metric = 'resolution' and state in ('running', 'warning', 'breached', 'paused')
              order by ticket_id offset ${round * 1000} limit 1000)`);
          counter.n = 0;
          const t0 = performance.now();
          const r = await runSlaSweep(tx as unknown as Database, at);
          times.push(performance.now() - t0);
          breachStatements = counter.n;
          fired = { warnings: r.warnings, breaches: r.breaches, escalations: r.escalations };
          throw new Rollback();
        })
        .catch((e: unknown) => {
          if (!(e instanceof Rollback)) throw e;
        });
    }
    times.sort((a, b) => a - b);
    return { open, pkLookupMs, idleMs, idleStatements, breachesMs: times[1]!, breachStatements, fired };
  } finally {
    installDatabase(undefined);
    await client.end({ timeout: 5 });
  }
}

function report(label: string, f: Figures) {
  console.log(
    `${label}: ${f.open} open; pk lookup ${f.pkLookupMs.toFixed(2)} ms; nothing new ${f.idleMs.toFixed(2)} ms (${(f.idleMs / f.pkLookupMs).toFixed(1)}× pk, ${f.idleStatements} statements); ` +
      `1k new breaches + 1k warnings ${f.breachesMs.toFixed(0)} ms (${f.breachStatements} statements; fired ${f.fired.breaches} breaches, ${f.fired.warnings} warnings, ${f.fired.escalations} escalations)`,
  );
}

async function scenario(open: number): Promise<Figures> {
  const name = uniqueName("sla_bench");
  const admin = postgres(withDatabase(base!, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = withDatabase(base!, name);
  const handle = await createDatabase({ url, max: 2 });
  try {
    await handle.migrate();
    const db = handle.db;
    const now = new Date("2026-03-02T12:00:00Z");
    await db.execute(sql`insert into organizations (id, name, plan) values ('00000000-0000-0000-0000-000000000001', 'Bench', 'enterprise')`);
    await db.execute(sql`insert into users (id, email, name, role, organization_id) values ('00000000-0000-0000-0000-000000000002', 'b@bench.test', 'B', 'customer', '00000000-0000-0000-0000-000000000001')`);
    await db.execute(sql`insert into users (email, name, role) select 'agent' || g || '@bench.test', 'Agent ' || g, 'agent' from generate_series(1, 50) g`);
    await db.execute(sql`
      insert into tickets (organization_id, requester_id, assignee_id, subject, status, first_response_due_at, resolution_due_at)
      select '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002',
             (select id from users where email = 'agent' || (g % 50 + 1) || '@bench.test'), 'T' || g, 'open',
             ${now.toISOString()}::timestamptz + ((60 + g) || ' minutes')::interval, ${now.toISOString()}::timestamptz + interval '10 days'
      from generate_series(1, ${open}) g`);
    // Armed timers in the future for first response; resolution already breached (nothing pending).
    await db.execute(sql`
      insert into sla_timers (ticket_id, metric, cycle, target_minutes, warn_at, due_at, state)
      select id, 'firstResponse', 1, 240, first_response_due_at - interval '48 minutes', first_response_due_at, 'running' from tickets`);
    await db.execute(sql`
      insert into sla_timers (ticket_id, metric, cycle, target_minutes, warn_at, due_at, state)
      select id, 'resolution', 1, 4800, null, null, 'breached' from tickets`);
    await db.execute(sql`insert into escalation_rules (name, metric, trigger, conditions, actions) values ('Breach: tell the assignee', 'any', 'breach', '{}', '{"notifyAssignee": true, "setEscalationLevel": 1}')`);
    await db.execute(sql`analyze`);
    return await measure(url, now);
  } finally {
    await handle.close();
    await dropDatabase(base!, name);
  }
}

if (EXISTING) {
  const pg = postgres(base, { max: 1, onnotice: () => {} });
  const [{ comment }] = (await pg`select shobj_description(oid, 'pg_database') as comment from pg_database where datname = current_database()`) as unknown as [{ comment: string | null }];
  await pg.end();
  const anchor = comment ? (JSON.parse(comment) as { bench?: { anchor?: string } }).bench?.anchor : undefined;
  if (!anchor) throw new Error("--existing needs a database seeded by bench/seed.ts (its comment records the anchor)");
  // The seed recorded every instant before the anchor; a clock already past its warning threshold
  // at the anchor has its warning at the anchor itself, so one millisecond earlier nothing is new.
  report(`existing database (anchor ${anchor})`, await measure(base, new Date(new Date(anchor).getTime() - 1)));
} else {
  const small = await scenario(10_000);
  report("10k open ", small);
  const large = await scenario(100_000);
  report("100k open", large);
  console.log(`ratio 100k/10k: nothing new ${(large.idleMs / small.idleMs).toFixed(2)} (target ≤ 1.5), 1k breaches ${(large.breachesMs / small.breachesMs).toFixed(2)} (target ≤ 1.5)`);
}
