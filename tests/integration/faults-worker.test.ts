import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { emailOutbox } from "../../db/schema";
import { db } from "~/lib/db.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { startFakeResend, type FakeResend } from "../support/fake-resend";
import { testDatabase } from "../support/integration-setup";

// The worker killed with SIGKILL in the middle of dispatching (issue #9, on the real Postgres):
// no email is lost and none is sent twice. A real `npm run worker`-like process is started from
// the sources, killed while two of its sends have reached Resend but their answers have not come
// back, and a second worker (whose clock is past the first one's lease) finishes the job.
const children: ChildProcess[] = [];
let fake: FakeResend | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await fake?.close();
});

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/worker-process.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready: ${stderr.slice(-2000)}`)));
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe.runIf(process.env.DATABASE_URL)("a worker killed with SIGKILL mid-dispatch (Postgres)", () => {
  it("loses no email and sends none twice", { timeout: 180_000 }, async () => {
    fake = await startFakeResend();
    const url = testDatabase().url!;
    for (let i = 0; i < 6; i++) {
      await enqueueEmail(db(), {
        to: `person${i}@example.test`,
        template: "password_reset",
        data: { name: `Person ${i}`, resetUrl: "http://portal.test/reset-password/tok", expiresInMinutes: 30 },
      });
    }
    // The first two sends reach Resend (and are delivered) but their answers never come back.
    fake.hangNext(2, { deliver: true });
    const env = {
      DATABASE_URL: url,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      RUN_JOBS: "true",
      JOB_POLL_MS: "100",
      SEED_DEMO: "false",
      APP_URL: "http://portal.test",
      EMAIL_FROM: "Support <support@portal.test>",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: fake.url,
    };
    const first = await startWorker(env);
    await waitFor("all six emails to reach Resend and four answers to be recorded", async () => {
      if (fake!.deliveries.length < 6) return false;
      const rows = await db().select({ status: emailOutbox.status }).from(emailOutbox);
      return rows.filter((r) => r.status === "sent").length >= 4;
    });
    first.kill("SIGKILL");
    await exited(first);
    const afterKill = await db().select({ status: emailOutbox.status }).from(emailOutbox);
    expect(afterKill.filter((r) => r.status === "sending")).toHaveLength(2);

    // A second worker whose clock is past the dead worker's two-minute lease takes the two over.
    const second = await startWorker({ ...env, TEST_CLOCK_OFFSET_MS: String(5 * 60_000) });
    await waitFor("every email to be marked sent", async () => (await db().select({ status: emailOutbox.status }).from(emailOutbox)).every((r) => r.status === "sent"));
    second.kill("SIGTERM");
    await exited(second);

    const rows = await db().select().from(emailOutbox);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === "sent" && r.providerMessageId)).toBe(true);
    // Each email reached Resend exactly once: the retries reused their idempotency keys, and Resend
    // answered them with the first delivery instead of sending again.
    expect(fake.deliveries).toHaveLength(6);
    expect(new Set(fake.deliveries.map((d) => d.idempotencyKey)).size).toBe(6);
    expect(fake.duplicates).toBe(2);
    expect(new Set(fake.deliveries.map((d) => (Array.isArray(d.body.to) ? d.body.to[0] : d.body.to)))).toEqual(new Set(rows.map((r) => r.toAddress)));
  });
});
