/**
 * The application's clock. Everything that compares against "now" (session expiry, token
 * expiry, rate limits, SLA timers) asks this module, so tests can move time without sleeping.
 */
let offsetMs = 0;
let frozenAt: number | undefined;

export function now(): Date {
  return new Date(nowMs());
}

export function nowMs(): number {
  return frozenAt ?? Date.now() + offsetMs;
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
