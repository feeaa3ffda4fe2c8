import { dateTimeFormat } from "~/lib/intl";
import { createContext, useContext } from "react";

/** The signed-in person's time zone (users.time_zone), or UTC for visitors. */
const TimeZoneContext = createContext<string>("UTC");
export const TimeZoneProvider = TimeZoneContext.Provider;

export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}

const exactOptions: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
/** The shared formatter per zone (a queue page formats ~100 times per render: no key building per call). */
const exactFormats = new Map<string, Intl.DateTimeFormat>();

function exactFormat(timeZone: string): Intl.DateTimeFormat {
  let f = exactFormats.get(timeZone);
  if (f === undefined) {
    try {
      f = dateTimeFormat("en-GB", { ...exactOptions, timeZone });
    } catch {
      f = exactFormat("UTC");
    }
    // Bounded like app/lib/intl.ts: zones are validated IANA names, but a bad one must not grow this.
    if (exactFormats.size >= 500) exactFormats.clear();
    exactFormats.set(timeZone, f);
  }
  return f;
}

/**
 * Formatted strings by zone and instant (to the millisecond, so exactly what the formatter would
 * say): a ticket page shows the same 100 message times on every view, a queue the same update
 * times; formatting costs ~2.5 µs each, a lookup a tenth of that. Emptied when full.
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 20_000;

/** "24 Nov 2026, 14:05 CET" in the given zone (falls back to UTC for an unknown zone). */
export function formatDateTime(value: string | Date, timeZone: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const at = date.getTime();
  if (Number.isNaN(at)) return exactFormat(timeZone).format(date); // throws, as it always did
  const key = `${timeZone}\u0000${at}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = exactFormat(timeZone).format(date);
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

export { isValidTimeZone } from "~/lib/dates";
