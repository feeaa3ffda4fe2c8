// Property tests: the SLA engine against deliberately simple minute-stepping models.
// Reproduce a failure with SLA_PROPERTY_SEED=<seed printed in the failure> npx vitest run tests/unit/sla-property.test.ts
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  twentyFourSeven,
  type BusinessCalendar,
  type Weekday,
} from "~/modules/sla/business-time";
import { computeSlaClocks, type Clock, type SlaEvent, type TicketStatus } from "~/modules/sla/clock";

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;
const DAY = 86_400_000;
const SEED = Number(process.env.SLA_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
  };
}
type Rng = ReturnType<typeof prng>;

const WEEK: Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]; // index = getUTCDay()
const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"] as const;
// Local dates of DST changes, to aim a good share of start instants at them.
const DST_DATES: Record<string, string[]> = {
  "Europe/Berlin": ["2024-03-31", "2024-10-27", "2025-03-30", "2025-10-26"],
  "America/New_York": ["2024-03-10", "2024-11-03", "2025-03-09", "2025-11-02"],
  "Australia/Lord_Howe": ["2024-04-07", "2024-10-06", "2025-04-06", "2025-10-05"],
  "Asia/Kolkata": ["2025-03-30"],
  UTC: ["2025-03-30"],
};

const hhmm = (slot: number) => `${String(Math.floor(slot / 4)).padStart(2, "0")}:${String((slot % 4) * 15).padStart(2, "0")}`;
const ymd = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** A random valid calendar; interval ends on a 15-minute grid (so, with these zones, on whole UTC minutes). */
function randomCalendar(rng: Rng, zone: string, near: number): BusinessCalendar {
  const hours: BusinessCalendar["hours"] = {};
  for (const day of WEEK) {
    if (rng.next() < 0.3) continue;
    const count = rng.int(1, 3);
    const points = new Set<number>();
    while (points.size < count * 2) points.add(rng.int(0, 96));
    const sorted = [...points].sort((a, b) => a - b);
    hours[day] = [];
    for (let i = 0; i < sorted.length; i += 2) hours[day]!.push({ start: hhmm(sorted[i]), end: hhmm(sorted[i + 1]) });
  }
  if (Object.keys(hours).length === 0) hours.wed = [{ start: "01:00", end: "04:00" }];
  const holidays = new Set<string>();
  const nearDay = Math.floor(near / DAY);
  for (let i = rng.int(0, 5); i > 0; i--) holidays.add(ymd(nearDay + rng.int(-3, 20)));
  if (rng.next() < 0.2) {
    const from = nearDay + rng.int(-2, 10);
    for (let i = rng.int(3, 35); i > 0; i--) holidays.add(ymd(from + i));
  }
  return { timeZone: zone, hours, holidays: [...holidays] };
}

// ---- The model: Intl turns an instant into wall-clock time; everything else is brute force. ----

const modelFormatters = new Map<string, Intl.DateTimeFormat>();
const wallCache = new Map<string, Map<number, number>>();

/** Local wall-clock time of instant u (on the 15-minute grid) as ms since 1970-01-01 "wall UTC". */
function wallOf(zone: string, u: number): number {
  let cache = wallCache.get(zone);
  if (!cache) wallCache.set(zone, (cache = new Map()));
  const key = u / SLOT; // a small integer: cheaper to hash than the instant
  let wall = cache.get(key);
  if (wall === undefined) {
    let f = modelFormatters.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
      });
      modelFormatters.set(zone, f);
    }
    const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
    for (const part of f.formatToParts(u)) p[part.type] = Number(part.value);
    wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
    cache.set(key, wall);
  }
  return wall;
}

/**
 * Instant of wall-clock time W by scanning every 15 minutes of the 30 hours around it: the first
 * instant showing W (the earlier of two); when none does (a gap), W read with the offset in force
 * just before the jump, i.e. moved forward by the gap.
 */
const instantCache = new Map<string, number>();
function modelInstant(zone: string, W: number): number {
  const key = `${zone} ${W}`;
  let found = instantCache.get(key);
  if (found === undefined) instantCache.set(key, (found = scanForInstant(zone, W)));
  return found;
}

function scanForInstant(zone: string, W: number): number {
  for (let u = W - 15 * 3_600_000; u <= W + 15 * 3_600_000; u += SLOT) {
    const wall = wallOf(zone, u);
    if (wall === W) return u;
    if (wall > W) return W - (wallOf(zone, u - SLOT) - (u - SLOT));
  }
  throw new Error("unreachable");
}

class Model {
  private days = new Map<number, [number, number][]>();
  private holidays: Set<string>;
  constructor(private cal: BusinessCalendar) {
    this.holidays = new Set(cal.holidays);
  }

  private spans(day: number): [number, number][] {
    let spans = this.days.get(day);
    if (!spans) {
      spans = [];
      if (!this.holidays.has(ymd(day))) {
        for (const { start, end } of this.cal.hours[WEEK[new Date(day * DAY).getUTCDay()]] ?? []) {
          const [sh, sm] = start.split(":").map(Number);
          const [eh, em] = end.split(":").map(Number);
          spans.push([
            modelInstant(this.cal.timeZone, day * DAY + (sh * 60 + sm) * MINUTE),
            modelInstant(this.cal.timeZone, day * DAY + (eh * 60 + em) * MINUTE),
          ]);
        }
      }
      this.days.set(day, spans);
    }
    return spans;
  }

  /**
   * Is instant t business time? Every span end lies on the 15-minute UTC grid here (interval ends
   * on a 15-minute local grid, offsets in whole quarter hours), so the answer holds until the next
   * grid point: the model steps from grid point to grid point (whole minutes before the first).
   */
  isBusiness(t: number): boolean {
    const slot = Math.floor(t / SLOT) * SLOT;
    const day = Math.floor((wallOf(this.cal.timeZone, slot) + (t - slot)) / DAY);
    for (let d = day - 1; d <= day + 1; d++) for (const [s, e] of this.spans(d)) if (s <= t && t < e) return true;
    return false;
  }

  add(start: number, needMs: number): number {
    for (let t = start; ; ) {
      const step = Math.floor(t / SLOT) * SLOT + SLOT - t;
      if (this.isBusiness(t)) {
        if (needMs <= step) return t + needMs;
        needMs -= step;
      }
      t += step;
    }
  }

  between(from: number, to: number): number {
    let ms = 0;
    for (let t = from; t < to; ) {
      const step = Math.min(Math.floor(t / SLOT) * SLOT + SLOT, to) - t;
      if (this.isBusiness(t)) ms += step;
      t += step;
    }
    return ms / MINUTE;
  }
}

function weeklyMinutes(cal: BusinessCalendar): number {
  let total = 0;
  for (const list of Object.values(cal.hours)) {
    for (const { start, end } of list ?? []) {
      const [sh, sm] = start.split(":").map(Number);
      const [eh, em] = end.split(":").map(Number);
      total += eh * 60 + em - (sh * 60 + sm);
    }
  }
  return total;
}

describe(`business time against a minute-stepping model (seed ${SEED})`, () => {
  it("addBusinessMinutes and businessMinutesBetween agree with the model on 3000 random cases", () => {
    const rng = prng(SEED);
    const start2024 = Date.UTC(2024, 0, 1);
    const anchors = Array.from({ length: 16 }, () => start2024 + rng.int(0, 2 * 365) * DAY);
    let dstCases = 0;
    for (let i = 0; i < 3000; i++) {
      const zone = rng.pick(ZONES);
      let start: number;
      if (rng.next() < 0.5) {
        const day = Date.parse(`${rng.pick(DST_DATES[zone])}T00:00:00Z`);
        start = day + rng.int(-3 * 1440, 2 * 1440) * MINUTE;
        dstCases++;
      } else {
        // Around one of 16 random days of 2024–2025 (a pool, so the model's Intl cache is reused).
        start = rng.pick(anchors) + rng.int(-2 * 1440, 2 * 1440) * MINUTE;
      }
      const cal = randomCalendar(rng, zone, start);
      // Targets up to ~2 weeks of the calendar's hours (max 3000 min), whole or in 60 ms steps.
      const cap = Math.max(1, Math.min(3000, 2 * weeklyMinutes(cal)));
      const minutes = rng.next() < 0.5 ? rng.int(1, cap) : rng.int(1, cap * 1000) / 1000;
      const model = new Model(cal);
      const context = () => `seed ${SEED}, case ${i}: ${JSON.stringify(cal)} start ${new Date(start).toISOString()} minutes ${minutes}`;

      const expected = model.add(start, Math.round(minutes * MINUTE));
      const actual = addBusinessMinutes(cal, new Date(start), minutes).getTime();
      if (actual !== expected) {
        expect.fail(`${context()}: expected ${new Date(expected).toISOString()}, got ${new Date(actual).toISOString()}`);
      }
      const back = businessMinutesBetween(cal, new Date(start), new Date(actual));
      if (Math.abs(back - minutes) > 1e-9) expect.fail(`${context()}: businessMinutesBetween gives ${back}`);

      const to = start + rng.int(0, 4 * 1440) * MINUTE;
      const count = model.between(start, to);
      const measured = businessMinutesBetween(cal, new Date(start), new Date(to));
      if (measured !== count) {
        expect.fail(`${context()}: between … ${new Date(to).toISOString()} expected ${count}, got ${measured}`);
      }
    }
    expect(dstCases).toBeGreaterThan(1000);
  });
});

// ---- SLA clocks against a minute-stepping model of the timeline rules ----

const CLOCK_BASE = Date.UTC(2025, 2, 3, 6, 0); // Monday 2025-03-03 06:00Z
const HORIZON = 60 * 1440; // minutes covered by the business-minute tables
const STATUSES: TicketStatus[] = ["new", "open", "pending", "on_hold", "solved", "closed"];

const clockCalendars: BusinessCalendar[] = [
  twentyFourSeven("UTC"),
  twentyFourSeven("Europe/Berlin"),
  {
    timeZone: "Europe/Berlin",
    hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ start: "09:00", end: "17:00" }]])),
    holidays: ["2025-03-05"],
  },
  {
    timeZone: "America/New_York",
    hours: Object.fromEntries(
      ["mon", "tue", "wed", "thu", "fri", "sat"].map((d) => [
        d,
        [
          { start: "08:00", end: "12:00" },
          { start: "13:00", end: "18:30" },
        ],
      ]),
    ),
    holidays: [],
  },
];
const businessTables = new Map<BusinessCalendar, Uint8Array>();
function businessTable(cal: BusinessCalendar): Uint8Array {
  let table = businessTables.get(cal);
  if (!table) {
    table = new Uint8Array(HORIZON);
    for (let m = 0; m < HORIZON; m++) table[m] = isBusinessTime(cal, new Date(CLOCK_BASE + m * MINUTE)) ? 1 : 0;
    businessTables.set(cal, table);
  }
  return table;
}

type ModelClock = { started: boolean; achievedAt: number | null; elapsed: number; resumedAt: number | null; elapsedAtResume: number };
const newClock = (started: boolean): ModelClock => ({ started, achievedAt: null, elapsed: 0, resumedAt: null, elapsedAtResume: 0 });

/** Steps minute by minute: events at minute m happen at its start, then the minute accrues. */
function modelClocks(
  table: Uint8Array,
  events: { m: number; type: SlaEvent["type"]; status?: TicketStatus }[],
  now: number,
  targets: Record<"first" | "next" | "resolution", number | undefined>,
  pause: TicketStatus[],
  warnAt: number,
) {
  let status: TicketStatus = events[0].status ?? "new";
  const first = newClock(true);
  const resolution = newClock(true);
  let next = newClock(false);
  let cycle = 0;
  let replied = false;
  let unanswered = false;
  let doneSince: number | null = status === "solved" || status === "closed" ? events[0].m : null;
  let k = 1;
  const clocksNow = () => [first, next, resolution];
  const isRunning = (c: ModelClock, self: "first" | "next" | "resolution") =>
    c.started &&
    c.achievedAt === null &&
    !(self === "resolution" && doneSince !== null) &&
    !pause.includes(status) &&
    status !== "solved" &&
    status !== "closed";
  const names = ["first", "next", "resolution"] as const;
  const wasRunning = [false, false, false];
  // After every event (a zero-length pause is still a pause: the clock resumes at that instant).
  const sync = (m: number) => {
    resolution.achievedAt = doneSince;
    clocksNow().forEach((c, i) => {
      const running = isRunning(c, names[i]);
      if (running && !wasRunning[i]) {
        c.resumedAt = m;
        c.elapsedAtResume = c.elapsed;
      }
      if (!running) c.resumedAt = null;
      wasRunning[i] = running;
    });
  };
  for (let m = events[0].m; m <= now; m++) {
    for (; k < events.length && events[k].m === m; k++) {
      const e = events[k];
      if (e.type === "agent_reply") {
        if (!replied && first.achievedAt === null) first.achievedAt = m;
        replied = true;
        if (unanswered) next.achievedAt = m;
        unanswered = false;
      } else if (e.type === "customer_message" && replied && !unanswered) {
        unanswered = true;
        cycle++;
        next = newClock(true);
        wasRunning[1] = false;
      } else if (e.type === "status" && e.status) {
        status = e.status;
        const done = status === "solved" || status === "closed";
        if (done && doneSince === null) doneSince = m;
        if (!done) doneSince = null;
      }
      sync(m);
    }
    sync(m);
    clocksNow().forEach((c, i) => {
      if (wasRunning[i] && m < now) c.elapsed += table[m];
    });
  }
  const finish = (c: ModelClock, target: number | undefined): Clock => {
    if (target === undefined || !c.started) return { dueAt: null, achievedAt: null, elapsedMinutes: 0, state: "inactive" };
    if (c.achievedAt !== null) {
      return { dueAt: null, achievedAt: new Date(CLOCK_BASE + c.achievedAt * MINUTE), elapsedMinutes: c.elapsed, state: "achieved" };
    }
    if (c.resumedAt === null) return { dueAt: null, achievedAt: null, elapsedMinutes: c.elapsed, state: "paused" };
    let acc = c.elapsedAtResume;
    let u = c.resumedAt;
    while (acc < target) acc += table[u++];
    const dueAt = new Date(CLOCK_BASE + u * MINUTE);
    const state = now > u ? "breached" : c.elapsed >= warnAt * target ? "warning" : "running";
    return { dueAt, achievedAt: null, elapsedMinutes: c.elapsed, state };
  };
  return {
    firstResponse: finish(first, targets.first),
    nextResponse: { ...finish(next, targets.next), cycle },
    resolution: finish(resolution, targets.resolution),
  };
}

describe(`computeSlaClocks against a minute-stepping model (seed ${SEED})`, () => {
  it("agrees on 1500 random timelines", () => {
    const rng = prng(SEED ^ 0x5a5a5a5a);
    for (let i = 0; i < 1500; i++) {
      const cal = rng.pick(clockCalendars);
      const table = businessTable(cal);
      const createdStatus = rng.next() < 0.15 ? rng.pick(STATUSES) : undefined;
      const events: { m: number; type: SlaEvent["type"]; status?: TicketStatus }[] = [
        { m: rng.int(0, 3 * 1440), type: "created", ...(createdStatus ? { status: createdStatus } : {}) },
      ];
      let m = events[0].m;
      for (let n = rng.int(0, 25); n > 0; n--) {
        m += rng.next() < 0.2 ? 0 : rng.int(1, 600);
        const r = rng.next();
        if (r < 0.35) events.push({ m, type: "customer_message" });
        else if (r < 0.6) events.push({ m, type: "agent_reply" });
        else events.push({ m, type: "status", status: rng.pick(STATUSES) });
      }
      const now = Math.min(HORIZON - 30 * 1440, rng.next() < 0.8 ? m + rng.int(0, 2000) : rng.int(events[0].m, m));
      const targetOf = () => (rng.next() < 0.15 ? undefined : rng.int(1, 900));
      const targets = { first: targetOf(), next: targetOf(), resolution: targetOf() };
      const pause: TicketStatus[] = rng.next() < 0.8 ? ["pending", "on_hold"] : [rng.pick(STATUSES.slice(0, 4))];
      const warnAt = rng.pick([0.5, 0.75, 0.8, 0.9, 1]);

      const slaEvents: SlaEvent[] = events.map((e) => ({ at: new Date(CLOCK_BASE + e.m * MINUTE), type: e.type, ...(e.status ? { status: e.status } : {}) }));
      const actual = computeSlaClocks({
        calendar: cal,
        targets: { firstResponseMinutes: targets.first, nextResponseMinutes: targets.next, resolutionMinutes: targets.resolution },
        pauseStatuses: pause,
        warnAtFraction: warnAt,
        events: slaEvents,
        now: new Date(CLOCK_BASE + now * MINUTE),
      });
      const expected = modelClocks(table, events, now, targets, pause, warnAt);
      const context = `seed ${SEED}, case ${i}: ${JSON.stringify({ cal: cal.timeZone, events, now, targets, pause, warnAt })}`;
      expect(actual, context).toEqual(expected);
    }
  });
});
