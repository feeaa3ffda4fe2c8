// Drizzle overhead per hot path (issue #8: "Drizzle ≤ 1.25× raw postgres.js"), in-process.
//
// For each page, a function in `cases` calls the very module functions its route loader calls
// (the app's Drizzle query builders, relational queries and row mapping), against one postgres.js
// pool. A first call runs through a recording client and keeps each statement with its parameters
// and when it started and finished; the raw variant replays those statements on the same pool
// with `sql.unsafe(text, params)`, each one waiting for the statements that had finished before
// it started (what the code awaited) and running alongside the others (its Promise.all). Then
// both run as interleaved pairs (ABBA order) many times; the verdict is the ratio of the medians.
//
// Note: drizzle() switches the pool's parsers for dates, timestamps, intervals and json to
// "leave the text as is" (Drizzle maps those columns itself), so the raw replay gets those
// columns as text: it does slightly less work than postgres.js with its default parsers, which
// makes the comparison stricter, not looser.
//
// Run alone:  DATABASE_URL=postgres://…/portal_bench npx tsx bench/drizzle-overhead.ts [--paths a,b] [--iterations 200] [--budget 20]
// `npm run bench` runs it as one of its steps (--overhead <iterations>, 0 skips).
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "../db/schema";
import type { Database, DatabaseHandle } from "../db/client";
import { overheadVerdict, ormFirst, replayDependencies, type OverheadVerdict } from "./stats";

interface Recorded {
  query: string;
  params: unknown[];
  start: number;
  end: number;
}

export interface OverheadTargets {
  /** Desk agent (agent1@bench.test) and sales person, as the session would give them. */
  agentEmail: string;
  salesEmail: string;
  /** The deep page's keyset cursor and the ticket with the long thread (from bench/run.ts). */
  deepCursor: string;
  bigTicketNumber: number;
}

export interface OverheadResult extends OverheadVerdict {
  name: string;
  statements: number;
  iterations: number;
  /** Process CPU time per call (user + system, ms): the Node-side work of each variant. */
  cpuOrmMs: number;
  cpuRawMs: number;
}

type SessionUser = { id: string; email: string; name: string; role: "customer" | "agent" | "sales" | "admin"; organizationId: string | null; timeZone: string | null };

/**
 * The hot paths: each calls what its route loader calls, in the same order and grouping. A case
 * is a factory (imports its modules, looks up its actor) so one broken module skips one case.
 */
function cases(targets: OverheadTargets, lookupUser: (email: string) => Promise<SessionUser>): Record<string, () => Promise<() => Promise<unknown>>> {
  const agentOf = () => lookupUser(targets.agentEmail);
  const filtered = { view: null, filters: { status: ["solved", "closed"] }, sort: "updated" } as const;
  // app/routes/desk/queue.tsx
  const queue = (input: { view: "unassigned" | null; sort: "due" | "updated"; cursor?: string }) => async () => {
    const desk = await import("../app/modules/tickets/desk.server");
    const { reviewCount } = await import("../app/modules/tickets/inbound.server");
    const agent = await agentOf();
    const custom = input.view === null;
    return async () => {
      const query = { q: "", ...input, ...(custom ? { filters: { status: [...filtered.filters.status] } } : {}) };
      await Promise.all([desk.deskViewCounts(agent), desk.deskQueue(agent, query), desk.listSavedViews(agent), desk.assignmentOptions(), custom ? desk.organizationOptions() : Promise.resolve([]), reviewCount()]);
      await desk.groupIdsOf(agent.id);
    };
  };
  return {
    "queue-default": queue({ view: "unassigned", sort: "due" }),
    "queue-filtered-p1": queue({ view: null, sort: "updated" }),
    "queue-filtered-deep": queue({ view: null, sort: "updated", cursor: targets.deepCursor }),
    // app/routes/desk/ticket.tsx: one page function (ticket-page.server.ts) where the route uses it,
    // else the calls the older loader made.
    "ticket-100-messages": async () => {
      const agent = await agentOf();
      const pageModule = "../app/modules/tickets/ticket-page.server";
      const page = (await import(/* @vite-ignore */ pageModule).catch(() => null)) as { getDeskTicketPage?: (actor: SessionUser, number: number) => Promise<unknown> } | null;
      if (page?.getDeskTicketPage) return () => page.getDeskTicketPage!(agent, targets.bigTicketNumber);
      const desk = await import("../app/modules/tickets/desk.server");
      const { getTicketThread } = await import("../app/modules/tickets/tickets.server");
      const merge = (await import("../app/modules/tickets/merge.server")) as { ticketContext?: (a: SessionUser, id: string, requesterId: string) => Promise<unknown> };
      const { listMacros } = await import("../app/modules/tickets/admin.server");
      const { getTicketSlaClocks } = await import("../app/modules/sla/apply.server");
      return async () => {
        const [thread] = await Promise.all([getTicketThread(agent, targets.bigTicketNumber), desk.assignmentOptions(), listMacros({ activeOnly: true }), desk.groupIdsOf(agent.id)]);
        await merge.ticketContext?.(agent, thread.ticket.id, thread.ticket.requesterId);
        await getTicketSlaClocks(thread.ticket.id);
      };
    },
    // app/routes/help/search.tsx (an anonymous reader; the search log insert is left out: a write)
    "help-search-common": async () => {
      const { searchArticles } = await import("../app/modules/kb/search.server");
      return () => searchArticles(null, "account", { page: 1, locale: "en" });
    },
    "help-search-rare": async () => {
      const { searchArticles } = await import("../app/modules/kb/search.server");
      return () => searchArticles(null, "quasar", { page: 1, locale: "en" });
    },
    // app/routes/desk/reports-sla.tsx
    "sla-dashboard-12w": async () => {
      const desk = await import("../app/modules/tickets/desk.server");
      const { slaReport, defaultRange } = await import("../app/modules/sla/reports.server");
      return () => Promise.all([slaReport({ ...defaultRange(), groupId: undefined, organizationId: undefined }), desk.organizationOptions(), desk.assignmentOptions()]);
    },
    // app/routes/beta/board.tsx
    "pipeline-board": async () => {
      const { getActiveProgram, ownerOptions } = await import("../app/modules/beta/deals.server");
      const { boardData } = await import("../app/modules/beta/pipeline.server");
      const { listPrograms } = await import("../app/modules/beta/programs.server");
      return async () => {
        const program = await getActiveProgram();
        if (!program) return;
        await Promise.all([boardData(program), ownerOptions(), listPrograms()]);
      };
    },
  };
}

export async function drizzleOverhead(options: { url: string; targets: OverheadTargets; only?: string[]; iterations?: number; budgetSeconds?: number; log?: (line: string) => void }): Promise<OverheadResult[]> {
  const log = options.log ?? ((l: string) => console.log(l));
  const iterations = options.iterations ?? 200;
  const budgetMs = (options.budgetSeconds ?? 20) * 1000;
  // One pool for both variants (the app's own size would be 10; 4 is plenty for one caller).
  const client = postgres(options.url, { max: 4, onnotice: () => {}, idle_timeout: 60 });
  const plain = drizzle(client, { schema, casing: "snake_case" }) as unknown as Database;
  // The recording client: the same pool, with `unsafe` (the one method Drizzle's postgres-js
  // session calls) noting each statement's text, parameters, start and end.
  let recording: Recorded[] | null = null;
  const recordingClient = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== "unsafe") return Reflect.get(target, prop, receiver);
      return (query: string, params: unknown[] = [], opts?: object) => {
        const q = target.unsafe(query, params as never[], opts);
        if (recording) {
          const entry: Recorded = { query, params, start: performance.now(), end: NaN };
          recording.push(entry);
          // Observe after the caller chained .values() and awaited (a postgres.js query runs on then()).
          queueMicrotask(() => void q.then(() => (entry.end = performance.now()), () => (entry.end = performance.now())));
        }
        return q;
      };
    },
  });
  const recorder = drizzle(recordingClient, { schema, casing: "snake_case" }) as unknown as Database;
  // The app's db() hands out whichever handle is installed: the plain one, or the recorder while recording.
  const { useDatabase: install } = await import("../app/lib/db.server");
  const handleOf = (db: Database): DatabaseHandle => ({ db, driver: "postgres", migrate: async () => {}, ping: async () => true, close: async () => {} });
  const plainHandle = handleOf(plain);
  const recorderHandle = handleOf(recorder);
  install(plainHandle);
  const lookupUser = async (email: string) => {
    const [u] = await client<SessionUser[]>`select id, email, name, role, organization_id as "organizationId", time_zone as "timeZone" from users where email = ${email}`;
    if (!u) throw new Error(`no user ${email} in this database (was it filled by npm run bench:seed?)`);
    return u;
  };
  const all = cases(options.targets, lookupUser);
  const results: OverheadResult[] = [];
  try {
    for (const [name, factory] of Object.entries(all)) {
      if (options.only && !options.only.some((o) => name.startsWith(o))) continue;
      let orm: () => Promise<unknown>;
      try {
        orm = await factory();
      } catch (e) {
        log(`${name.padEnd(22)} skipped: ${(e as Error).message.split("\n")[0]}`);
        continue;
      }
      // Record the statements of one call (after a warm-up call: module-level caches, JIT).
      await orm();
      recording = [];
      install(recorderHandle);
      try {
        await orm();
      } finally {
        install(plainHandle);
      }
      const recorded = recording;
      recording = null;
      await new Promise((r) => setTimeout(r, 10));
      const deps = replayDependencies(recorded);
      const raw = async () => {
        const done: Promise<unknown>[] = [];
        for (let i = 0; i < recorded.length; i++) {
          const s = recorded[i]!;
          done[i] = (deps[i]!.length ? Promise.all(deps[i]!.map((k) => done[k])) : Promise.resolve()).then(() => client.unsafe(s.query, s.params as never[]));
        }
        await Promise.all(done);
      };
      const timed = async (fn: () => Promise<unknown>) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn();
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        return { ms, cpu: (c.user + c.system) / 1000 };
      };
      for (let i = 0; i < 5; i++) {
        await orm();
        await raw();
      }
      const ormMs: number[] = [];
      const rawMs: number[] = [];
      let cpuOrm = 0;
      let cpuRaw = 0;
      const started = performance.now();
      for (let i = 0; i < iterations && (i < 10 || performance.now() - started < budgetMs); i++) {
        const first = ormFirst(i);
        const a = await timed(first ? orm : raw);
        const b = await timed(first ? raw : orm);
        const [o, r] = first ? [a, b] : [b, a];
        ormMs.push(o.ms);
        rawMs.push(r.ms);
        cpuOrm += o.cpu;
        cpuRaw += r.cpu;
      }
      const v = overheadVerdict(ormMs, rawMs);
      const res: OverheadResult = { name, statements: recorded.length, iterations: ormMs.length, cpuOrmMs: cpuOrm / ormMs.length, cpuRawMs: cpuRaw / rawMs.length, ...v };
      results.push(res);
      log(formatOverhead(res));
    }
  } finally {
    install(undefined);
    await client.end({ timeout: 5 });
  }
  return results;
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "–");
export const overheadHeader = "path                   stmts  iters | drizzle p50    p95 | raw p50    p95 | ×p50  ×p95 paired | cpu/call drizzle raw (ms)";
export function formatOverhead(r: OverheadResult): string {
  return `${r.name.padEnd(22)} ${String(r.statements).padStart(5)} ${String(r.iterations).padStart(6)} | ${f(r.orm.p50).padStart(11)} ${f(r.orm.p95).padStart(6)} | ${f(r.raw.p50).padStart(7)} ${f(r.raw.p95).padStart(6)} | ${f(r.ratioP50).padStart(4)} ${f(r.ratioP95).padStart(5)} ${f(r.pairedRatio).padStart(6)} | ${f(r.cpuOrmMs).padStart(8)} ${f(r.cpuRawMs).padStart(7)}  ${r.pass ? "PASS" : "FAIL"}`;
}

// Standalone: look the targets up the way bench/run.ts does.
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("needs DATABASE_URL (a database filled by npm run bench:seed)");
    process.exit(2);
  }
  const { lookupTargets } = await import("./targets");
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  const t = await lookupTargets(pg, "agent1@bench.test");
  await pg.end();
  console.log(overheadHeader);
  await drizzleOverhead({ url, targets: { agentEmail: "agent1@bench.test", salesEmail: "sales@bench.test", deepCursor: t.cursor, bigTicketNumber: t.bigTicketNumber }, only: arg("paths")?.split(","), iterations: Number(arg("iterations") ?? 200), budgetSeconds: Number(arg("budget") ?? 20) });
}
