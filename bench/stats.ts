// Pure helpers of the bench harness (no I/O), unit-tested in tests/unit/bench-stats.test.ts.

/** The p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN };
}

export interface OverheadVerdict {
  orm: Summary;
  raw: Summary;
  /** orm p50 ÷ raw p50: the verdict's figure (medians are robust to the odd stalled call). */
  ratioP50: number;
  ratioP95: number;
  /**
   * The median of the per-iteration ratios orm[i] ÷ raw[i]: both calls of a pair ran back to back,
   * so a slow stretch of the machine hits both; printed beside the ratio of medians.
   */
  pairedRatio: number;
  limit: number;
  pass: boolean;
}

/**
 * Drizzle (orm) against raw postgres.js (raw), measured as interleaved pairs: sample i of each
 * array belongs to the same iteration. Passes when the ratio of the medians is within `limit`.
 */
export function overheadVerdict(orm: readonly number[], raw: readonly number[], limit = 1.25): OverheadVerdict {
  if (orm.length !== raw.length) throw new Error("orm and raw samples must be paired");
  const o = summarize(orm);
  const r = summarize(raw);
  const ratios = orm.map((x, i) => x / raw[i]!).filter(Number.isFinite);
  const ratioP50 = o.p50 / r.p50;
  return { orm: o, raw: r, ratioP50, ratioP95: o.p95 / r.p95, pairedRatio: summarize(ratios).p50, limit, pass: Number.isFinite(ratioP50) && ratioP50 <= limit };
}

/**
 * Order of the two variants in iteration i: ABBA (orm, raw, raw, orm, …), so neither always runs
 * first (warm caches, a pending GC) and a drift of the machine over time cancels out.
 */
export function ormFirst(i: number): boolean {
  return i % 4 === 0 || i % 4 === 3;
}

export type ErrorKind = "timeout" | "socket" | "5xx" | "4xx" | "other-status";

/**
 * Classifies what a load run saw: autocannon's timeouts and socket errors (resets, refused
 * connections) apart from answers with an unexpected status (5xx from the server, 4xx such as a
 * 409 conflict, or anything else besides the expected ones).
 */
export function classifyErrors(input: { timeouts: number; errors: number; statuses: Record<string, number>; expected?: readonly number[] }): { total: number; kinds: Record<ErrorKind, number> } {
  const expected = new Set(input.expected ?? [200, 302, 303]);
  const kinds: Record<ErrorKind, number> = { timeout: input.timeouts, socket: Math.max(0, input.errors - input.timeouts), "5xx": 0, "4xx": 0, "other-status": 0 };
  for (const [s, n] of Object.entries(input.statuses)) {
    const code = Number(s);
    if (expected.has(code)) continue;
    if (code >= 500 && code < 600) kinds["5xx"] += n;
    else if (code >= 400 && code < 500) kinds["4xx"] += n;
    else kinds["other-status"] += n;
  }
  return { total: Object.values(kinds).reduce((a, b) => a + b, 0), kinds };
}

/**
 * Statement dependencies for a faithful replay: statement i waits for every statement that had
 * finished before i started (what the page's code awaited), and runs alongside the rest, as the
 * page's Promise.all did. Times are from one capture run, in any unit.
 */
export function replayDependencies(timings: readonly { start: number; end: number }[]): number[][] {
  return timings.map((t, i) => timings.flatMap((o, k) => (k !== i && o.end <= t.start ? [k] : [])));
}
