// Pure helpers for the calendar form: text ⇄ intervals, holidays, iCalendar import, error placement.
import { WEEKDAYS, type BusinessCalendar, type Weekday } from "./business-time";

export const weekdayLabels: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

/** "09:00-12:00, 13:00–17:00" → intervals; an empty text is a closed day. Shape errors come back as text. */
export function parseHoursText(text: string): { intervals: { start: string; end: string }[] } | { error: string } {
  const parts = text.split(/[,;]/).map((p) => p.trim()).filter(Boolean);
  const intervals: { start: string; end: string }[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2}:\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!m) return { error: `“${part}” is not an interval such as 09:00-17:00.` };
    const pad = (t: string) => (t.length === 4 ? `0${t}` : t);
    intervals.push({ start: pad(m[1]!), end: pad(m[2]!) });
  }
  return { intervals };
}

export function hoursToText(intervals: { start: string; end: string }[] | undefined): string {
  return (intervals ?? []).map((i) => `${i.start}-${i.end}`).join(", ");
}

/** One date per line (anything after the date, such as a name, is ignored); blank lines skipped. */
export function parseHolidaysText(text: string): { holidays: string[]; bad: string[] } {
  const holidays: string[] = [];
  const bad: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\d{4}-\d{2}-\d{2})\b/.exec(line);
    if (m) holidays.push(m[1]!);
    else bad.push(line);
  }
  return { holidays: [...new Set(holidays)].sort(), bad };
}

/**
 * All-day events of an iCalendar file as local dates: DTSTART;VALUE=DATE:YYYYMMDD lines of VEVENTs,
 * each with its SUMMARY; a multi-day event (DTEND;VALUE=DATE, exclusive) gives every day.
 */
export function parseIcsHolidays(ics: string): { date: string; name: string }[] {
  // Unfold continuation lines (RFC 5545: CRLF followed by a space or tab).
  const lines = ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const out: { date: string; name: string }[] = [];
  let inEvent = false;
  let start: string | null = null;
  let end: string | null = null;
  let name = "";
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper === "BEGIN:VEVENT") {
      inEvent = true;
      start = end = null;
      name = "";
    } else if (upper === "END:VEVENT") {
      if (inEvent && start) {
        const first = Date.UTC(+start.slice(0, 4), +start.slice(4, 6) - 1, +start.slice(6, 8));
        const last = end ? Date.UTC(+end.slice(0, 4), +end.slice(4, 6) - 1, +end.slice(6, 8)) : first + 86_400_000;
        for (let t = first, n = 0; t < last && n < 366; t += 86_400_000, n++) out.push({ date: new Date(t).toISOString().slice(0, 10), name });
      }
      inEvent = false;
    } else if (inEvent) {
      const m = /^(DTSTART|DTEND)((?:;[^:]*)?):(\d{8})(?:$|T)/i.exec(line);
      if (m && /VALUE=DATE(?!-)/i.test(m[2] ?? "") ) {
        if (m[1]!.toUpperCase() === "DTSTART") start = m[3]!;
        else end = m[3]!;
      } else if (m && m[1]!.toUpperCase() === "DTSTART" && !start) {
        start = m[3]!; // a timed event: take its date
      } else if (/^SUMMARY[;:]/i.test(line)) {
        name = line.slice(line.indexOf(":") + 1).replace(/\\([,;\\])/g, "$1").replace(/\\n/gi, " ").trim();
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((h) => (seen.has(h.date) ? false : (seen.add(h.date), true))).sort((a, b) => a.date.localeCompare(b.date));
}

/** Places validateCalendar's messages beside the form's fields (hours_mon, timeZone, holidays). */
export function calendarFieldErrors(messages: string[]): { fieldErrors: Record<string, string>; formError?: string } {
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  const add = (key: string, message: string) => {
    fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]} ${message}` : message;
  };
  for (const message of messages) {
    const day = /^hours\.(mon|tue|wed|thu|fri|sat|sun)(?:\[\d+\])?:?\s*/.exec(message);
    if (day) add(`hours_${day[1]}`, message.slice(day[0].length).replace(/^./, (c) => c.toUpperCase()));
    else if (/time zone/i.test(message)) add("timeZone", message);
    else if (/holiday/i.test(message)) add("holidays", message);
    else rest.push(message);
  }
  return { fieldErrors, formError: rest.length ? rest.join(" ") : undefined };
}

export function calendarFromForm(values: Record<string, string>): { calendar: BusinessCalendar; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const hours: BusinessCalendar["hours"] = {};
  for (const day of WEEKDAYS) {
    const parsed = parseHoursText(values[`hours_${day}`] ?? "");
    if ("error" in parsed) fieldErrors[`hours_${day}`] = parsed.error;
    else if (parsed.intervals.length) hours[day] = parsed.intervals;
  }
  const { holidays, bad } = parseHolidaysText(values.holidays ?? "");
  if (bad.length) fieldErrors.holidays = `Not a date (write YYYY-MM-DD): ${bad.slice(0, 3).join(", ")}.`;
  return { calendar: { timeZone: (values.timeZone ?? "").trim(), hours, holidays }, fieldErrors };
}

export const businessHoursPreset: Record<Weekday, string> = { mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-17:00", sat: "", sun: "" };
export const aroundTheClockPreset: Record<Weekday, string> = { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" };
