import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, type Database, type DatabaseHandle } from "../../db/client";
import { emailOutbox, jobs, jobSchedules } from "../../db/schema";
import { testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { createJobRunner, enqueueJob, type JobRunner, type PeriodicTask } from "~/modules/jobs/runner.server";
import { startFakeResend, type FakeResend } from "../support/fake-resend";
import { testDatabase } from "../support/integration-setup";

const onPostgres = !!process.env.DATABASE_URL;
let second: DatabaseHandle | undefined;
/** A second handle on the same database (Postgres: its own pool; PGlite: the one connection). */
const otherDb = (): Database => second?.db ?? db();
const runners: JobRunner[] = [];

function runner(options: Parameters<typeof createJobRunner>[0] = {}): JobRunner {
  const r = createJobRunner({ pollMs: 60_000, random: () => 0.5, ...options });
  runners.push(r);
  return r;
}

beforeAll(async () => {
  const url = testDatabase().url;
  if (url) second = await createDatabase({ url, max: 5 });
});

afterAll(async () => {
  await second?.close();
});

beforeEach(async () => {
  await testDatabase().truncateAll();
  testClock.freeze(new Date("2026-03-02T09:00:00Z"));
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop({ timeoutMs: 2000 })));
  testClock.reset();
});

describe("periodic tasks", () => {
  it("run once per period across two runners", async () => {
    const runs: string[] = [];
    const task = (who: string): PeriodicTask => ({
      name: "test.sweep",
      everyMs: 60_000,
      run: async () => {
        runs.push(who);
      },
    });
    const a = runner({ outbox: false, tasks: [task("a")], handlers: {} });
    const b = runner({ outbox: false, tasks: [task("b")], handlers: {}, db: otherDb });

    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);

    testClock.advance(59_000);
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);

    testClock.advance(1_000);
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(2);

    const [schedule] = await db().select().from(jobSchedules).where(eq(jobSchedules.name, "test.sweep"));
    expect(schedule).toMatchObject({ runs: 2, failures: 0, lockedUntil: null });
    expect(schedule!.nextRunAt.toISOString()).toBe("2026-03-02T09:02:00.000Z");
  });

  it("records a failing run and keeps going", async () => {
    let calls = 0;
    const r = runner({
      outbox: false,
      handlers: {},
      tasks: [
        {
          name: "test.flaky",
          everyMs: 1_000,
          run: async () => {
            calls++;
            if (calls === 1) throw new Error("sweep exploded");
          },
        },
      ],
    });
    await r.tick();
    const [failed] = await db().select().from(jobSchedules).where(eq(jobSchedules.name, "test.flaky"));
    expect(failed).toMatchObject({ runs: 1, failures: 1, lastError: "sweep exploded", lockedUntil: null });
    testClock.advance(1_000);
    await r.tick();
    const [ok] = await db().select().from(jobSchedules).where(eq(jobSchedules.name, "test.flaky"));
    expect(ok).toMatchObject({ runs: 2, failures: 1, lastError: null });
    expect(r.counters.periodic["test.flaky"]).toEqual({ runs: 2, failures: 1 });
  });
});

describe("one-off jobs", () => {
  it("retries a failing job with backoff and reports progress", async () => {
    const seen: number[] = [];
    const r = runner({
      outbox: false,
      tasks: [],
      handlers: {
        "test.recompute": async (payload, ctx) => {
          seen.push(ctx.job.attempts);
          expect(payload).toEqual({ ticketId: 7 });
          await ctx.setProgress(1, 2);
          if (ctx.job.attempts === 1) throw new Error("first attempt fails");
          await ctx.setProgress(2, 2);
        },
      },
    });
    const { id } = await enqueueJob(db(), "test.recompute", { ticketId: 7 });
    await r.tick();
    const [retry] = await db().select().from(jobs).where(eq(jobs.id, id!));
    expect(retry).toMatchObject({ status: "queued", attempts: 1, lastError: "first attempt fails", lockedBy: null });
    expect(retry!.runAt.toISOString()).toBe("2026-03-02T09:00:10.000Z");

    await r.tick();
    expect(seen).toEqual([1]);

    testClock.advance(10_000);
    await r.tick();
    const [done] = await db().select().from(jobs).where(eq(jobs.id, id!));
    expect(done).toMatchObject({ status: "done", attempts: 2, progress: { done: 2, total: 2 }, lastError: null });
    expect(seen).toEqual([1, 2]);
    expect(r.counters.jobs).toMatchObject({ runs: 2, failures: 1, done: 1, retried: 1 });
  });

  it("fails a job for good after maxAttempts", async () => {
    const r = runner({ outbox: false, tasks: [], handlers: { "test.broken": async () => Promise.reject(new Error("nope")) } });
    const { id } = await enqueueJob(db(), "test.broken", {}, { maxAttempts: 2 });
    await r.tick();
    testClock.advance(60_000);
    await r.tick();
    const [row] = await db().select().from(jobs).where(eq(jobs.id, id!));
    expect(row).toMatchObject({ status: "failed", attempts: 2, lastError: "nope" });
    expect(row!.finishedAt).not.toBeNull();
  });

  it("runs each job once across two runners, deduplicates by uniqueKey, drops jobs of a rolled-back transaction", async () => {
    const ran: number[] = [];
    const handlers = { "test.once": async (p: Record<string, unknown>) => void ran.push(p.n as number) };
    for (let n = 0; n < 12; n++) await enqueueJob(db(), "test.once", { n });
    expect((await enqueueJob(db(), "test.once", { n: 100 }, { uniqueKey: "k" })).id).not.toBeNull();
    expect((await enqueueJob(db(), "test.once", { n: 101 }, { uniqueKey: "k" })).id).toBeNull();
    await db()
      .transaction(async (tx) => {
        await enqueueJob(tx, "test.once", { n: 200 });
        throw new Error("rollback");
      })
      .catch(() => {});
    const a = runner({ outbox: false, tasks: [], handlers });
    const b = runner({ outbox: false, tasks: [], handlers, db: otherDb });
    await Promise.all([a.tick(), b.tick()]);
    expect(ran.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100]);
    // Once the keyed job finished, the key is free again.
    expect((await enqueueJob(db(), "test.once", { n: 102 }, { uniqueKey: "k" })).id).not.toBeNull();
  });

  it("leaves jobs of unknown types for a runner that has their handler", async () => {
    const r = runner({ outbox: false, tasks: [], handlers: { "test.known": async () => {} } });
    const { id } = await enqueueJob(db(), "test.other-version", {});
    await r.tick();
    const [row] = await db().select().from(jobs).where(eq(jobs.id, id!));
    expect(row).toMatchObject({ status: "queued", attempts: 0 });
  });
});

describe("runner lifecycle", () => {
  it("wakes on an enqueued email, and stop() waits for the job in flight", async () => {
    testClock.reset();
    let finished = false;
    const r = runner({
      tasks: [],
      handlers: {
        "test.slow": async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          finished = true;
        },
      },
    });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 150)); // the first polls run
    const { id } = await enqueueEmail(db(), {
      to: "ada@example.test",
      template: "password_changed",
      data: { name: "Ada", accountUrl: "http://portal.test/account" },
    });
    // The poll is a minute away: only the wake-up can send it.
    await expect.poll(async () => (await db().select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!.status, { timeout: 3000 }).toBe("sent");

    await enqueueJob(db(), "test.slow", {});
    void r.tick();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await r.stop({ timeoutMs: 5000 });
    expect(finished).toBe(true);
    const [job] = await db().select().from(jobs);
    expect(job!.status).toBe("done");
  });

  it("stop() gives up after its timeout and releases the job it still holds", async () => {
    testClock.reset();
    const r = runner({ outbox: false, tasks: [], handlers: { "test.stuck": () => new Promise<void>(() => {}) } });
    r.start();
    await enqueueJob(db(), "test.stuck", {});
    void r.tick();
    await expect.poll(async () => (await db().select().from(jobs))[0]!.status, { timeout: 3000 }).toBe("running");
    const t0 = Date.now();
    await r.stop({ timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(2000);
    const [job] = await db().select().from(jobs);
    expect(job).toMatchObject({ status: "queued", lockedBy: null, lockedUntil: null });
  });

  it("survives a database error: logs, counts, keeps polling", async () => {
    const r = runner({
      tasks: [{ name: "test.x", everyMs: 1000, run: async () => {} }],
      handlers: {},
      db: () => {
        throw new Error("database is down");
      },
    });
    await expect(r.tick()).resolves.toBeUndefined();
    expect(r.counters.errors).toBeGreaterThan(0);
  });
});

describe.runIf(onPostgres)("two job runners on one Postgres", () => {
  let fake: FakeResend;
  const saved = { key: process.env.RESEND_API_KEY, base: process.env.RESEND_BASE_URL };

  beforeAll(async () => {
    fake = await startFakeResend();
  });
  afterAll(async () => {
    if (saved.key === undefined) delete process.env.RESEND_API_KEY;
    else process.env.RESEND_API_KEY = saved.key;
    if (saved.base === undefined) delete process.env.RESEND_BASE_URL;
    else process.env.RESEND_BASE_URL = saved.base;
    resetEnvForTests();
    await fake.close();
  });

  it("dispatch 200 emails, each exactly once", async () => {
    testClock.reset();
    process.env.RESEND_API_KEY = "re_test_123";
    process.env.RESEND_BASE_URL = fake.url;
    resetEnvForTests();
    const a = runner({ pollMs: 50, tasks: [], handlers: {}, id: "runner-a" });
    const b = runner({ pollMs: 50, tasks: [], handlers: {}, id: "runner-b", db: otherDb });
    // Both poll while the mail is being written (in batches of 20 per transaction).
    a.start();
    b.start();
    const t0 = performance.now();
    for (let batch = 0; batch < 10; batch++) {
      await db().transaction(async (tx) => {
        for (let i = 0; i < 20; i++) {
          const n = batch * 20 + i;
          await enqueueEmail(tx, {
            to: `user${n}@example.test`,
            template: "password_changed",
            data: { name: `User ${n}`, accountUrl: "http://portal.test/account" },
          });
        }
      });
    }
    await expect
      .poll(async () => (await db().select({ id: emailOutbox.id }).from(emailOutbox).where(eq(emailOutbox.status, "sent"))).length, {
        timeout: 20_000,
        interval: 50,
      })
      .toBe(200);
    const ms = performance.now() - t0;
    expect(fake.requests).toHaveLength(200);
    expect(fake.deliveries).toHaveLength(200);
    expect(fake.duplicates).toBe(0);
    expect(new Set(fake.deliveries.map((d) => d.idempotencyKey)).size).toBe(200);
    const rows = await db().select().from(emailOutbox);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    expect(a.counters.outbox.sent + b.counters.outbox.sent).toBe(200);
    expect(a.counters.outbox.lost + b.counters.outbox.lost).toBe(0);
    console.log(
      `200 emails by two runners on Postgres: ${Math.round(ms)} ms (runner a sent ${a.counters.outbox.sent}, runner b ${b.counters.outbox.sent})`,
    );
  });
});
