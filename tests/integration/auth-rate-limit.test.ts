import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { rateLimits } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { consumeToken, recordFailure, resetFailures, signInLimits } from "~/modules/auth/rate-limit.server";
import { signIn } from "~/modules/auth/sign-in.server";
import { action as loginAction } from "~/routes/auth/login";
import { createUser } from "../support/factories";
import { call, postForm } from "../support/requests";
import type { FormFailure } from "~/lib/forms";

const PASSWORD = "rate-limit-pass-1";
let ipCounter = 0;
const freshIp = () => `198.18.0.${++ipCounter}`;

afterEach(() => testClock.reset());

function login(email: string, password: string, ip: string) {
  return call(loginAction, postForm("/login", { email, password }), {}, ip);
}

describe("consumeToken", () => {
  it("allows the burst, then refuses with the time until the next token", async () => {
    testClock.freeze(new Date("2026-01-10T10:00:00Z"));
    const policy = { capacity: 3, refillPerSecond: 1 / 10 };
    for (let i = 0; i < 3; i++) expect(await consumeToken("t:burst", policy)).toEqual({ allowed: true });
    expect(await consumeToken("t:burst", policy)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    testClock.advance(4000);
    expect(await consumeToken("t:burst", policy)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    testClock.advance(6000);
    expect(await consumeToken("t:burst", policy)).toEqual({ allowed: true });
    // Refill never exceeds the capacity.
    testClock.advance(3_600_000);
    for (let i = 0; i < 3; i++) expect((await consumeToken("t:burst", policy)).allowed).toBe(true);
    expect((await consumeToken("t:burst", policy)).allowed).toBe(false);
  });

  it("never allows more than the bucket under 30 parallel attempts", async () => {
    testClock.freeze(new Date("2026-01-10T11:00:00Z"));
    const policy = { capacity: 7, refillPerSecond: 1 / 60 };
    const decisions = await Promise.all(Array.from({ length: 30 }, () => consumeToken("t:parallel", policy)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
    const [row] = await db().select().from(rateLimits).where(eq(rateLimits.key, "t:parallel"));
    expect(row!.tokens).toBeGreaterThanOrEqual(0);
  });

  it("keeps keys apart", async () => {
    testClock.freeze(new Date("2026-01-10T12:00:00Z"));
    const policy = { capacity: 1, refillPerSecond: 1 / 60 };
    expect((await consumeToken("t:a", policy)).allowed).toBe(true);
    expect((await consumeToken("t:a", policy)).allowed).toBe(false);
    expect((await consumeToken("t:b", policy)).allowed).toBe(true);
  });

  it("blocks for a growing delay after repeated failures, until reset", async () => {
    testClock.freeze(new Date("2026-01-10T13:00:00Z"));
    const policy = { capacity: 100, refillPerSecond: 1 };
    for (let i = 0; i < 4; i++) {
      expect((await consumeToken("t:fail", policy)).allowed).toBe(true);
      await recordFailure("t:fail");
    }
    expect(await consumeToken("t:fail", policy)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    testClock.advance(2000);
    expect((await consumeToken("t:fail", policy)).allowed).toBe(true);
    await recordFailure("t:fail");
    expect(await consumeToken("t:fail", policy)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    await resetFailures("t:fail");
    expect((await consumeToken("t:fail", policy)).allowed).toBe(true);
  });
});

describe("sign-in limits", () => {
  it("limits one account to its burst of 10 from any IPs, answers 429 with Retry-After, and recovers", async () => {
    testClock.freeze(new Date("2026-02-01T09:00:00Z"));
    const user = await createUser(db(), { password: PASSWORD });
    expect(signInLimits.account.capacity).toBe(10);
    for (let i = 0; i < 10; i++) expect((await login(user.email, PASSWORD, freshIp())).status, `attempt ${i + 1}`).toBe(302);
    const limited = await login(user.email, PASSWORD, freshIp());
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect((limited.data as FormFailure).formError).toMatch(/Too many sign-in attempts. Try again in 30 seconds/);
    expect((limited.data as FormFailure).values.email).toBe(user.email);
    // Another account from the same kind of addresses is unaffected.
    const other = await createUser(db(), { password: PASSWORD });
    expect((await login(other.email, PASSWORD, freshIp())).status).toBe(302);

    testClock.advance(29_000);
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(429);
    testClock.advance(1000);
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(302);
  });

  it("counts the account by its normalized address", async () => {
    testClock.freeze(new Date("2026-02-02T09:00:00Z"));
    const user = await createUser(db(), { email: "mixed-case@example.test", password: PASSWORD });
    for (let i = 0; i < 10; i++) await login(i % 2 ? "MIXED-case@example.test" : " mixed-case@example.test ", PASSWORD, freshIp());
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(429);
  });

  it("limits one IP to its burst of 20 across accounts; other IPs are unaffected", async () => {
    testClock.freeze(new Date("2026-02-03T09:00:00Z"));
    const ip = freshIp();
    const people = await Promise.all(Array.from({ length: 22 }, () => createUser(db(), { password: PASSWORD })));
    for (let i = 0; i < 20; i++) expect((await login(people[i]!.email, PASSWORD, ip)).status, `attempt ${i + 1}`).toBe(302);
    const limited = await login(people[20]!.email, PASSWORD, ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("6");
    expect((await login(people[20]!.email, PASSWORD, freshIp())).status).toBe(302);
    testClock.advance(6000);
    expect((await login(people[21]!.email, PASSWORD, ip)).status).toBe(302);
  });

  it("ignores X-Forwarded-For: the HTTP layer's ip is the only key", async () => {
    testClock.freeze(new Date("2026-02-04T09:00:00Z"));
    const ip = freshIp();
    const people = await Promise.all(Array.from({ length: 21 }, () => createUser(db(), { password: PASSWORD })));
    for (let i = 0; i < 21; i++) {
      const request = postForm("/login", { email: people[i]!.email, password: PASSWORD });
      request.headers.set("x-forwarded-for", `203.0.113.${i + 1}`);
      const res = await call(loginAction, request, {}, ip);
      expect(res.status, `attempt ${i + 1}`).toBe(i < 20 ? 302 : 429);
    }
    const rows = await db().select({ key: rateLimits.key }).from(rateLimits);
    expect(rows.some((r) => r.key.startsWith("signin:ip:203.0.113."))).toBe(false);
    expect(rows.some((r) => r.key === `signin:ip:${ip}`)).toBe(true);
  });

  it("slows down repeated wrong passwords for an account, and a success clears the delay", async () => {
    testClock.freeze(new Date("2026-02-05T09:00:00Z"));
    const user = await createUser(db(), { password: PASSWORD });
    for (let i = 0; i < 4; i++) expect((await login(user.email, "wrong-password-x", freshIp())).status).toBe(401);
    const delayed = await login(user.email, PASSWORD, freshIp());
    expect(delayed.status).toBe(429);
    expect(delayed.headers.get("retry-after")).toBe("2");
    testClock.advance(2000);
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(302);
    // The success reset the failure count: a new wrong password is not delayed.
    expect((await login(user.email, "wrong-password-x", freshIp())).status).toBe(401);
  });

  it("30 parallel attempts on one account never get past the bucket", async () => {
    testClock.freeze(new Date("2026-02-06T09:00:00Z"));
    const user = await createUser(db(), { password: PASSWORD });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn({ email: user.email, password: PASSWORD, ip: `198.19.${i}.1` })),
    );
    const signedIn = results.filter((r) => r.ok);
    const limited = results.filter((r) => !r.ok && r.reason === "rate_limited");
    expect(signedIn.length).toBeLessThanOrEqual(signInLimits.account.capacity);
    expect(signedIn.length).toBe(signInLimits.account.capacity);
    expect(limited).toHaveLength(30 - signInLimits.account.capacity);
  });

  it("30 parallel wrong passwords from one IP never get more than the bucket through", async () => {
    testClock.freeze(new Date("2026-02-07T09:00:00Z"));
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn({ email: `ghost${i}@example.test`, password: "guess-guess-1", ip })),
    );
    const checked = results.filter((r) => !r.ok && r.reason === "invalid");
    expect(checked.length).toBeLessThanOrEqual(signInLimits.ip.capacity);
    expect(results.filter((r) => r.ok)).toHaveLength(0);
  });
});
