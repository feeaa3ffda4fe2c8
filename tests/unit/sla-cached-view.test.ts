// The SLA panel from the caches: the same clocks as computeSlaClocks at any later instant, and
// null wherever the cache alone cannot tell (the page then computes afresh).
import { describe, expect, it } from "vitest";
import { computeSlaClocks, type SlaEvent } from "~/modules/sla/clock";
import { slaPromiseFromCache, slaViewFromCache, type CachedSla, type CachedSlaTimer } from "~/modules/sla/cached-view.server";
import type { BusinessCalendar } from "~/modules/sla/business-time";

const hours = [{ start: "09:00", end: "17:00" }];
const berlin: BusinessCalendar = { timeZone: "Europe/Berlin", hours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours }, holidays: [] };
const calendarRow = { id: "cal-1", ...berlin, updatedAt: new Date("2026-01-01T00:00:00Z") };
const targets = { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 2400 };
const T0 = new Date("2026-03-02T09:00:00Z"); // Monday 10:00 Berlin
const min = (m: number) => new Date(T0.getTime() + m * 60_000);

/** What recomputeTicketSla would have cached at `computedAt` for this timeline. */
function cacheAt(events: SlaEvent[], computedAt: Date): CachedSla {
  const clocks = computeSlaClocks({ calendar: berlin, targets, events, now: computedAt });
  const key = { firstResponse: "firstResponseMinutes", nextResponse: "nextResponseMinutes", resolution: "resolutionMinutes" } as const;
  const timers: CachedSlaTimer[] = (["firstResponse", "nextResponse", "resolution"] as const).map((metric) => ({
    metric,
    cycle: metric === "nextResponse" ? clocks.nextResponse.cycle : 1,
    targetMinutes: clocks[metric].state === "inactive" ? null : targets[key[metric]],
    state: clocks[metric].state,
    elapsedMinutes: clocks[metric].elapsedMinutes,
    achievedAt: clocks[metric].achievedAt,
    computedAt,
  }));
  return {
    policyId: "policy-1",
    policy: { name: "Enterprise", active: true, warnFraction: 0.8, targets: { normal: targets }, calendar: calendarRow },
    priority: "normal",
    dueAt: { firstResponse: clocks.firstResponse.dueAt, nextResponse: clocks.nextResponse.dueAt, resolution: clocks.resolution.dueAt },
    timers,
  };
}

describe("slaViewFromCache", () => {
  const timeline: SlaEvent[] = [
    { at: T0, type: "created", status: "new" },
    { at: min(10), type: "agent_reply" },
    { at: min(30), type: "customer_message" },
  ];
  it("extrapolates running clocks to any later instant as the fresh computation does (running, warning, breached, overnight)", () => {
    const cache = cacheAt(timeline, min(31));
    for (const later of [min(40), min(126), min(150), min(600), new Date("2026-03-03T08:30:00Z")]) {
      const view = slaViewFromCache(cache, later)!;
      const fresh = computeSlaClocks({ calendar: berlin, targets, events: timeline, now: later });
      for (const m of view.metrics) {
        const clock = fresh[m.metric];
        expect(m.state).toBe(clock.state);
        expect(m.dueAt).toBe(clock.dueAt?.toISOString() ?? null);
        expect(m.elapsedMinutes).toBeCloseTo(clock.elapsedMinutes, 6);
      }
    }
    expect(slaViewFromCache(cache, min(126))!.metrics.map((m) => m.state)).toEqual(["achieved", "warning", "running"]);
    expect(slaViewFromCache(cache, min(151))!.metrics[1]!.state).toBe("breached");
    expect(slaViewFromCache(cache, min(40))!.metrics[1]!.warnAt).toBe(min(30 + 96).toISOString());
  });

  it("keeps paused clocks frozen", () => {
    const paused = [...timeline, { at: min(60), type: "status" as const, status: "pending" as const }];
    const view = slaViewFromCache(cacheAt(paused, min(60)), min(900))!;
    expect(view.metrics.map((m) => [m.state, m.dueAt])).toEqual([["achieved", null], ["paused", null], ["paused", null]]);
    expect(view.metrics[1]!.elapsedMinutes).toBeCloseTo(30, 6);
  });

  it("answers null where only a fresh computation can tell", () => {
    const cache = cacheAt(timeline, min(31));
    expect(slaViewFromCache({ ...cache, timers: [] }, min(40))).toBeNull(); // never computed
    expect(slaViewFromCache(cache, min(20))).toBeNull(); // computed after "now"
    expect(slaViewFromCache({ ...cache, policy: null }, min(40))).toBeNull(); // policy deleted
    expect(slaViewFromCache({ ...cache, policy: { ...cache.policy!, active: false } }, min(40))).toBeNull();
    expect(slaViewFromCache({ ...cache, dueAt: { ...cache.dueAt, nextResponse: null } }, min(40))).toBeNull();
    expect(slaViewFromCache({ ...cache, timers: cache.timers.map((t) => ({ ...t, state: "unknown" })) }, min(40))).toBeNull();
    // no policy applied: an empty panel, as before
    expect(slaViewFromCache({ ...cache, policyId: null, policy: null }, min(40))!.metrics).toEqual([]);
  });
});

describe("slaPromiseFromCache", () => {
  const base = { computed: true, policyId: "policy-1", priority: "normal", policy: { active: true, targets: { normal: targets }, calendar: calendarRow } };
  it("promises the first-response target, then the next-response one once staff replied", () => {
    expect(slaPromiseFromCache(base, false)).toBe("We aim to reply within 4 business hours.");
    expect(slaPromiseFromCache(base, true)).toBe("We aim to reply within 2 business hours.");
    expect(slaPromiseFromCache({ ...base, policyId: null, policy: null }, false)).toBeNull();
  });
  it("cannot tell for a ticket never computed or a policy gone or deactivated", () => {
    expect(slaPromiseFromCache({ ...base, computed: false }, false)).toBeUndefined();
    expect(slaPromiseFromCache({ ...base, policy: null }, false)).toBeUndefined();
    expect(slaPromiseFromCache({ ...base, policy: { ...base.policy, active: false } }, false)).toBeUndefined();
  });
});
