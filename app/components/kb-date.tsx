import { dateTimeFormat } from "~/lib/intl";

/** A calendar date in UTC (same on server and client: no hydration mismatch). */
export function formatDate(value: Date | string): string {
  return dateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(value));
}

export function KbDate({ value }: { value: Date | string }) {
  return <time dateTime={new Date(value).toISOString()}>{formatDate(value)}</time>;
}

/** Date and time in UTC, e.g. "22 Nov 2026, 14:05 UTC". */
export function KbDateTime({ value }: { value: Date | string }) {
  const d = new Date(value);
  const text = `${dateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" }).format(d)} UTC`;
  return <time dateTime={d.toISOString()}>{text}</time>;
}
