import { describe, expect, it } from "vitest";
import { formatDateTime } from "~/components/time-zone";
import { relative } from "~/components/time";

const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
const fresh = (at: Date, timeZone: string) => new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(at);

describe("formatDateTime with the per-zone formatter cache", () => {
  // Either side of the 2026 DST changes in Europe (29 Mar, 25 Oct), the US (8 Mar, 1 Nov) and Sydney (5 Apr, 4 Oct).
  const instants = ["2026-03-08T06:59:00Z", "2026-03-08T07:01:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:01:00Z", "2026-04-04T15:59:00Z", "2026-04-04T16:01:00Z", "2026-10-25T00:59:00Z", "2026-10-25T01:01:00Z", "2026-11-24T07:30:00Z"];
  const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"];

  it("gives what a new Intl.DateTimeFormat gives, whatever order the zones come in", () => {
    for (let round = 0; round < 2; round++) {
      for (const zone of round ? [...zones].reverse() : zones) {
        for (const at of instants) expect(formatDateTime(at, zone)).toBe(fresh(new Date(at), zone));
      }
    }
    expect(formatDateTime("2026-10-25T00:59:00Z", "Europe/Berlin")).toBe("25 Oct 2026, 02:59 CEST");
    expect(formatDateTime("2026-10-25T01:01:00Z", "Europe/Berlin")).toBe("25 Oct 2026, 02:01 CET");
  });

  it("answers repeated instants from its memo with the same text, per zone", () => {
    const at = "2026-03-29T00:30:00.123Z";
    for (let i = 0; i < 3; i++) {
      expect(formatDateTime(at, "Europe/Berlin")).toBe(fresh(new Date(at), "Europe/Berlin"));
      expect(formatDateTime(at, "America/New_York")).toBe(fresh(new Date(at), "America/New_York"));
      // One millisecond later is its own entry (keys are exact instants).
      expect(formatDateTime(new Date(Date.parse(at) + 1), "Europe/Berlin")).toBe(fresh(new Date(Date.parse(at) + 1), "Europe/Berlin"));
    }
    for (let m = 0; m < 25_000; m += 7) {
      const when = new Date(Date.parse("2026-01-01T00:00:00Z") + m * 60_000);
      if (m % 700 === 0) expect(formatDateTime(when, "Australia/Sydney")).toBe(fresh(when, "Australia/Sydney"));
      else formatDateTime(when, "Australia/Sydney");
    }
    expect(formatDateTime(at, "Europe/Berlin")).toBe(fresh(new Date(at), "Europe/Berlin"));
  });

  it("throws for an invalid date, as formatting one always did", () => {
    expect(() => formatDateTime("not a date", "UTC")).toThrow(RangeError);
  });

  it("takes a Date as well as an ISO string", () => {
    expect(formatDateTime(new Date("2026-11-24T07:30:00Z"), "Asia/Tokyo")).toBe(formatDateTime("2026-11-24T07:30:00Z", "Asia/Tokyo"));
  });

  it("falls back to UTC for an unknown zone, every time", () => {
    const utc = fresh(new Date("2026-11-24T07:30:00Z"), "UTC");
    expect(formatDateTime("2026-11-24T07:30:00Z", "Mars/Olympus")).toBe(utc);
    expect(formatDateTime("2026-11-24T07:30:00Z", "Mars/Olympus")).toBe(utc);
    expect(formatDateTime("2026-11-24T07:30:00Z", "Europe/Berlin")).toBe(fresh(new Date("2026-11-24T07:30:00Z"), "Europe/Berlin"));
  });
});

describe("relative", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it("words the distance as before", () => {
    expect(relative(now - 10_000, now)).toBe("just now");
    expect(relative(now - 5 * 60_000, now)).toBe("5 minutes ago");
    expect(relative(now + 3 * 3600_000, now)).toBe("in 3 hours");
    expect(relative(now - 86400_000, now)).toBe("yesterday");
    expect(relative(now - 60 * 86400_000, now)).toBe("2 months ago");
    expect(relative(now - 400 * 86400_000, now)).toBe("last year");
  });
});
