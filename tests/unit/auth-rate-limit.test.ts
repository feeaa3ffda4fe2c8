import { describe, expect, it } from "vitest";
import { delayAfterFailures, passwordResetLimits, signInLimits } from "~/modules/auth/rate-limit.server";

describe("delayAfterFailures", () => {
  it("adds no delay for the first three failures", () => {
    expect([0, 1, 2, 3].map(delayAfterFailures)).toEqual([0, 0, 0, 0]);
  });

  it("doubles from 2 seconds after that", () => {
    expect([4, 5, 6, 7, 8].map(delayAfterFailures)).toEqual([2, 4, 8, 16, 32]);
  });

  it("never grows past 15 minutes", () => {
    expect(delayAfterFailures(13)).toBe(900);
    expect(delayAfterFailures(14)).toBe(900);
    expect(delayAfterFailures(1000)).toBe(900);
  });

  it("never shrinks as failures grow", () => {
    let previous = 0;
    for (let n = 0; n < 50; n++) {
      const d = delayAfterFailures(n);
      expect(d).toBeGreaterThanOrEqual(previous);
      previous = d;
    }
  });
});

describe("policies", () => {
  it("limit the account harder than the IP", () => {
    expect(signInLimits.account.capacity).toBeLessThan(signInLimits.ip.capacity);
    expect(signInLimits.account.refillPerSecond).toBeLessThan(signInLimits.ip.refillPerSecond);
  });

  it("allow 5 forgot-password requests per IP per 15 minutes", () => {
    expect(passwordResetLimits.ip.capacity).toBe(5);
    expect(passwordResetLimits.ip.refillPerSecond * 15 * 60).toBeCloseTo(5);
  });
});
