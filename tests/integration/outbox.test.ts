import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emailOutbox } from "../../db/schema";
import { testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { backoffMs, claimDueEmails, dispatchOutbox } from "~/modules/email/dispatcher.server";
import { assertHeaderSafe, EmailHeaderError, enqueueEmail } from "~/modules/email/outbox.server";
import { idempotencyKeyFor, ResendTransport, transportFromEnv } from "~/modules/email/transport.server";
import { startFakeResend, type FakeResend } from "../support/fake-resend";
import { testDatabase } from "../support/integration-setup";

let fake: FakeResend;
const saved = { key: process.env.RESEND_API_KEY, base: process.env.RESEND_BASE_URL };
const fixedJitter = () => 0.5; // 0.8 + 0.4 · 0.5 = exactly the nominal backoff

function restoreEnv(): void {
  if (saved.key === undefined) delete process.env.RESEND_API_KEY;
  else process.env.RESEND_API_KEY = saved.key;
  if (saved.base === undefined) delete process.env.RESEND_BASE_URL;
  else process.env.RESEND_BASE_URL = saved.base;
  resetEnvForTests();
}

function useFakeResend(): void {
  process.env.RESEND_API_KEY = "re_test_123";
  process.env.RESEND_BASE_URL = fake.url;
  resetEnvForTests();
}

beforeAll(async () => {
  fake = await startFakeResend();
});

afterAll(async () => {
  restoreEnv();
  await fake.close();
});

beforeEach(async () => {
  await testDatabase().truncateAll();
  fake.reset();
  testClock.freeze(new Date("2026-03-02T09:00:00Z"));
  useFakeResend();
});

afterEach(() => {
  testClock.reset();
  restoreEnv();
});

const resetMail = (to = "ada@example.test", name = "Ada") => ({
  to,
  template: "password_reset" as const,
  data: { name, resetUrl: "http://portal.test/reset-password/tok123", expiresInMinutes: 30 },
});

async function row(id: number) {
  const [r] = await db().select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return r!;
}

describe("outbox enqueue", () => {
  it("sends nothing when the enqueuing transaction rolls back", async () => {
    await expect(
      db().transaction(async (tx) => {
        await enqueueEmail(tx, resetMail());
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const result = await dispatchOutbox(db());
    expect(result.claimed).toBe(0);
    expect(await db().select().from(emailOutbox)).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses CR/LF in the recipient, reply-to, extra headers and subject (header injection)", async () => {
    await expect(enqueueEmail(db(), resetMail("ada@example.test\r\nBcc: all@example.test"))).rejects.toBeInstanceOf(EmailHeaderError);
    await expect(enqueueEmail(db(), { ...resetMail(), replyTo: "a@example.test\nBcc: x@example.test" })).rejects.toBeInstanceOf(
      EmailHeaderError,
    );
    await expect(enqueueEmail(db(), { ...resetMail(), headers: { "In-Reply-To": "<a@x>\r\nBcc: x@example.test" } })).rejects.toBeInstanceOf(
      EmailHeaderError,
    );
    expect(() => assertHeaderSafe("subject", "Hello\r\nBcc: x@example.test")).toThrow(EmailHeaderError);
    expect(await db().select().from(emailOutbox)).toHaveLength(0);
  });

  it("keeps a subject built from user text on one line", async () => {
    const { id } = await enqueueEmail(db(), {
      to: "new@example.test",
      template: "invitation",
      data: { inviterName: "Ada", organizationName: "Acme\r\nBcc: all@example.test", role: "customer", acceptUrl: "http://portal.test/invite/t", expiresInDays: 7 },
    });
    expect((await row(id)).subject).not.toMatch(/[\r\n]/);
  });

  it("escapes user text in the HTML body (a name like <script>)", async () => {
    const { id } = await enqueueEmail(db(), resetMail("ada@example.test", `<script>alert("x")</script> & <b>Ada</b>`));
    const stored = await row(id);
    expect(stored.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Ada&lt;/b&gt;");
    expect(stored.html).not.toContain("<script>");
    expect(stored.html).not.toContain("<b>Ada</b>");
    await dispatchOutbox(db());
    expect(fake.deliveries[0]!.body.html).not.toContain("<script>");
  });
});

describe("outbox dispatcher", () => {
  it("delivers through Resend with the row's idempotency key, headers and bodies", async () => {
    const { id } = await enqueueEmail(db(), { ...resetMail(), replyTo: "help@portal.test", headers: { "X-Entity-Ref-ID": "t-1" } });
    const result = await dispatchOutbox(db());
    expect(result).toMatchObject({ claimed: 1, sent: 1 });
    expect(fake.deliveries).toHaveLength(1);
    const d = fake.deliveries[0]!;
    expect(d.idempotencyKey).toBe(`outbox-${id}`);
    expect(d.authorization).toBe("Bearer re_test_123");
    expect(d.body).toMatchObject({
      from: "Support <support@portal.test>",
      to: "ada@example.test",
      subject: "Reset your password",
      reply_to: "help@portal.test",
      headers: { "X-Entity-Ref-ID": "t-1" },
    });
    expect(d.body.text).toContain("http://portal.test/reset-password/tok123");
    const sent = await row(id);
    expect(sent).toMatchObject({ status: "sent", transport: "resend", attempts: 1, providerMessageId: d.id, lockedUntil: null });
    expect(sent.sentAt?.toISOString()).toBe("2026-03-02T09:00:00.000Z");
  });

  it("retries after a 500 with backoff and delivers exactly once", async () => {
    const { id } = await enqueueEmail(db(), resetMail());
    fake.failNext(1, 500);

    const first = await dispatchOutbox(db(), { random: fixedJitter });
    expect(first).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    const queued = await row(id);
    expect(queued.status).toBe("queued");
    expect(queued.attempts).toBe(1);
    expect(queued.lastError).toMatch(/500/);
    expect(queued.nextAttemptAt.toISOString()).toBe("2026-03-02T09:00:30.000Z");

    // Not due yet: the backoff is respected.
    testClock.advance(29_000);
    expect((await dispatchOutbox(db(), { random: fixedJitter })).claimed).toBe(0);

    testClock.advance(1_000);
    const second = await dispatchOutbox(db(), { random: fixedJitter });
    expect(second).toMatchObject({ claimed: 1, sent: 1 });
    const sent = await row(id);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(fake.deliveries).toHaveLength(1);
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual([`outbox-${id}`, `outbox-${id}`]);
    expect(sent.providerMessageId).toBe(fake.deliveries[0]!.id);
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffMs(1, () => 0.5)).toBe(30_000);
    expect(backoffMs(2, () => 0.5)).toBe(60_000);
    expect(backoffMs(4, () => 0.5)).toBe(240_000);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(1, () => 0)).toBe(24_000);
    expect(backoffMs(1, () => 0.999999)).toBe(36_000);
  });

  it("marks the email failed after 8 attempts, keeping the last error", async () => {
    const { id } = await enqueueEmail(db(), resetMail());
    fake.failNext(100, 503);
    for (let i = 1; i <= 8; i++) {
      const r = await dispatchOutbox(db(), { random: fixedJitter });
      expect(r.claimed).toBe(1);
      testClock.advance(2 * 60 * 60_000);
    }
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "failed", attempts: 8, transport: "resend" });
    expect(failed.lastError).toMatch(/503/);
    expect((await dispatchOutbox(db())).claimed).toBe(0);
    expect(fake.requests).toHaveLength(8);
    expect(fake.deliveries).toHaveLength(0);
  });

  it("fails at once when the provider refuses the message (422)", async () => {
    const { id } = await enqueueEmail(db(), resetMail());
    fake.failNext(1, 422);
    const r = await dispatchOutbox(db());
    expect(r.failed).toBe(1);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("retries a 'sending' row whose lease expired (crashed process) with the same idempotency key", async () => {
    const { id } = await enqueueEmail(db(), resetMail());
    // A process claims the row, the provider delivers it, and the process dies before recording it.
    const { rows } = await claimDueEmails(db(), 10, 60_000);
    expect(rows.map((r) => r.id)).toEqual([id]);
    const crashed = new ResendTransport("re_test_123", { baseUrl: fake.url });
    const first = await crashed.send(
      { id, from: rows[0]!.fromAddress, to: rows[0]!.toAddress, replyTo: null, subject: rows[0]!.subject, html: rows[0]!.html, text: rows[0]!.text, headers: {} },
      { idempotencyKey: idempotencyKeyFor(id) },
    );
    expect(first.ok).toBe(true);
    expect(await row(id)).toMatchObject({ status: "sending", attempts: 1 });

    // While the lease runs, nobody else touches the row.
    testClock.advance(59_000);
    expect((await dispatchOutbox(db())).claimed).toBe(0);

    testClock.advance(2_000);
    const r = await dispatchOutbox(db());
    expect(r).toMatchObject({ claimed: 1, sent: 1 });
    expect(fake.requests.map((q) => q.idempotencyKey)).toEqual([`outbox-${id}`, `outbox-${id}`]);
    expect(fake.deliveries).toHaveLength(1);
    expect(fake.duplicates).toBe(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, providerMessageId: fake.deliveries[0]!.id });
  });

  it("treats a provider that does not answer as a failed attempt, and the retry does not deliver twice", async () => {
    const { id } = await enqueueEmail(db(), resetMail());
    fake.hangNext(1, { deliver: true });
    const first = await dispatchOutbox(db(), { sendTimeoutMs: 300, random: fixedJitter });
    expect(first.retried).toBe(1);
    expect((await row(id)).lastError).toMatch(/timed out|network/);
    testClock.advance(30_000);
    await dispatchOutbox(db(), { random: fixedJitter });
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(fake.deliveries).toHaveLength(1);
    expect(fake.duplicates).toBe(1);
  });

  it("refuses a row with CR/LF in its subject even when it reached the table another way", async () => {
    const [bad] = await db()
      .insert(emailOutbox)
      .values({
        toAddress: "ada@example.test",
        fromAddress: "Support <support@portal.test>",
        subject: "Hi\r\nBcc: everyone@example.test",
        html: "<p>x</p>",
        text: "x",
        template: "password_reset",
        nextAttemptAt: new Date("2026-03-02T08:00:00Z"),
      })
      .returning();
    const r = await dispatchOutbox(db());
    expect(r.failed).toBe(1);
    expect(await row(bad!.id)).toMatchObject({ status: "failed" });
    expect((await row(bad!.id)).lastError).toMatch(/line breaks/);
    expect(fake.requests).toHaveLength(0);
  });

  it("two dispatchers at once deliver every email once", async () => {
    for (let i = 0; i < 30; i++) await enqueueEmail(db(), resetMail(`user${i}@example.test`));
    const results = await Promise.all([
      dispatchOutbox(db(), { batchSize: 10 }),
      dispatchOutbox(db(), { batchSize: 10 }),
      dispatchOutbox(db(), { batchSize: 10 }),
      dispatchOutbox(db(), { batchSize: 10 }),
    ]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(30);
    expect(fake.requests).toHaveLength(30);
    expect(new Set(fake.deliveries.map((d) => d.idempotencyKey)).size).toBe(30);
  });

  it("keeps mail in the dev mailbox without RESEND_API_KEY", async () => {
    delete process.env.RESEND_API_KEY;
    resetEnvForTests();
    expect(transportFromEnv().name).toBe("dev-mailbox");
    const { id } = await enqueueEmail(db(), resetMail());
    await dispatchOutbox(db());
    expect(await row(id)).toMatchObject({ status: "sent", transport: "dev-mailbox", providerMessageId: `dev-outbox-${id}` });
    expect(fake.requests).toHaveLength(0);
  });
});
