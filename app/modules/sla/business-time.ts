// Business time: pure functions over a business calendar (no I/O).
//
// Semantics (DESIGN.md, "SLA semantics"; details in docs/sla.md):
// - Each local date D of the calendar's zone has the intervals of its weekday, unless D is a
//   holiday. An interval "HH:MM"–"HH:MM" of D is the span of instants
//   [instant(D, start), instant(D, end)), where instant() turns a local wall-clock time into an
//   instant: a time inside a spring-forward gap moves forward by the gap (it is read with the
//   offset in force before the change), an ambiguous time in a fall-back overlap is the earlier
//   instant. "24:00" is midnight at the start of the next local date. Business time is the union
//   of these spans (spans that DST shifting makes overlap are merged, never counted twice).
// - addBusinessMinutes(cal, start, m), m > 0: the earliest instant t ≥ start with m minutes of
//   business time in [start, t]. Millisecond precision: a fraction of a millisecond is rounded up
//   (a Date cannot hold less), nothing else is rounded. m ≤ 0 returns start unchanged (a copy).
// - businessMinutesBetween(cal, from, to): business minutes in [from, to); negative when to is
//   before from (it is antisymmetric), so it is the inverse of addBusinessMinutes.
//
// Speed: the walk goes day by day over intervals, never over minutes. Holidays and closed
// weekdays cost a Set lookup each; only open days convert their interval ends to instants, using
// a per-zone cache of UTC offsets (one Intl call pair per UTC day, plus a binary search on the
// rare day that has a transition). Parsed calendars are cached per calendar object (WeakMap), so
// a calendar object must not be mutated after its first use.

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export interface BusinessCalendar {
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Local "HH:MM" intervals per weekday; end may be "24:00". */
  hours: Partial<Record<Weekday, { start: string; end: string }[]>>;
  /** Local dates "YYYY-MM-DD" with no business time. */
  holidays: string[];
}

export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Every weekday 00:00–24:00, no holidays: business time is real elapsed time. */
export function twentyFourSeven(timeZone: string): BusinessCalendar {
  const hours: BusinessCalendar["hours"] = {};
  for (const day of WEEKDAYS) hours[day] = [{ start: "00:00", end: "24:00" }];
  return { timeZone, hours, holidays: [] };
}

// ---------------------------------------------------------------------------------------------
// Validation

const TIME_RE = /^(\d{2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight for "HH:MM" (00:00–23:59, or 24:00 when allowed), else null. */
function parseTime(value: unknown, allow24: boolean): number | null {
  if (typeof value !== "string") return null;
  const match = TIME_RE.exec(value);
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (h === 24 && m === 0) return allow24 ? 1440 : null;
  if (h > 23 || m > 59) return null;
  return h * 60 + m;
}

/** Days since 1970-01-01 of a valid "YYYY-MM-DD", else null. */
function parseDate(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const match = DATE_RE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const mo = Number(match[2]);
  const d = Number(match[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return ms / DAY;
}

function isKnownTimeZone(timeZone: unknown): boolean {
  if (typeof timeZone !== "string" || timeZone.trim() === "") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function fmt(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Checks a calendar (for instance one read from config JSON) and returns one clear, human message
 * per problem; an empty list means the calendar is valid. Touching intervals (09:00–12:00 and
 * 12:00–17:00) are fine; overlapping ones are not.
 */
export function validateCalendar(cal: BusinessCalendar): string[] {
  const errors: string[] = [];
  if (cal === null || typeof cal !== "object") return ["The calendar must be an object with timeZone, hours and holidays."];

  if (!isKnownTimeZone(cal.timeZone)) {
    errors.push(`Unknown time zone ${JSON.stringify(cal.timeZone)}: use an IANA name such as "Europe/Berlin".`);
  }

  let anyHours = false;
  const hours: unknown = cal.hours;
  if (hours === null || typeof hours !== "object" || Array.isArray(hours)) {
    errors.push("hours must be an object keyed by weekday (mon, tue, wed, thu, fri, sat, sun).");
  } else {
    for (const [key, list] of Object.entries(hours as Record<string, unknown>)) {
      if (!(WEEKDAYS as readonly string[]).includes(key)) {
        errors.push(`hours has an unknown weekday ${JSON.stringify(key)}: use mon, tue, wed, thu, fri, sat or sun.`);
        continue;
      }
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        errors.push(`hours.${key} must be a list of { start, end } intervals.`);
        continue;
      }
      const parsed: { start: number; end: number; index: number }[] = [];
      list.forEach((interval: unknown, index) => {
        const where = `hours.${key}[${index}]`;
        if (interval === null || typeof interval !== "object") {
          errors.push(`${where} must be an interval { start: "HH:MM", end: "HH:MM" }.`);
          return;
        }
        const { start: rawStart, end: rawEnd } = interval as { start?: unknown; end?: unknown };
        const start = parseTime(rawStart, false);
        const end = parseTime(rawEnd, true);
        let ok = true;
        if (start === null) {
          ok = false;
          errors.push(
            rawStart === "24:00"
              ? `${where}: start "24:00" is not allowed; "24:00" may only be used as an end.`
              : `${where}: start ${JSON.stringify(rawStart)} is not a time in "HH:MM" format (00:00–23:59).`,
          );
        }
        if (end === null) {
          ok = false;
          errors.push(`${where}: end ${JSON.stringify(rawEnd)} is not a time in "HH:MM" format (00:00–23:59, or 24:00).`);
        }
        if (!ok || start === null || end === null) return;
        if (end === start) {
          errors.push(`${where}: ${fmt(start)}–${fmt(end)} is empty; the end must be after the start.`);
        } else if (end < start) {
          errors.push(
            `${where}: ${fmt(start)}–${fmt(end)} ends before it starts; an interval cannot cross midnight ` +
              `(write ${fmt(start)}–24:00 on this day and 00:00–${fmt(end)} on the next).`,
          );
        } else {
          parsed.push({ start, end, index });
        }
      });
      parsed.sort((a, b) => a.start - b.start || a.end - b.end);
      for (let i = 1; i < parsed.length; i++) {
        const prev = parsed[i - 1];
        const cur = parsed[i];
        if (cur.start < prev.end) {
          errors.push(
            `hours.${key}: ${fmt(prev.start)}–${fmt(prev.end)} and ${fmt(cur.start)}–${fmt(cur.end)} overlap; ` +
              `intervals of one day must not overlap.`,
          );
        }
      }
      if (parsed.length > 0) anyHours = true;
    }
    if (!anyHours && errors.length === 0) {
      errors.push("The calendar has no business hours on any weekday, so no due time could ever be reached.");
    }
  }

  if (!Array.isArray(cal.holidays)) {
    errors.push('holidays must be a list of local dates "YYYY-MM-DD".');
  } else {
    cal.holidays.forEach((day, index) => {
      if (parseDate(day) === null) {
        errors.push(`holidays[${index}]: ${JSON.stringify(day)} is not a valid date in "YYYY-MM-DD" format.`);
      }
    });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Time zones (Intl only)

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** UTC offset (local wall clock minus UTC, in ms) at instant t, straight from Intl. */
function offsetFromIntl(f: Intl.DateTimeFormat, t: number): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of f.formatToParts(t)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value) % 24;
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        bc = part.value.startsWith("B");
        break;
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime() - Math.floor(t / 1000) * 1000;
}

interface UtcDayOffsets {
  before: number;
  after: number;
  /** First instant (whole second) with offset `after`; Infinity when the day has no change. */
  changeAt: number;
}

class Zone {
  private readonly f: Intl.DateTimeFormat;
  private readonly days = new Map<number, UtcDayOffsets>();

  constructor(readonly name: string) {
    this.f = formatterFor(name);
  }

  /** UTC offset in ms at instant t (cached per UTC day). */
  offset(t: number): number {
    const k = Math.floor(t / DAY);
    let info = this.days.get(k);
    if (info === undefined) {
      info = this.computeDay(k);
      if (this.days.size > 50_000) this.days.clear();
      this.days.set(k, info);
    }
    return t < info.changeAt ? info.before : info.after;
  }

  private computeDay(k: number): UtcDayOffsets {
    const lo = k * DAY;
    const before = offsetFromIntl(this.f, lo);
    const after = offsetFromIntl(this.f, lo + DAY);
    if (before === after) return { before, after, changeAt: Infinity };
    // Binary search, in whole seconds, for the first instant with the new offset.
    let a = lo / 1000; // offset here is `before`
    let b = (lo + DAY) / 1000; // offset here is `after`
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (offsetFromIntl(this.f, mid * 1000) === before) a = mid;
      else b = mid;
    }
    return { before, after, changeAt: b * 1000 };
  }

  /**
   * The instant of a local wall-clock time, given as ms since 1970-01-01T00:00 of the wall clock.
   * In a spring-forward gap it moves forward by the gap; in a fall-back overlap it is the earlier.
   */
  toInstant(wall: number): number {
    const oA = this.offset(wall - DAY);
    const oB = this.offset(wall + DAY);
    const tA = wall - oA;
    if (oA === oB) return tA;
    if (this.offset(tA) === oA) return tA; // valid before the change (the earlier one if ambiguous)
    const tB = wall - oB;
    if (this.offset(tB) === oB) return tB; // valid only after the change
    return tA; // in the gap: read with the earlier offset, i.e. moved forward by the gap
  }

  /** Local date (days since 1970-01-01 of the wall clock) of instant t. */
  localDay(t: number): number {
    return Math.floor((t + this.offset(t)) / DAY);
  }
}

const zones = new Map<string, Zone>();

function zoneFor(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new Zone(name);
    zones.set(name, zone);
  }
  return zone;
}

// ---------------------------------------------------------------------------------------------
// Compiled calendars

interface Compiled {
  zone: Zone;
  /** Index = day of week as Date#getUTCDay (0 = Sunday); flat [start, end, start, end, ...] in ms after local midnight. */
  week: number[][];
  holidays: Set<number>;
}

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();
const UTC_DAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function compile(cal: BusinessCalendar): Compiled {
  const cached = compiledCache.get(cal);
  if (cached) return cached;
  const errors = validateCalendar(cal);
  if (errors.length > 0) throw new Error(`Invalid business calendar: ${errors.join(" ")}`);
  const week: number[][] = [[], [], [], [], [], [], []];
  for (const day of WEEKDAYS) {
    const list = (cal.hours[day] ?? [])
      .map((i) => [parseTime(i.start, false) as number, parseTime(i.end, true) as number] as const)
      .sort((a, b) => a[0] - b[0]);
    week[UTC_DAY_INDEX[day]] = list.flatMap(([s, e]) => [s * MINUTE, e * MINUTE]);
  }
  const holidays = new Set<number>(cal.holidays.map((d) => parseDate(d) as number));
  const compiled: Compiled = { zone: zoneFor(cal.timeZone), week, holidays };
  compiledCache.set(cal, compiled);
  return compiled;
}

/**
 * The open spans of local day `day` as instants, sorted by start and with overlaps (which only
 * DST shifting can create) left for the caller's running-maximum clamp. Null when closed.
 */
function daySpans(c: Compiled, day: number, out: number[]): number[] | null {
  if (c.holidays.has(day)) return null;
  const list = c.week[(((day + 4) % 7) + 7) % 7];
  if (list.length === 0) return null;
  const base = day * DAY;
  out.length = 0;
  let sorted = true;
  for (let i = 0; i < list.length; i += 2) {
    const s = c.zone.toInstant(base + list[i]);
    const e = c.zone.toInstant(base + list[i + 1]);
    if (i > 0 && s < out[out.length - 2]) sorted = false;
    out.push(s, e);
  }
  if (!sorted) {
    const pairs: [number, number][] = [];
    for (let i = 0; i < out.length; i += 2) pairs.push([out[i], out[i + 1]]);
    pairs.sort((a, b) => a[0] - b[0]);
    out.length = 0;
    for (const [s, e] of pairs) out.push(s, e);
  }
  return out;
}

function checkDate(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

/**
 * The earliest instant t ≥ start with exactly `minutes` business minutes in [start, t].
 * A due time that lands on a closing time stays there. `minutes` ≤ 0 returns `start`.
 */
export function addBusinessMinutes(cal: BusinessCalendar, start: Date, minutes: number): Date {
  const t0 = checkDate(start, "start");
  if (typeof minutes !== "number" || Number.isNaN(minutes) || minutes === Infinity) {
    throw new RangeError("minutes must be a finite number");
  }
  if (minutes <= 0) return new Date(t0);
  const c = compile(cal);
  // Whole milliseconds, rounding a sub-millisecond remainder up (with a guard for float noise
  // such as 1.1 * 60000 = 66000.00000000001).
  let remaining = Math.max(1, Math.ceil(minutes * MINUTE - 1e-6));
  let covered = t0; // business time before this instant is already used or lies before start
  const buf: number[] = [];
  for (let day = c.zone.localDay(t0) - 1; ; day++) {
    const spans = daySpans(c, day, buf);
    if (spans === null) continue;
    for (let i = 0; i < spans.length; i += 2) {
      const s = spans[i] > covered ? spans[i] : covered;
      const e = spans[i + 1];
      if (e <= s) continue;
      const available = e - s;
      if (remaining <= available) return new Date(s + remaining);
      remaining -= available;
      covered = e;
    }
  }
}

/**
 * Business minutes in [from, to) (milliseconds precise, fractional). Negative when `to` is
 * before `from`: businessMinutesBetween(cal, a, b) === -businessMinutesBetween(cal, b, a).
 */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const a = checkDate(from, "from");
  const b = checkDate(to, "to");
  if (b < a) return -businessMinutesBetween(cal, to, from);
  if (b === a) return 0;
  const c = compile(cal);
  let total = 0;
  let covered = a;
  const buf: number[] = [];
  const lastDay = c.zone.localDay(b) + 1;
  for (let day = c.zone.localDay(a) - 1; day <= lastDay; day++) {
    const spans = daySpans(c, day, buf);
    if (spans === null) continue;
    for (let i = 0; i < spans.length; i += 2) {
      const s = spans[i] > covered ? spans[i] : covered;
      const e = spans[i + 1] < b ? spans[i + 1] : b;
      if (e <= s) continue;
      total += e - s;
      covered = e;
    }
  }
  return total / MINUTE;
}

/** True when instant t is business time in the calendar. */
export function isBusinessTime(cal: BusinessCalendar, at: Date): boolean {
  const t = checkDate(at, "at");
  const c = compile(cal);
  const buf: number[] = [];
  const day = c.zone.localDay(t);
  for (let d = day - 1; d <= day + 1; d++) {
    const spans = daySpans(c, d, buf);
    if (spans === null) continue;
    for (let i = 0; i < spans.length; i += 2) if (spans[i] <= t && t < spans[i + 1]) return true;
  }
  return false;
}
