import { relativeTimeFormat } from "~/lib/intl";
import { formatDateTime, useTimeZone } from "./time-zone";

/** A time shown relative ("3 hours ago") with the exact time, in the viewer's time zone, on hover. */
export function RelativeTime({ value, now = Date.now() }: { value: string | Date; now?: number }) {
  const date = typeof value === "string" ? new Date(value) : value;
  const exact = formatDateTime(date, useTimeZone());
  return (
    <time dateTime={date.toISOString()} title={exact} suppressHydrationWarning>
      {relative(date.getTime(), now)}
    </time>
  );
}

let relativeFormat: Intl.RelativeTimeFormat | undefined;

export function relative(at: number, now: number): string {
  const diff = Math.round((at - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 45) return "just now";
  const fmt = (relativeFormat ??= relativeTimeFormat("en", { numeric: "auto" }));
  if (abs < 45 * 60) return fmt.format(Math.round(diff / 60), "minute");
  if (abs < 22 * 3600) return fmt.format(Math.round(diff / 3600), "hour");
  if (abs < 26 * 86400) return fmt.format(Math.round(diff / 86400), "day");
  if (abs < 320 * 86400) return fmt.format(Math.round(diff / (30 * 86400)), "month");
  return fmt.format(Math.round(diff / (365 * 86400)), "year");
}
