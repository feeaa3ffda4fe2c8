// `npm run bench` — hot paths of the production build against the bench database (seeded by
// `npm run bench:seed`), beside a baseline measured in the same run: a bare node:http +
// postgres.js server replaying the very SQL each page ran (bench/baseline.ts). See
// docs/performance.md for the targets and how to read the table.
//
//   DATABASE_URL=postgres://…/portal_bench npm run bench -- [--duration 5] [--paths a,b] [--mixed 60]
//     [--no-build | --build-from <dir>] [--capture-only] [--overhead 200] [--warmup 2]   (default: builds a private copy in /tmp)
//
// Steps: (1) build if asked or missing (under flock /tmp/e2e.lock); (2) start the server with
// BENCH_CAPTURE_SQL, sign in, request every path once and record its statements; EXPLAIN them
// (a sequential scan over tickets or ticket_messages fails the path); (2b) Drizzle overhead:
// each page's module calls against raw postgres.js replays of their statements, in-process
// (bench/drizzle-overhead.ts; --overhead <iterations>, 0 skips); (3) restart the server
// without capture and measure each path and its baseline with autocannon at concurrency 1 and
// 16; (4) SLA sweep (nothing new, 1k new breaches) in-process; (5) a mixed 70/30 load with the
// server's RSS; (6) the gzipped client JS of every route. JSON goes to bench/results/.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { sql as dsql } from "drizzle-orm";
import { drizzleOverhead, overheadHeader, type OverheadResult } from "./drizzle-overhead";
import { classifyErrors, percentile } from "./stats";
import { lookupTargets } from "./targets";

const root = resolve(import.meta.dirname, "..");
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const DURATION = Number(arg("duration") ?? 5);
/** Iterations per path of the Drizzle-overhead step (each at most ~15 s); 0 skips it. */
const OVERHEAD = Number(arg("overhead") ?? 200);
const MIXED = Number(arg("mixed") ?? 60);
/** Seconds of unrecorded requests to each path (app and baseline) before its first measurement. */
const WARMUP = Number(arg("warmup") ?? 2);
const ONLY = arg("paths")?.split(",").map((s) => s.trim());
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("npm run bench needs DATABASE_URL pointing at a database filled by `npm run bench:seed`.");
  process.exit(2);
}
const PASSWORD = "bench-password-2026";

// ---------------------------------------------------------------- small helpers
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}
/** CPU time (user + system, ms) used so far by a process and its descendants (tsx's CLI runs a child). */
function treeCpuMs(pid: number): number {
  const tick = 1000 / 100; // USER_HZ
  let ms = 0;
  const visit = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) visit(Number(c));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return ms;
}
function rssMB(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      kb = Math.max(kb, Number(readFileSync(`/proc/${p}/status`, "utf8").match(/VmRSS:\s*(\d+)/)?.[1] ?? 0));
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) visit(Number(c));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return kb / 1024;
}
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");

interface Server {
  proc: ChildProcess;
  origin: string;
  stop(): Promise<void>;
  /** Everything the server printed so far (stdout and stderr). */
  output?: () => string;
}
/** The bench's own token for the app's /metrics (Node heap, external memory, pool). */
const METRICS_TOKEN = randomUUID().replace(/-/g, "");
async function startApp(extraEnv: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, ["build/start.js"], {
    cwd: appDir,
    env: { ...process.env, MIGRATIONS_DIR: join(appDir, "migrations"), NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", APP_URL: origin, DATABASE_URL: url!, RUN_JOBS: "false", SEED_DEMO: "false", LOG_LEVEL: "warn", METRICS_TOKEN, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  return {
    proc,
    origin,
    output: () => out,
    stop: () =>
      new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once("exit", () => r());
        proc.kill("SIGTERM");
      }),
  };
}
async function startBaseline(file: string): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), "bench/baseline.ts", file, String(port)], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((r) => proc.stdout!.once("data", () => r()));
  return { proc, origin: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((r) => (proc.exitCode !== null ? r() : (proc.once("exit", () => r()), proc.kill("SIGTERM")))) };
}

async function signIn(origin: string, email: string): Promise<string> {
  const attempt = () =>
    fetch(`${origin}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
      body: new URLSearchParams({ email, password: PASSWORD }).toString(),
    });
  let r = await attempt();
  if (r.status === 429) {
    // Every bench run signs in from 127.0.0.1, several times: runs close together empty the
    // per-IP sign-in bucket (20, one more every 6 s). This is the bench's own database (the seed
    // refuses any other), so its sign-in buckets are reset and the sign-in tried again.
    await pg`delete from rate_limits where key like 'signin:%'`;
    r = await attempt();
  }
  const cookies = r.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (r.status !== 302 && r.status !== 303) throw new Error(`sign-in of ${email} answered ${r.status}`);
  return cookies.join("; ");
}

/** The server's own view of its memory (prom-client's default metrics on /metrics), MB. */
async function memoryMetrics(origin: string): Promise<Record<string, number>> {
  try {
    const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const out: Record<string, number> = {};
    for (const [key, name] of [["rssMB", "process_resident_memory_bytes"], ["heapUsedMB", "nodejs_heap_size_used_bytes"], ["heapTotalMB", "nodejs_heap_size_total_bytes"], ["externalMB", "nodejs_external_memory_bytes"]] as const) {
      const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)`, "m"));
      if (m) out[key] = Math.round(Number(m[1]) / 1048576);
    }
    return out;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- the hot paths
type Role = "agent" | "customer" | "sales" | "admin" | "anonymous";
interface PathDef {
  name: string;
  role: Role;
  method?: "GET" | "POST";
  path: string;
  /** A fresh body per request (writes). */
  body?: () => string;
  write?: boolean;
  /** Expected status. */
  status?: number;
}

const pg = postgres(url, { max: 2, onnotice: () => {} });
const [info] = await pg<{ d: string | null }[]>`select shobj_description(oid, 'pg_database') as d from pg_database where datname = current_database()`;
const seedInfo = info?.d ? (JSON.parse(info.d) as { bench?: Record<string, unknown> }).bench : undefined;
if (!seedInfo) {
  console.error("This database was not filled by `npm run bench:seed`.");
  process.exit(2);
}
const agentEmail = "agent1@bench.test";
// The deep page: 2,000 pages of 50 into the filtered view (or as deep as the data allows).
const targets = await lookupTargets(pg, agentEmail);
const { deepPage, cursor } = targets;
const filtered = "/desk/views/custom?status=solved&status=closed&sort=updated";

const allPaths: PathDef[] = [
  { name: "queue-default", role: "agent", path: "/desk" },
  { name: "queue-filtered-p1", role: "agent", path: filtered },
  { name: `queue-filtered-deep`, role: "agent", path: `${filtered}&cursor=${cursor}` },
  // (a data set too small for the seeded 100-message threads falls back to the deep page's ticket)
  { name: "ticket-100-messages", role: "agent", path: `/desk/tickets/${targets.bigTicketNumber}` },
  {
    name: "ticket-create",
    role: "customer",
    method: "POST",
    path: "/portal/tickets/new",
    write: true,
    status: 302,
    body: () =>
      new URLSearchParams({ subject: "Export stops at row 10000", description: "The CSV export of the dashboard stops after ten thousand rows every time.", priority: "high", category: "Problem", idempotencyKey: randomUUID(), intent: "submit", kbSuggestionsSeen: "1" }).toString(),
  },
  { name: "help-search-common", role: "anonymous", path: "/help/search?q=account" },
  { name: "help-search-rare", role: "anonymous", path: "/help/search?q=quasar" },
  { name: "sla-dashboard-12w", role: "agent", path: "/desk/reports/sla" },
  { name: "pipeline-board", role: "sales", path: "/beta" },
];
const paths = ONLY ? allPaths.filter((p) => ONLY.some((o) => p.name.startsWith(o))) : allPaths;
/** Signs in the roles the chosen paths (and the mixed load: agent reads, customer writes) use —
 * only those: sign-ins share one per-IP limit, and back-to-back runs of anonymous paths need none. */
async function signInRoles(origin: string): Promise<void> {
  const needs = (role: Role) => paths.some((p) => p.role === role) || (MIXED > 0 && (role === "agent" || role === "customer"));
  if (needs("agent")) cookies.agent = await signIn(origin, agentEmail);
  if (needs("customer")) cookies.customer = await signIn(origin, "c1@org1.bench.test");
  if (needs("sales")) cookies.sales = await signIn(origin, "sales@bench.test");
}

// ---------------------------------------------------------------- (1) build
// Others share build/ (and `npm start` rebuilds when app/ is newer than it), so the bench builds
// a private copy of the sources in /tmp (no lock needed: build/ is not touched) and runs that:
// the build — build/start.js is server.ts compiled, run with plain node as `npm start` runs it —
// and the migrations. `--build-from <dir>` uses a build copied earlier instead; `--no-build`
// copies build/ under `flock /tmp/e2e.lock`.
const appDir = `/tmp/bench-app-${process.pid}`;
function buildAndCopy() {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  const from = arg("build-from");
  if (from) {
    console.log(`Using the build in ${from}…`);
    execFileSync("cp", ["-r", resolve(from), join(appDir, "build")]);
  } else if (process.argv.includes("--no-build")) {
    console.log("Copying build/ (under flock /tmp/e2e.lock)…");
    execFileSync("flock", ["/tmp/e2e.lock", "cp", "-r", "build", join(appDir, "build")], { cwd: root, stdio: "inherit" });
  } else {
    const src = `${appDir}-src`;
    console.log(`Building a private copy in ${src}…`);
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    for (const f of ["app", "db", "public", "server.ts", "package.json", "react-router.config.ts", "vite.config.ts", "tsconfig.json"]) {
      if (existsSync(join(root, f))) execFileSync("cp", ["-r", join(root, f), join(src, f)]);
    }
    execFileSync("ln", ["-s", join(root, "node_modules"), join(src, "node_modules")]);
    execFileSync("npm", ["run", "build", "--silent"], { cwd: src, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
    execFileSync("cp", ["-r", join(src, "build"), join(appDir, "build")]);
    rmSync(src, { recursive: true, force: true });
  }
  if (!existsSync(join(appDir, "build/start.js"))) throw new Error("build/start.js is missing: build with `npm run build` (it compiles server.ts).");
  execFileSync("cp", ["-r", join(root, "db/migrations"), join(appDir, "migrations")]);
  execFileSync("ln", ["-s", join(root, "node_modules"), join(appDir, "node_modules")]);
}
buildAndCopy();

const results: Record<string, unknown> = { at: new Date().toISOString(), seed: seedInfo, duration: DURATION, machine: machine(), paths: {} as Record<string, unknown> };
function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  const mem = Number(readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s*(\d+)/)?.[1] ?? 0) / 1024 / 1024;
  const pgVersion = execFileSync("psql", ["--version"]).toString().trim();
  return { cpu, cores: Number(execFileSync("nproc").toString().trim()), memoryGiB: Math.round(mem), node: process.version, postgres: pgVersion };
}

// ---------------------------------------------------------------- (2) capture the SQL of each page
const captureFile = `/tmp/bench-capture-${process.pid}.jsonl`;
writeFileSync(captureFile, "");
const cookies: Partial<Record<Role, string>> = { anonymous: "" };
interface Captured {
  write: boolean;
  statements: { query: string; params: unknown[] }[];
  status: number;
  bytes: number;
  seqScans: string[];
  /** EXPLAIN ANALYZE execution time of each read statement. */
  slowest: { ms: number; query: string }[];
}
const captured: Record<string, Captured> = {};
/** Statements the capture marked deferred (runDeferred in db/client.ts), by text. */
const deferredStatements: string[] = [];
{
  console.log("Capturing each page's SQL…");
  const app = await startApp({ BENCH_CAPTURE_SQL: captureFile });
  try {
    await signInRoles(app.origin);
    for (const p of paths) {
      // Warm once (caches, JIT), then capture a second request alone.
      for (let round = 0; round < 2; round++) {
        const before = readFileSync(captureFile, "utf8").length;
        const r = await fetch(app.origin + p.path, { method: p.method ?? "GET", redirect: "manual", headers: { cookie: cookies[p.role] ?? "", origin: app.origin, ...(p.body ? { "content-type": "application/x-www-form-urlencoded" } : {}) }, body: p.body?.() });
        const text = await r.text();
        await sleep(50);
        const lines = readFileSync(captureFile, "utf8").slice(before).split("\n").filter(Boolean);
        // Deferred statements (runDeferred: the batched search log) belong to no response, and
        // may land in any page's window: they are reported below, not replayed by the baseline.
        const statements = (lines.map((l) => JSON.parse(l)) as { query: string; params: unknown[]; deferred?: boolean }[]).filter((s) => !s.deferred);
        captured[p.name] = { write: !!p.write, statements, status: r.status, bytes: text.length, seqScans: [], slowest: [] };
      }
      if (captured[p.name]!.status !== (p.status ?? 200)) console.log(`  ! ${p.name} answered ${captured[p.name]!.status}`);
    }
  } finally {
    await app.stop();
  }
  // Everything run off the responses' path during the capture, shutdown's flush included.
  for (const line of readFileSync(captureFile, "utf8").split("\n").filter(Boolean)) {
    const s = JSON.parse(line) as { query: string; deferred?: boolean };
    if (s.deferred) deferredStatements.push(s.query.replace(/\s+/g, " ").trim().slice(0, 100));
  }
  if (deferredStatements.length) {
    console.log(`  deferred (no response waits for them; not counted, not replayed by the baseline): ${deferredStatements.length}`);
    const byText = new Map<string, number>();
    for (const q of deferredStatements) byText.set(q, (byText.get(q) ?? 0) + 1);
    for (const [q, n] of byText) console.log(`      ${n}×  ${q}`);
  }
  // EXPLAIN every statement; a sequential scan over tickets or ticket_messages fails the path.
  for (const [name, c] of Object.entries(captured)) {
    for (const s of c.statements) {
      if (!/^\s*(select|with)/i.test(s.query)) continue;
      try {
        const [row] = await pg.unsafe(`explain (analyze, format json) ${s.query}`, s.params as never[]);
        const plan = JSON.stringify(row);
        const ms = Number(plan.match(/"Execution Time":([\d.]+)/)?.[1] ?? 0);
        c.slowest.push({ ms, query: s.query.replace(/\s+/g, " ").slice(0, 160) });
        for (const m of plan.matchAll(/"Node Type":"Seq Scan"[^{}]*?"Relation Name":"(tickets|ticket_messages)"/g)) c.seqScans.push(m[1]!);
      } catch (e) {
        console.log(`  (explain failed for ${name}: ${(e as Error).message})`);
      }
    }
    c.slowest.sort((a, b) => b.ms - a.ms);
    c.slowest.splice(3);
    console.log(`  ${name}: ${c.statements.length} statements, slowest ${c.slowest.map((x) => `${x.ms.toFixed(1)} ms`).join(", ")}`);
    for (const x of c.slowest) console.log(`      ${x.ms.toFixed(1).padStart(7)} ms  ${x.query}`);
  }
}
const statementsFile = `/tmp/bench-statements-${process.pid}.json`;
writeFileSync(statementsFile, JSON.stringify(captured));
if (process.argv.includes("--capture-only")) {
  writeFileSync("/tmp/bench-statements-last.json", JSON.stringify(captured, null, 1));
  rmSync(appDir, { recursive: true, force: true });
  await pg.end();
  process.exit(0);
}

// ---------------------------------------------------------------- (2b) Drizzle overhead, in-process
// Before the measuring server starts, so nothing else of the bench competes for the CPU.
let overhead: OverheadResult[] = [];
if (OVERHEAD > 0) {
  console.log(`Drizzle overhead (in-process, interleaved pairs, up to ${OVERHEAD} per path or ~15 s)…\n  ${overheadHeader}`);
  overhead = await drizzleOverhead({ url, targets: { agentEmail, salesEmail: "sales@bench.test", deepCursor: cursor, bigTicketNumber: targets.bigTicketNumber }, only: ONLY, iterations: OVERHEAD, budgetSeconds: 15, log: (l) => console.log(`  ${l}`) });
}

// ---------------------------------------------------------------- (3) measure app and baseline
interface Measure {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  /** The server's CPU time (its process tree, user + system) per answered request, ms. */
  cpuMsPerRequest: number;
}
async function measure(server: Server, p: PathDef, connections: number, duration: number, cookie: string, target = p.path): Promise<Measure> {
  // The measuring server starts cold (the capture ran in another process): without a warm-up the
  // first path measured would also time V8 compiling the page's code.
  // (Reads only: a write path would add rows for nothing.)
  if (connections === 1 && WARMUP > 0 && !p.write) await measureOnce(server, p, 4, WARMUP, cookie, target);
  const m = await measureOnce(server, p, connections, duration, cookie, target);
  // A path slower than the run's duration would report nothing: count a few whole requests instead.
  return m.requests >= 3 ? m : measureOnce(server, p, connections, duration, cookie, target, 3 * connections);
}

async function measureOnce(server: Server, p: PathDef, connections: number, duration: number, cookie: string, target: string, amount?: number): Promise<Measure> {
  const origin = server.origin;
  const cpu0 = treeCpuMs(server.proc.pid!);
  const latencies: number[] = [];
  const started = performance.now();
  const statuses: Record<string, number> = {};
  let done!: (r: autocannon.Result) => void;
  const finished = new Promise<autocannon.Result>((res) => (done = res));
  const instance = autocannon({
    url: origin + target,
    connections,
    ...(amount ? { amount, timeout: 120 } : { duration, timeout: 30 }),
    method: p.method ?? "GET",
    headers: { cookie, origin, ...(p.body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    requests: p.body ? [{ setupRequest: (req) => ({ ...req, body: p.body!() }) }] : undefined,
  }, (_e, res) => done(res));
  instance.on("response", (_c: unknown, status: number, _b: number, ms: number) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const r = await finished;
  latencies.sort((a, b) => a - b);
  const seconds = amount ? (performance.now() - started) / 1000 : duration;
  // autocannon's `errors` already include its timeouts.
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), rps: latencies.length / seconds, requests: latencies.length, errors: r.errors, statuses, cpuMsPerRequest: (treeCpuMs(server.proc.pid!) - cpu0) / Math.max(1, latencies.length) };
}

// The app's job runner folds the SLA dashboard's due-time deltas every minute (sla.due-counts);
// the measured server runs without jobs, so fold what earlier runs' writes left, once.
await pg`select sla_due_counts_compact()`;
const app = await startApp({});
const baseline = await startBaseline(statementsFile);
const rows: Record<string, Record<string, Measure>> = {};
try {
  await signInRoles(app.origin);
  for (const p of paths) {
    rows[p.name] = {};
    for (const c of [1, 16]) {
      process.stdout.write(`  ${p.name} c=${c}…`);
      rows[p.name]![`app c${c}`] = await measure(app, p, c, DURATION, cookies[p.role] ?? "");
      rows[p.name]![`base c${c}`] = await measure(baseline, { ...p, method: "GET", body: undefined }, c, DURATION, "", `/${p.name}`);
      const a = rows[p.name]![`app c${c}`]!;
      const b = rows[p.name]![`base c${c}`]!;
      process.stdout.write(` app p95 ${fmt(a.p95)} ms (${fmt(a.cpuMsPerRequest)} ms CPU/req), base p95 ${fmt(b.p95)} ms (${fmt(b.cpuMsPerRequest)} ms CPU/req)\n`);
    }
  }
} finally {
  await baseline.stop();
}

// ---------------------------------------------------------------- (4) SLA sweep, in-process
const sweep: Record<string, number> = {};
if (!ONLY || ONLY.some((o) => "sla-sweep".startsWith(o))) {
  const { createDatabase } = await import("../db/client");
  const { useDatabase: installDatabase } = await import("../app/lib/db.server");
  const { runSlaSweep } = await import("../app/modules/sla/sweep.server");
  const handle = await createDatabase({ url, max: 2 });
  installDatabase(handle);
  const median = async (fn: () => Promise<unknown>, n = 9) => {
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  };
  // At the seed's anchor (less 1 ms) every earlier instant is recorded and nothing is pending, so
  // no sweep has to fire what became due since the seed: the data set stays exactly as seeded.
  const at = seedInfo.anchor ? new Date(Date.parse(String(seedInfo.anchor)) - 1) : new Date();
  const [{ id }] = (await pg`select id from tickets order by number limit 1`) as unknown as [{ id: string }];
  sweep.pkLookupMs = await median(() => pg`select * from tickets where id = ${id}`, 31);
  sweep.nothingNewMs = await median(() => runSlaSweep(handle.db, at));
  const [{ open }] = (await pg`select count(*)::int as open from tickets where status in ('new', 'open', 'pending', 'on_hold')`) as unknown as [{ open: number }];
  sweep.openTickets = open;
  // 1k new breaches inside a transaction that is rolled back (the data set stays as seeded).
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    await handle.db
      .transaction(async (tx) => {
        await tx.execute(dsql`update sla_timers set warn_at = ${new Date(at.getTime() - 7200_000).toISOString()}::timestamptz, due_at = ${new Date(at.getTime() - 3600_000).toISOString()}::timestamptz, cycle = cycle + 100
          where metric = 'resolution' and ticket_id in (select ticket_id from sla_timers where metric = 'resolution' and state in ('running', 'warning', 'breached', 'paused') order by ticket_id limit 1000)`);
        const t0 = performance.now();
        const r = await runSlaSweep(tx as never, at);
        times.push(performance.now() - t0);
        sweep.breachesFired = r.breaches;
        throw new Error("rollback");
      })
      .catch((e: Error) => {
        if (e.message !== "rollback") throw e;
      });
  }
  sweep.thousandBreachesMs = times.sort((a, b) => a - b)[1]!;
  await handle.close();
  console.log(`  sla sweep: nothing new ${fmt(sweep.nothingNewMs!, 2)} ms (pk lookup ${fmt(sweep.pkLookupMs!, 2)} ms), 1k breaches ${fmt(sweep.thousandBreachesMs!, 0)} ms (${sweep.breachesFired} fired), ${open} open tickets`);
}

// ---------------------------------------------------------------- (5) mixed load 70/30, RSS
let mixed: Record<string, unknown> | null = null;
const mixedReads = paths.filter((p) => !p.write && p.role !== "anonymous" && p.role !== "sales" && cookies[p.role]);
if (MIXED > 0 && mixedReads.length === 0) console.log("  mixed load skipped: the chosen --paths include no signed-in read page");
if (MIXED > 0 && mixedReads.length > 0) {
  console.log(`  mixed load ${MIXED} s, 16 connections, 70 % reads / 30 % writes…`);
  const reads = mixedReads;
  const readUrls = reads.map((p) => ({ path: p.path, cookie: cookies[p.role]! }));
  const pid = app.proc.pid!;
  // At idle first (after the measurements above, a moment to settle): RSS and the V8 heap.
  await sleep(2000);
  const idle = { rssMB: Math.round(rssMB(pid)), ...(await memoryMetrics(app.origin)) };
  const logFrom = app.output!().length;
  let maxRss = 0;
  const rssTimer = setInterval(() => (maxRss = Math.max(maxRss, rssMB(pid))), 250);
  let i = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let done!: (r: autocannon.Result) => void;
  const finished = new Promise<autocannon.Result>((res) => (done = res));
  const TIMEOUT_S = 10;
  const instance = autocannon({
    url: app.origin,
    connections: 16,
    duration: MIXED,
    timeout: TIMEOUT_S,
    requests: [
      {
        setupRequest: (req) => {
          i++;
          if (i % 10 < 3) {
            return { ...req, method: "POST", path: "/portal/tickets/new", headers: { ...req.headers, cookie: cookies.customer!, origin: app.origin, "content-type": "application/x-www-form-urlencoded" }, body: allPaths.find((p) => p.name === "ticket-create")!.body!() };
          }
          const r = readUrls[i % readUrls.length]!;
          return { ...req, method: "GET", path: r.path, headers: { ...req.headers, cookie: r.cookie, origin: app.origin }, body: undefined };
        },
      },
    ],
  }, (_e, res) => done(res));
  instance.on("response", (_c: unknown, status: number, _b: number, ms: number) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const r = await finished;
  clearInterval(rssTimer);
  const underLoad = await memoryMetrics(app.origin);
  latencies.sort((a, b) => a - b);
  const errors = classifyErrors({ timeouts: r.timeouts, errors: r.errors, statuses });
  // What the server logged as errors meanwhile (5xx answers log their cause), by message.
  const serverErrors: Record<string, number> = {};
  for (const line of app.output!().slice(logFrom).split("\n")) {
    if (!line.includes('"level":"error"')) continue;
    try {
      const e = JSON.parse(line) as { msg?: string; error?: string; message?: string };
      const key = `${e.msg ?? "?"}${e.error || e.message ? `: ${String(e.error ?? e.message).slice(0, 120)}` : ""}`;
      serverErrors[key] = (serverErrors[key] ?? 0) + 1;
    } catch {
      serverErrors[line.slice(0, 120)] = (serverErrors[line.slice(0, 120)] ?? 0) + 1;
    }
  }
  mixed = {
    requests: latencies.length,
    rps: latencies.length / MIXED,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: errors.total,
    errorKinds: errors.kinds,
    clientTimeoutS: TIMEOUT_S,
    statuses,
    serverErrors,
    idle,
    underLoad,
    maxRssMB: Math.round(maxRss),
  };
}
await app.stop();

// ---------------------------------------------------------------- (6) client JS per route
function clientJs(): Record<string, number> {
  const dir = join(appDir, "build/client/assets");
  const manifestFile = readdirSync(dir).find((f) => /^manifest-.*\.js$/.test(f));
  if (!manifestFile) return {};
  const text = readFileSync(join(dir, manifestFile), "utf8");
  const json = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as {
    entry: { module: string; imports: string[] };
    routes: Record<string, { parentId?: string; module: string; imports?: string[]; path?: string; index?: boolean }>;
  };
  const gz = new Map<string, number>();
  const size = (f: string) => {
    if (!gz.has(f)) gz.set(f, existsSync(join(appDir, "build/client", f)) ? gzipSync(readFileSync(join(appDir, "build/client", f))).length : 0);
    return gz.get(f)!;
  };
  const out: Record<string, number> = {};
  for (const [id, route] of Object.entries(json.routes)) {
    if (id === "root") continue;
    const files = new Set<string>([json.entry.module, ...json.entry.imports]);
    for (let r: typeof route | undefined = route; r; r = r.parentId ? json.routes[r.parentId] : undefined) {
      files.add(r.module);
      for (const f of r.imports ?? []) files.add(f);
    }
    out[id] = Math.round([...files].reduce((a, f) => a + size(f), 0) / 102.4) / 10;
  }
  return out;
}
const js = clientJs();

// ---------------------------------------------------------------- report
interface Check {
  what: string;
  value: string;
  target: string;
  pass: boolean;
}
const checks: Check[] = [];
const check = (what: string, value: number, target: number, unit = "×", higherIsBetter = false) =>
  checks.push({ what, value: `${fmt(value, 2)}${unit}`, target: `${higherIsBetter ? "≥" : "≤"} ${target}${unit}`, pass: higherIsBetter ? value >= target : value <= target });
console.log("\npath                      conc | app p50    p95    p99   req/s  cpu/req | base p50   p95    p99   req/s  cpu/req | p95×  rps×  cpu× | SQL  seq");
for (const p of paths) {
  const c = captured[p.name]!;
  for (const conc of [1, 16]) {
    const a = rows[p.name]![`app c${conc}`]!;
    const b = rows[p.name]![`base c${conc}`]!;
    console.log(
      `${p.name.padEnd(26)}${String(conc).padStart(4)} | ${fmt(a.p50).padStart(6)} ${fmt(a.p95).padStart(6)} ${fmt(a.p99).padStart(6)} ${fmt(a.rps, 0).padStart(6)} ${fmt(a.cpuMsPerRequest).padStart(8)} | ${fmt(b.p50).padStart(6)} ${fmt(b.p95).padStart(6)} ${fmt(b.p99).padStart(6)} ${fmt(b.rps, 0).padStart(6)} ${fmt(b.cpuMsPerRequest).padStart(8)} | ${fmt(a.p95 / b.p95, 2).padStart(5)} ${fmt(a.rps / b.rps, 2).padStart(5)} ${fmt(a.cpuMsPerRequest / b.cpuMsPerRequest, 1).padStart(5)} | ${String(c.statements.length).padStart(3)}  ${c.seqScans.length ? "SEQ " + [...new Set(c.seqScans)].join(",") : "-"}`,
    );
  }
  const a = rows[p.name]!["app c16"]!;
  const b = rows[p.name]!["base c16"]!;
  check(`${p.name}: p95 vs baseline (c16)`, a.p95 / b.p95, 3);
  check(`${p.name}: throughput vs baseline (c16)`, a.rps / b.rps, 0.3, "×", true);
  checks.push({ what: `${p.name}: no sequential scan over tickets/messages`, value: c.seqScans.length ? [...new Set(c.seqScans)].join(",") : "none", target: "none", pass: c.seqScans.length === 0 });
  const bad = Object.entries(a.statuses).filter(([s]) => Number(s) !== (p.status ?? 200)).reduce((x, [, n]) => x + n, 0) + a.errors;
  if (bad) checks.push({ what: `${p.name}: answers`, value: JSON.stringify(a.statuses), target: String(p.status ?? 200), pass: false });
}
const r = (n: string, k = "app c1") => rows[n]?.[k]?.p95;
if (r("queue-filtered-deep") && r("queue-filtered-p1")) check(`deep page (page ${deepPage}) vs page 1 p95`, r("queue-filtered-deep")! / r("queue-filtered-p1")!, 1.3);
if (captured["ticket-100-messages"]) check("ticket page SQL round trips", captured["ticket-100-messages"]!.statements.length, 3, "");
if (r("help-search-common") && r("help-search-rare")) check("help search: common vs rare term p95", r("help-search-common")! / r("help-search-rare")!, 10);
for (const s of ["help-search-common", "help-search-rare"]) if (rows[s]) check(`${s}: p95 vs raw SQL (c1)`, rows[s]!["app c1"]!.p95 / rows[s]!["base c1"]!.p95, 2);
if (r("sla-dashboard-12w")) check("SLA dashboard p95 (c1)", r("sla-dashboard-12w")!, 50, " ms");
if (sweep.nothingNewMs) check("sweep with nothing new vs one primary-key lookup", sweep.nothingNewMs / sweep.pkLookupMs!, 10);
const newTicketJs = js["routes/portal/new-ticket"];
if (newTicketJs !== undefined) check("new-ticket page gzipped JS", newTicketJs, 150, " KB");
for (const o of overhead) checks.push({ what: `${o.name}: Drizzle ÷ raw postgres.js, p50 of ${o.iterations} interleaved pairs (in-process)`, value: `${fmt(o.ratioP50, 2)}× (p95 ${fmt(o.ratioP95, 2)}×; ${fmt(o.orm.p50, 2)} vs ${fmt(o.raw.p50, 2)} ms)`, target: `≤ ${o.limit}×`, pass: o.pass });
if (!ONLY || ONLY.some((o) => "sla-sweep".startsWith(o))) console.log("\n(The sweep's 100k ÷ 10k open-tickets ratio needs two throw-away databases of that size: `npm run bench:sla` measures it — bench/sla-sweep.bench.ts.)");
if (mixed) {
  checks.push({ what: "mixed load: errors", value: `${mixed.errors} ${JSON.stringify(mixed.errorKinds)}`, target: "0", pass: mixed.errors === 0 });
  check("mixed load: server RSS", mixed.maxRssMB as number, 400, " MB");
}
console.log("\nTargets:");
for (const c of checks) console.log(`  ${c.pass ? "PASS" : "FAIL"}  ${c.what}: ${c.value} (target ${c.target})`);
if (mixed) {
  console.log(`\nMixed load: ${mixed.requests} requests, ${fmt(mixed.rps as number, 0)} req/s, p50 ${fmt(mixed.p50 as number)} ms, p99 ${fmt(mixed.p99 as number)} ms, errors ${mixed.errors} ${JSON.stringify(mixed.errorKinds)} (client timeout ${mixed.clientTimeoutS} s), statuses ${JSON.stringify(mixed.statuses)}`);
  console.log(`  memory: idle ${JSON.stringify(mixed.idle)}; after the load ${JSON.stringify(mixed.underLoad)}; peak RSS under load ${mixed.maxRssMB} MB`);
  for (const [msg, n] of Object.entries(mixed.serverErrors as Record<string, number>)) console.log(`  server logged ${n}× ${msg}`);
}
console.log("\nClient JS per route (gzipped KB):");
for (const [id, kb] of Object.entries(js).sort((a, b) => b[1] - a[1])) console.log(`  ${String(kb).padStart(7)}  ${id}`);

Object.assign(results, { deepPage, deferredStatements, drizzleOverhead: overhead, paths: Object.fromEntries(paths.map((p) => [p.name, { url: p.path.replace(/cursor=[^&]+/, "cursor=…"), measures: rows[p.name], statements: captured[p.name]!.statements.length, seqScans: captured[p.name]!.seqScans, slowest: captured[p.name]!.slowest, status: captured[p.name]!.status }])), sweep, mixed, clientJsKB: js, checks });
mkdirSync(join(root, "bench/results"), { recursive: true });
const out = join(root, "bench/results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(`\n${checks.filter((c) => c.pass).length} passed, ${checks.filter((c) => !c.pass).length} failed — ${out}`);
rmSync(captureFile, { force: true });
rmSync(statementsFile, { force: true });
rmSync(appDir, { recursive: true, force: true });
void statSync;
await pg.end();
