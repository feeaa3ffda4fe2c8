/**
 * Prometheus metrics (prom-client) for /metrics: HTTP traffic, job runs, and gauges read from
 * the database at scrape time (email outbox and webhook backlogs, open tickets by SLA state,
 * breaches). One registry per process, kept on globalThis so a dev-server reload does not
 * register everything twice.
 */
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { db, rowsOf } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { errorFields, log } from "~/lib/log.server";
import { observeJobRuns } from "~/modules/jobs/runner.server";

export const SLA_STATES = ["breached", "warning", "running", "paused", "none"] as const;
export type SlaState = (typeof SLA_STATES)[number];
const SLA_METRICS = ["firstResponse", "nextResponse", "resolution"] as const;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface DatabaseSnapshot {
  outboxPending: number;
  outboxOldestSeconds: number;
  webhooksPending: number | null;
  webhooksOldestSeconds: number | null;
  openTickets: Record<SlaState, number>;
  breaches: Record<(typeof SLA_METRICS)[number], number>;
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Everything the database gauges show, in three cheap statements: counts over the partial
 * "due" indexes of the two outboxes, one pass over the open tickets (status index, the cached
 * due columns and the sla_timers primary key), and a count of breach events.
 */
export async function readDatabaseSnapshot(): Promise<DatabaseSnapshot> {
  const at = now().toISOString();
  const database = db();
  const [backlog] = rowsOf<Record<string, unknown>>(
    await database.execute(sql`
      select
        (select count(*) from email_outbox where status in ('queued', 'sending')) as outbox_pending,
        (select extract(epoch from (${at}::timestamptz - min(created_at))) from email_outbox where status in ('queued', 'sending')) as outbox_oldest,
        to_regclass('webhook_deliveries') is not null as has_webhooks
    `),
  );
  let webhooksPending: number | null = null;
  let webhooksOldestSeconds: number | null = null;
  // The deliveries table arrived with migration 0008; a database older than that has no backlog to show.
  if (backlog?.has_webhooks === true || backlog?.has_webhooks === "t") {
    const [w] = rowsOf<Record<string, unknown>>(
      await database.execute(sql`
        select count(*) as pending, extract(epoch from (${at}::timestamptz - min(created_at))) as oldest
        from webhook_deliveries where status = 'pending'
      `),
    );
    webhooksPending = num(w?.pending);
    webhooksOldestSeconds = Math.max(0, num(w?.oldest));
  }
  const due = sql`least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at)`;
  const states = rowsOf<{ state: SlaState; n: unknown }>(
    await database.execute(sql`
      select state, count(*) as n from (
        select case
          when ${due} < ${at}::timestamptz then 'breached'
          when ${due} is not null and exists (
            select 1 from sla_timers s
            where s.ticket_id = t.id and s.due_at is not null and s.target_minutes is not null
              and (s.warn_at is null or s.warn_at <= ${at}::timestamptz)
          ) then 'warning'
          when ${due} is not null then 'running'
          when exists (select 1 from sla_timers s where s.ticket_id = t.id and s.state = 'paused') then 'paused'
          else 'none'
        end as state
        from tickets t
        where t.status in ('new', 'open', 'pending', 'on_hold')
      ) x
      group by state
    `),
  );
  const breachRows = rowsOf<{ metric: string; n: unknown }>(
    await database.execute(sql`select metric, count(*) as n from sla_events where kind = 'breach' group by metric`),
  );
  const openTickets = Object.fromEntries(SLA_STATES.map((s) => [s, 0])) as Record<SlaState, number>;
  for (const row of states) if (row.state in openTickets) openTickets[row.state] = num(row.n);
  const breaches = Object.fromEntries(SLA_METRICS.map((m) => [m, 0])) as DatabaseSnapshot["breaches"];
  for (const row of breachRows) if (row.metric in breaches) breaches[row.metric as keyof typeof breaches] = num(row.n);
  return {
    outboxPending: num(backlog?.outbox_pending),
    outboxOldestSeconds: Math.max(0, num(backlog?.outbox_oldest)),
    webhooksPending,
    webhooksOldestSeconds,
    openTickets,
    breaches,
  };
}

interface MetricsState {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status_class">;
  httpDuration: Histogram<"method" | "route" | "status_class">;
  /** One database read per scrape, shared by every gauge's collect callback. */
  snapshot?: Promise<DatabaseSnapshot | null>;
}

function snapshotForScrape(state: MetricsState): Promise<DatabaseSnapshot | null> {
  state.snapshot ??= readDatabaseSnapshot().catch((error) => {
    log("warn", "metrics: reading the database gauges failed", errorFields(error));
    return null;
  });
  return state.snapshot;
}

function createMetrics(): MetricsState {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const state = {} as MetricsState;
  state.registry = registry;

  state.httpRequests = new Counter({
    name: "portal_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status class.",
    labelNames: ["method", "route", "status_class"] as const,
    registers: [registry],
  });
  state.httpDuration = new Histogram({
    name: "portal_http_request_duration_seconds",
    help: "Time to answer HTTP requests (until the response finished), by method, route pattern and status class.",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const jobRuns = new Counter({
    name: "portal_job_runs_total",
    help: "Runs of periodic tasks and one-off jobs by this process's job runner, by kind and name.",
    labelNames: ["kind", "job"] as const,
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: "portal_job_failures_total",
    help: "Runs that failed (threw), by kind and name. A failed one-off job is retried with backoff.",
    labelNames: ["kind", "job"] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "portal_job_duration_seconds",
    help: "Duration of periodic task and one-off job runs, by kind and name.",
    labelNames: ["kind", "job"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  observeJobRuns((run) => {
    const labels = { kind: run.kind, job: run.name };
    jobRuns.inc(labels);
    if (!run.ok) jobFailures.inc(labels);
    jobDuration.observe(labels, run.durationMs / 1000);
  });

  const databaseUp = new Gauge({
    name: "portal_database_up",
    help: "1 when the database answered the metrics queries of this scrape, else 0.",
    registers: [registry],
    async collect() {
      this.set((await snapshotForScrape(state)) ? 1 : 0);
    },
  });
  void databaseUp;

  const gauge = (name: string, help: string, read: (s: DatabaseSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const snapshot = await snapshotForScrape(state);
        const value = snapshot ? read(snapshot) : null;
        this.reset();
        if (value !== null) this.set(value);
      },
    });
  gauge("portal_email_outbox_pending", "Emails waiting in the outbox (queued or being sent).", (s) => s.outboxPending);
  gauge("portal_email_outbox_oldest_pending_seconds", "Age of the oldest email waiting in the outbox (0 when none waits).", (s) => s.outboxOldestSeconds);
  gauge("portal_webhook_deliveries_pending", "Webhook deliveries waiting to be sent or retried.", (s) => s.webhooksPending);
  gauge("portal_webhook_deliveries_oldest_pending_seconds", "Age of the oldest pending webhook delivery (0 when none waits).", (s) => s.webhooksOldestSeconds);

  new Gauge({
    name: "portal_open_tickets",
    help: "Open tickets (new, open, pending, on hold) by SLA state: breached (a due time passed), warning (a running clock passed its warning point), running, paused, none (no SLA clock).",
    labelNames: ["sla_state"] as const,
    registers: [registry],
    async collect() {
      const snapshot = await snapshotForScrape(state);
      this.reset();
      if (!snapshot) return;
      for (const s of SLA_STATES) this.set({ sla_state: s }, snapshot.openTickets[s]);
    },
  });
  new Counter({
    name: "portal_sla_breaches_total",
    help: "SLA breaches recorded so far (sla_events), by metric.",
    labelNames: ["metric"] as const,
    registers: [registry],
    async collect() {
      const snapshot = await snapshotForScrape(state);
      this.reset();
      if (!snapshot) return;
      for (const m of SLA_METRICS) this.inc({ metric: m }, snapshot.breaches[m]);
    },
  });
  return state;
}

const holder = globalThis as { __portalMetrics?: MetricsState };

function metrics(): MetricsState {
  holder.__portalMetrics ??= createMetrics();
  return holder.__portalMetrics;
}

/** Starts the job observer early (the registry is otherwise created on the first request). */
export function initMetrics(): void {
  metrics();
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

/** Records one answered request. `route` must be a route pattern, never a raw URL. */
export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  const m = metrics();
  const labels = { method: METHODS.has(method.toUpperCase()) ? method.toUpperCase() : "OTHER", route, status_class: statusClass(status) };
  m.httpRequests.inc(labels);
  m.httpDuration.observe(labels, seconds);
}

/** The exposition text and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  m.snapshot = undefined; // read the database afresh for this scrape
  try {
    return { contentType: m.registry.contentType, body: await m.registry.metrics() };
  } finally {
    m.snapshot = undefined;
  }
}
