import { dateTimeFormat } from "~/lib/intl";
import { useEffect, useState } from "react";
import { formatDuration } from "~/modules/sla/policy";

export type SlaState = "inactive" | "running" | "warning" | "breached" | "paused" | "achieved";

const tone: Record<SlaState, string> = {
  inactive: "badge",
  running: "badge badge-accent",
  paused: "badge",
  warning: "badge badge-warning",
  breached: "badge badge-danger",
  achieved: "badge badge-success",
};
const label: Record<SlaState, string> = { inactive: "No target", running: "Running", paused: "Paused", warning: "Warning", breached: "Breached", achieved: "Achieved" };
const icon: Record<SlaState, string> = { inactive: "–", running: "●", paused: "❚❚", warning: "▲", breached: "✕", achieved: "✓" };

/** The state in colour and in words (never colour alone). */
export function SlaStateBadge({ state }: { state: SlaState }) {
  return (
    <span className={tone[state]} data-sla-state={state}>
      <span aria-hidden="true">{icon[state]}</span> {label[state]}
    </span>
  );
}

function formatInZone(iso: string, timeZone: string): string {
  try {
    return dateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }
}

/**
 * A live countdown to a due time. It renders the server's values first (so hydration matches),
 * then ticks every second from the server's "now" plus the time elapsed in the browser — so a
 * test clock on the server moves it too — and turns to warning or breached on its own.
 * Times are shown in the viewer's zone (their profile's, else the browser's).
 */
export function SlaCountdown({
  state: serverState,
  dueAt,
  warnAt,
  serverNow,
  timeZone,
  compact = false,
}: {
  state: SlaState;
  dueAt: string | null;
  warnAt?: string | null;
  serverNow: string;
  /** The viewer's profile zone; null: the browser's (after hydration; UTC on the server). */
  timeZone: string | null;
  compact?: boolean;
}) {
  const [elapsed, setElapsed] = useState(0);
  const [zone, setZone] = useState(timeZone ?? "UTC");
  const ticking = dueAt !== null && (serverState === "running" || serverState === "warning" || serverState === "breached");
  useEffect(() => {
    if (!timeZone) {
      try {
        setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
      } catch {
        /* keep UTC */
      }
    }
    if (!ticking) return;
    const mountedAt = Date.now();
    const timer = setInterval(() => setElapsed(Date.now() - mountedAt), 1000);
    return () => clearInterval(timer);
  }, [ticking, timeZone]);
  const nowMs = Date.parse(serverNow) + elapsed;
  let state = serverState;
  if (ticking && dueAt && nowMs > Date.parse(dueAt)) state = "breached";
  else if (ticking && state === "running" && warnAt && nowMs >= Date.parse(warnAt)) state = "warning";
  const remaining = dueAt ? Date.parse(dueAt) - nowMs : null;
  return (
    <span className={compact ? "sla-queue-due" : undefined} data-sla-countdown="">
      <SlaStateBadge state={state} />{" "}
      {dueAt && remaining !== null ? (
        <>
          <span className="sla-countdown" role="timer" aria-live="off" suppressHydrationWarning>
            {remaining >= 0 ? `due in ${formatDuration(remaining)}` : `overdue by ${formatDuration(-remaining).replace("−", "")}`}
          </span>{" "}
          {compact ? null : (
            <time dateTime={dueAt} className="muted small" suppressHydrationWarning>
              {formatInZone(dueAt, zone)}
            </time>
          )}
        </>
      ) : null}
    </span>
  );
}

/** "2 h 30 min of business time left" (or "… over"). */
export function businessTimeText(minutes: number | null): string | null {
  if (minutes === null) return null;
  const text = formatDuration(Math.abs(minutes) * 60_000).replace(/ \d+ s$/, "").replace(/ 00 min$/, "");
  return minutes >= 0 ? `${text} of business time left` : `${text} of business time over target`;
}
