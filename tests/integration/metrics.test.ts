import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slaEvents, slaTimers, tickets, webhookDeliveries, webhooks } from "../../db/schema";
import { createOrganization, createUser } from "../../db/seed/factories";
import routeConfig from "~/routes";
import { testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { createJobRunner, enqueueJob } from "~/modules/jobs/runner.server";
import type { ManifestRoute } from "~/modules/ops/route-pattern";
import { httpMetrics, metricsHandler } from "~/server/metrics.server";
import { testDatabase } from "../support/integration-setup";

const TOKEN = "metrics-token-for-tests-0123456789";
const AT = new Date("2026-03-02T09:00:00Z");
let server: Server;
let base: string;

/** The real route table (app/routes.ts) as the server build's manifest shapes it. */
function manifestOf(): Record<string, ManifestRoute> {
  const manifest: Record<string, ManifestRoute> = { root: { id: "root", path: "" } };
  for (const r of routeConfig as unknown as { id?: string; file: string; path?: string; index?: boolean }[]) {
    const id = r.id ?? r.file.replace(/\.[^/.]+$/, "");
    manifest[id] = { id, parentId: "root", path: r.path, index: r.index };
  }
  return manifest;
}

beforeAll(async () => {
  process.env.METRICS_TOKEN = TOKEN;
  resetEnvForTests();
  // The production middleware and handler of app/server/app.ts, with stand-ins for React Router.
  const app = express();
  app.use(httpMetrics(async () => manifestOf()));
  app.get("/metrics", metricsHandler);
  app.get("/desk/tickets/:number", (_req, res) => {
    res.send("ticket");
  });
  app.post("/login", (_req, res) => {
    res.status(400).send("bad");
  });
  app.use((_req, res) => {
    res.status(404).send("none");
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  resetEnvForTests();
  await new Promise((r) => server.close(r));
});

beforeEach(() => testClock.freeze(AT));

const scrape = (token: string | null = TOKEN) => fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The value of one series in the exposition text (null when the series is absent). */
function valueOf(text: string, series: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

describe("/metrics", () => {
  it("is off without METRICS_TOKEN, and refuses a missing or wrong token", async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvForTests();
    const off = await scrape();
    expect(off.status).toBe(404);
    expect(await off.text()).toContain("Set METRICS_TOKEN");
    process.env.METRICS_TOKEN = TOKEN;
    resetEnvForTests();

    const missing = await scrape(null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(await missing.text()).toContain("Authorization: Bearer");
    const wrong = await scrape(`${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await wrong.text()).not.toContain("portal_");
    const short = await scrape("abc");
    expect(short.status).toBe(401);
  });

  it("counts requests by route pattern (never the raw URL) and status class", async () => {
    const before = await (await scrape()).text();
    const series = 'portal_http_requests_total{method="GET",route="/desk/tickets/:number",status_class="2xx"}';
    const start = valueOf(before, series) ?? 0;
    for (const n of [101, 102, 103]) expect((await fetch(`${base}/desk/tickets/${n}`)).status).toBe(200);
    // A single-fetch data request counts as the route it loads.
    await fetch(`${base}/desk/tickets/104.data`);
    await fetch(`${base}/login`, { method: "POST" });
    await fetch(`${base}/__manifest?p=%2Fdesk&version=abc`);
    await fetch(`${base}/no/such/page/12345`);

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(valueOf(text, series)).toBe(start + 4);
    expect(valueOf(text, 'portal_http_requests_total{method="POST",route="/login",status_class="4xx"}')).toBe(1);
    expect(valueOf(text, 'portal_http_requests_total{method="GET",route="(unmatched)",status_class="4xx"}')).toBe(1);
    expect(valueOf(text, 'portal_http_requests_total{method="GET",route="/__manifest",status_class="4xx"}')).toBe(1);
    expect(valueOf(text, 'portal_http_request_duration_seconds_count{method="GET",route="/desk/tickets/:number",status_class="2xx"}')).toBe(start + 4);
    expect(text).toMatch(/portal_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/desk\/tickets\/:number",status_class="2xx"\} \d+/);
    expect(text).not.toContain("/desk/tickets/101");
    expect(text).not.toContain("12345");
    // default process metrics
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("nodejs_heap_size_used_bytes");
  });

  it("counts job runs and failures by job name", async () => {
    const runner = createJobRunner({
      pollMs: 60_000,
      outbox: false,
      tasks: [{ name: "metrics.test-task", everyMs: 60_000, run: async () => {} }],
      handlers: {
        "metrics.ok": async () => {},
        "metrics.broken": async () => {
          throw new Error("boom");
        },
      },
    });
    await enqueueJob(db(), "metrics.ok");
    await enqueueJob(db(), "metrics.broken", {}, { maxAttempts: 3 });
    await runner.tick();
    await runner.stop({ timeoutMs: 2000 });

    const text = await (await scrape()).text();
    expect(valueOf(text, 'portal_job_runs_total{kind="periodic",job="metrics.test-task"}')).toBe(1);
    expect(valueOf(text, 'portal_job_runs_total{kind="job",job="metrics.ok"}')).toBe(1);
    expect(valueOf(text, 'portal_job_runs_total{kind="job",job="metrics.broken"}')).toBe(1);
    expect(valueOf(text, 'portal_job_failures_total{kind="job",job="metrics.broken"}')).toBe(1);
    expect(valueOf(text, 'portal_job_failures_total{kind="job",job="metrics.ok"}')).toBeNull();
    expect(valueOf(text, 'portal_job_duration_seconds_count{kind="job",job="metrics.ok"}')).toBe(1);
  });

  it("reads the outbox and webhook backlogs, open tickets by SLA state and breaches from the database at scrape time", async () => {
    await testDatabase().truncateAll();
    const empty = await (await scrape()).text();
    expect(valueOf(empty, "portal_database_up")).toBe(1);
    expect(valueOf(empty, "portal_email_outbox_pending")).toBe(0);
    expect(valueOf(empty, "portal_webhook_deliveries_pending")).toBe(0);
    expect(valueOf(empty, 'portal_open_tickets{sla_state="breached"}')).toBe(0);
    expect(valueOf(empty, 'portal_sla_breaches_total{metric="firstResponse"}')).toBe(0);

    const org = await createOrganization(db());
    const requester = await createUser(db(), { organizationId: org.id, password: null });
    testClock.freeze(new Date(AT.getTime() - 600_000));
    await enqueueEmail(db(), { to: "someone@example.test", template: "password_reset", data: { name: "Someone", resetUrl: "http://portal.test/reset", expiresInMinutes: 60 } });
    testClock.freeze(AT);
    await enqueueEmail(db(), { to: "other@example.test", template: "password_reset", data: { name: "Other", resetUrl: "http://portal.test/reset", expiresInMinutes: 60 } });
    const [hook] = await db().insert(webhooks).values({ url: "https://hooks.example.test/x", secret: "s".repeat(32) }).returning();
    await db()
      .insert(webhookDeliveries)
      .values([
        { webhookId: hook!.id, eventId: crypto.randomUUID(), eventType: "ticket.created", payload: {}, createdAt: new Date(AT.getTime() - 120_000) },
        { webhookId: hook!.id, eventId: crypto.randomUUID(), eventType: "ticket.created", payload: {}, status: "delivered" },
      ]);

    const past = new Date(AT.getTime() - 60_000);
    const soon = new Date(AT.getTime() + 3_600_000);
    const ticket = (subject: string, extra: Partial<typeof tickets.$inferInsert> = {}) => ({ organizationId: org.id, requesterId: requester.id, subject, ...extra });
    const rows = await db()
      .insert(tickets)
      .values([
        ticket("breached", { status: "open", firstResponseDueAt: past }),
        ticket("warning", { status: "open", resolutionDueAt: soon }),
        ticket("running", { status: "new", firstResponseDueAt: soon }),
        ticket("paused", { status: "pending" }),
        ticket("no sla", { status: "new" }),
        ticket("solved", { status: "solved", firstResponseDueAt: past }),
      ])
      .returning({ id: tickets.id, subject: tickets.subject });
    const id = (s: string) => rows.find((r) => r.subject === s)!.id;
    await db()
      .insert(slaTimers)
      .values([
        { ticketId: id("warning"), metric: "resolution", targetMinutes: 240, warnAt: past, dueAt: soon, state: "running" },
        { ticketId: id("running"), metric: "firstResponse", targetMinutes: 240, warnAt: new Date(AT.getTime() + 600_000), dueAt: soon, state: "running" },
        { ticketId: id("paused"), metric: "resolution", targetMinutes: 240, state: "paused" },
      ]);
    await db()
      .insert(slaEvents)
      .values([
        { ticketId: id("breached"), metric: "firstResponse", kind: "breach", cycle: 1, dueAt: past },
        { ticketId: id("solved"), metric: "firstResponse", kind: "breach", cycle: 1, dueAt: past },
        { ticketId: id("warning"), metric: "resolution", kind: "warning", cycle: 1, dueAt: past },
      ]);

    const text = await (await scrape()).text();
    expect(valueOf(text, "portal_email_outbox_pending")).toBe(2);
    expect(valueOf(text, "portal_email_outbox_oldest_pending_seconds")).toBe(600);
    expect(valueOf(text, "portal_webhook_deliveries_pending")).toBe(1);
    expect(valueOf(text, "portal_webhook_deliveries_oldest_pending_seconds")).toBe(120);
    expect(valueOf(text, 'portal_open_tickets{sla_state="breached"}')).toBe(1);
    expect(valueOf(text, 'portal_open_tickets{sla_state="warning"}')).toBe(1);
    expect(valueOf(text, 'portal_open_tickets{sla_state="running"}')).toBe(1);
    expect(valueOf(text, 'portal_open_tickets{sla_state="paused"}')).toBe(1);
    expect(valueOf(text, 'portal_open_tickets{sla_state="none"}')).toBe(1);
    expect(valueOf(text, 'portal_sla_breaches_total{metric="firstResponse"}')).toBe(2);
    expect(valueOf(text, 'portal_sla_breaches_total{metric="resolution"}')).toBe(0);
    expect(text).toContain("# TYPE portal_sla_breaches_total counter");
    expect(text).toContain("# TYPE portal_open_tickets gauge");
  });
});
