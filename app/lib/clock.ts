/**
 * The application's clock. Everything that compares against "now" (session expiry, token
 * expiry, rate limits, SLA timers) asks this module, so tests can move time without sleeping.
 */
let offsetMs = 0;
let frozenAt: number | undefined;

/**
 * A test clock from the environment, for end-to-end tests of a real server (never in production
 * unless ALLOW_TEST_CLOCK=true): TEST_NOW freezes time at an instant (ISO or epoch ms),
 * TEST_CLOCK_OFFSET_MS shifts it, and TEST_CLOCK_FILE names a JSON file {"offsetMs": n} read again
 * at most every 100 ms, so a browser test moves the server's time without restarting it.
 */
const processEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const envClockAllowed = processEnv.NODE_ENV !== "production" || processEnv.ALLOW_TEST_CLOCK === "true";
const envOffsetMs = envClockAllowed && processEnv.TEST_CLOCK_OFFSET_MS ? Number(processEnv.TEST_CLOCK_OFFSET_MS) || 0 : 0;
const envNowMs = envClockAllowed && processEnv.TEST_NOW ? (/^\d+$/.test(processEnv.TEST_NOW) ? Number(processEnv.TEST_NOW) : Date.parse(processEnv.TEST_NOW)) : NaN;
const clockFile = envClockAllowed ? processEnv.TEST_CLOCK_FILE : undefined;
let fileOffset = { value: 0, readAt: -Infinity };

function fileOffsetMs(): number {
  if (!clockFile) return 0;
  const t = Date.now();
  if (t - fileOffset.readAt < 100) return fileOffset.value;
  let value = fileOffset.value;
  try {
    const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:fs") as { readFileSync(path: string, encoding: "utf8"): string } | undefined;
    const parsed = JSON.parse(fs?.readFileSync(clockFile, "utf8") ?? "{}") as { offsetMs?: unknown };
    value = typeof parsed.offsetMs === "number" && Number.isFinite(parsed.offsetMs) ? parsed.offsetMs : 0;
  } catch {
    /* no file yet, or half written: keep the last value */
  }
  fileOffset = { value, readAt: t };
  return value;
}

export function now(): Date {
  return new Date(nowMs());
}

export function nowMs(): number {
  if (frozenAt !== undefined) return frozenAt;
  const base = Number.isFinite(envNowMs) ? envNowMs : Date.now();
  return base + envOffsetMs + fileOffsetMs() + offsetMs;
}

/** Test helpers: freeze at an instant, or shift the running clock. */
export const testClock = {
  freeze(at: Date | number) {
    frozenAt = typeof at === "number" ? at : at.getTime();
  },
  advance(ms: number) {
    if (frozenAt !== undefined) frozenAt += ms;
    else offsetMs += ms;
  },
  reset() {
    frozenAt = undefined;
    offsetMs = 0;
  },
};
