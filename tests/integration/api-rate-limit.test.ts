import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiUsage } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { apiLimits } from "~/modules/api/limits";
import { loader as meLoader } from "~/routes/api/me";
import { createOrganization } from "../support/factories";
import { call } from "../support/requests";
import { apiRequest, userWithToken } from "../support/api";

let orgId: string;

beforeAll(async () => {
  orgId = (await createOrganization(db(), { name: "Busy Co" })).id;
});

afterEach(() => testClock.reset());

describe("API rate limits", () => {
  it("answers 429 with Retry-After and RateLimit headers once a token's burst is spent, then recovers", async () => {
    const { token, tokenId } = await userWithToken("customer", { organizationId: orgId });
    testClock.freeze(Date.parse("2026-11-24T12:00:00Z"));
    const capacity = apiLimits.token.capacity;
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < capacity; i++) {
      last = await call(meLoader, apiRequest("GET", "/api/v1/me", token));
      expect(last.status).toBe(200);
      expect(last.headers.get("ratelimit-limit")).toBe(String(capacity));
      expect(last.headers.get("ratelimit-remaining")).toBe(String(capacity - 1 - i));
    }
    expect(Number(last!.headers.get("ratelimit-reset"))).toBe(capacity / apiLimits.token.refillPerSecond);

    const limited = await call(meLoader, apiRequest("GET", "/api/v1/me", token));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(limited.data).toMatchObject({ status: 429, code: "rate_limited" });
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("ratelimit-reset")).toBe("1");

    // Time passes: one request's worth is back, then the bucket refills.
    testClock.advance(1000);
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", token))).status).toBe(200);
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", token))).status).toBe(429);
    testClock.advance(60_000);
    const recovered = await call(meLoader, apiRequest("GET", "/api/v1/me", token));
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get("ratelimit-remaining")).toBe(String(capacity - 1));

    // Refused requests count as errors in the day's usage.
    const [usage] = await db().select().from(apiUsage).where(eq(apiUsage.tokenId, tokenId));
    expect(usage).toMatchObject({ day: "2026-11-24", requests: capacity + 4, errors: 2 });
  });

  it("limits an organization across its members' tokens", async () => {
    const a = await userWithToken("customer", { organizationId: orgId });
    const b = await userWithToken("customer", { organizationId: orgId });
    const outsider = await userWithToken("customer", { organizationId: (await createOrganization(db(), { name: "Calm Co" })).id });
    testClock.freeze(Date.parse("2026-11-24T13:00:00Z"));
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", a.token))).status).toBe(200);
    // Spend the organization's bucket (as if its members had made 300 requests just now).
    await db().execute(sql`update rate_limits set tokens = 0 where key = ${`api:org:${orgId}`}`);
    const limited = await call(meLoader, apiRequest("GET", "/api/v1/me", b.token));
    expect(limited.status).toBe(429);
    expect((limited.data as { detail: string }).detail).toMatch(/organization/);
    expect(limited.headers.get("retry-after")).toBe("1");
    // Another organization is unaffected.
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", outsider.token))).status).toBe(200);
    testClock.advance(1000);
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", b.token))).status).toBe(200);
  });
});
