import { describe, expect, it } from "vitest";
import { cachedFormatterCount, dateTimeFormat, relativeTimeFormat } from "~/lib/intl";

describe("shared Intl formatters", () => {
  it("hands out one formatter per locale and options, formatting as a new one would", () => {
    const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone: "Europe/Berlin" };
    const a = dateTimeFormat("en-GB", options);
    expect(dateTimeFormat("en-GB", { ...options })).toBe(a);
    expect(dateTimeFormat("en-GB", { ...options, timeZone: "Asia/Tokyo" })).not.toBe(a);
    const at = new Date("2026-11-24T07:30:00Z");
    expect(a.format(at)).toBe(new Intl.DateTimeFormat("en-GB", options).format(at));
    expect(relativeTimeFormat("en", { numeric: "auto" })).toBe(relativeTimeFormat("en", { numeric: "auto" }));
    expect(relativeTimeFormat("en", { numeric: "auto" }).format(-1, "day")).toBe("yesterday");
  });

  it("throws for an unknown time zone, as the constructor does, and keeps nothing for it", () => {
    const before = cachedFormatterCount();
    expect(() => dateTimeFormat("en-GB", { timeZone: "Mars/Olympus" })).toThrow(RangeError);
    expect(cachedFormatterCount()).toBe(before);
  });

  it("stays bounded", () => {
    const zones = Intl.supportedValuesOf("timeZone");
    for (const hourCycle of ["h12", "h23"] as const) for (const timeZone of zones) dateTimeFormat("en-GB", { timeZone, hourCycle });
    expect(zones.length * 2).toBeGreaterThan(600);
    expect(cachedFormatterCount()).toBeLessThanOrEqual(500 + 2);
  });
});
