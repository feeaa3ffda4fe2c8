import { describe, expect, it } from "vitest";
import { classifyErrors, ormFirst, overheadVerdict, percentile, replayDependencies, summarize } from "../../bench/stats";

describe("bench stats", () => {
  it("takes nearest-rank percentiles and summaries", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, p50: 2, p95: 4, mean: 2.5 });
  });

  it("judges Drizzle against raw postgres.js on the ratio of the medians of paired samples", () => {
    const raw = [10, 10, 11, 12, 10];
    const ok = overheadVerdict([12, 11, 13, 12, 12], raw);
    expect(ok.ratioP50).toBeCloseTo(12 / 10);
    expect(ok.pass).toBe(true);
    // per pair: 1.2, 1.1, 13/11, 1, 1.2 → median 13/11
    expect(ok.pairedRatio).toBeCloseTo(13 / 11);
    const slow = overheadVerdict([13, 13, 14, 15, 13], raw);
    expect(slow.ratioP50).toBeCloseTo(1.3);
    expect(slow.pass).toBe(false);
    expect(overheadVerdict([13], [10], 1.5).pass).toBe(true);
    expect(() => overheadVerdict([1, 2], [1])).toThrow(/paired/);
    expect(overheadVerdict([], []).pass).toBe(false);
  });

  it("alternates which variant runs first (ABBA)", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(ormFirst)).toEqual([true, false, false, true, true, false, false, true]);
  });

  it("tells timeouts, socket errors, 5xx and 4xx apart (autocannon counts timeouts among its errors)", () => {
    expect(classifyErrors({ timeouts: 3, errors: 5, statuses: { 200: 90, 302: 30, 500: 2, 409: 1, 101: 1 } })).toEqual({
      total: 3 + 2 + 2 + 1 + 1,
      kinds: { timeout: 3, socket: 2, "5xx": 2, "4xx": 1, "other-status": 1 },
    });
    expect(classifyErrors({ timeouts: 0, errors: 0, statuses: { 200: 5, 303: 2 } }).total).toBe(0);
    expect(classifyErrors({ timeouts: 0, errors: 0, statuses: { 404: 1 }, expected: [404] }).total).toBe(0);
  });

  it("replays a statement after the ones that had finished when it started, beside the others", () => {
    // a; then b and c together (Promise.all); then d
    const deps = replayDependencies([
      { start: 0, end: 1 },
      { start: 2, end: 5 },
      { start: 2.1, end: 4 },
      { start: 6, end: 7 },
    ]);
    expect(deps).toEqual([[], [0], [0], [0, 1, 2]]);
  });
});
