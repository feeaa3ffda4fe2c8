import { dateTimeFormat } from "~/lib/intl";
import { createContext, useContext } from "react";

/** The signed-in person's time zone (users.time_zone), or UTC for visitors. */
const TimeZoneContext = createContext<string>("UTC");
export const TimeZoneProvider = TimeZoneContext.Provider;

export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}

/** "24 Nov 2026, 14:05 CET" in the given zone (falls back to UTC for an unknown zone). */
export function formatDateTime(value: string | Date, timeZone: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  try {
    return dateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    return dateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(date);
  }
}

export { isValidTimeZone } from "~/lib/dates";
