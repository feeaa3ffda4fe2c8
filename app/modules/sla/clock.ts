// SLA clocks as a pure function of a ticket's timeline (DESIGN.md, "SLA semantics").
// Rules decided where the contract is silent are marked "Rule:" and listed in docs/sla.md.

import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from "./business-time";

export type TicketStatus = "new" | "open" | "pending" | "on_hold" | "solved" | "closed";

export type SlaEvent = {
  at: Date;
  type: "created" | "customer_message" | "agent_reply" | "status";
  status?: TicketStatus;
};

export type Clock = {
  dueAt: Date | null;
  achievedAt: Date | null;
  elapsedMinutes: number;
  state: "inactive" | "running" | "warning" | "breached" | "paused" | "achieved";
};

/** The next-response clock also tells which cycle it shows (0 = none has started yet). */
export type NextResponseClock = Clock & { cycle: number };

export type SlaMetric = "firstResponse" | "nextResponse" | "resolution";

export interface SlaClockInput {
  calendar: BusinessCalendar;
  targets: { firstResponseMinutes?: number; nextResponseMinutes?: number; resolutionMinutes?: number };
  /** Default ["pending", "on_hold"]. */
  pauseStatuses?: TicketStatus[];
  /** Default 0.8. */
  warnAtFraction?: number;
  /** In time order; "agent_reply" means a public reply by staff. */
  events: SlaEvent[];
  now: Date;
}

export interface SlaClocks {
  firstResponse: Clock;
  nextResponse: NextResponseClock;
  resolution: Clock;
}

export const DEFAULT_PAUSE_STATUSES: readonly TicketStatus[] = ["pending", "on_hold"];
export const DEFAULT_WARN_AT_FRACTION = 0.8;

const DONE: ReadonlySet<TicketStatus> = new Set(["solved", "closed"]);

/** Book-keeping for one clock (one cycle of it). */
class Tracker {
  started = false;
  achievedAt: number | null = null;
  /** Business minutes accrued before `resumedAt`. */
  elapsedBefore = 0;
  /** When the clock last started or resumed running; null while not running. */
  resumedAt: number | null = null;

  constructor(private readonly cal: BusinessCalendar) {}

  get running(): boolean {
    return this.resumedAt !== null;
  }

  stop(at: number): void {
    if (this.resumedAt === null) return;
    this.elapsedBefore += businessMinutesBetween(this.cal, new Date(this.resumedAt), new Date(at));
    this.resumedAt = null;
  }

  /** Runs the clock when it has started, is not achieved and `canRun`; stops it otherwise. */
  sync(at: number, canRun: boolean): void {
    const shouldRun = this.started && this.achievedAt === null && canRun;
    if (shouldRun && this.resumedAt === null) this.resumedAt = at;
    else if (!shouldRun) this.stop(at);
  }
}

function sortedEvents(events: SlaEvent[]): SlaEvent[] {
  // The contract says events come in time order; a stable sort keeps same-instant order and
  // makes a slightly out-of-order list harmless.
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at.getTime() - y.e.at.getTime() || x.i - y.i)
    .map(({ e }) => e);
}

/**
 * The SLA clocks of a ticket at `now`.
 *
 * Rules (see docs/sla.md): events after `now` are ignored; the ticket is created at its
 * "created" event (else its first event) with the status that event carries (default "new");
 * a clock runs while started, unachieved and the status is neither a pause status nor solved or
 * closed. Resolution is achieved at the start of the current solved/closed period and un-achieved
 * when the ticket is reopened. Next response: a customer message after the first agent reply
 * opens a new cycle unless one is already open; the next agent reply achieves it.
 */
export function computeSlaClocks(input: SlaClockInput): SlaClocks {
  return replayClocks(input).clocks;
}

/**
 * The clocks plus every earlier next-response cycle (each achieved by the agent reply that
 * closed it), for reports that count every exchange rather than only the current one.
 */
export function computeSlaClocksWithHistory(input: SlaClockInput): { clocks: SlaClocks; nextResponseHistory: NextResponseClock[] } {
  return replayClocks(input);
}

function replayClocks(input: SlaClockInput): { clocks: SlaClocks; nextResponseHistory: NextResponseClock[] } {
  const { calendar, targets, now } = input;
  const pause = new Set<TicketStatus>(input.pauseStatuses ?? DEFAULT_PAUSE_STATUSES);
  const warnAt = input.warnAtFraction ?? DEFAULT_WARN_AT_FRACTION;
  const nowMs = now.getTime();

  const first = new Tracker(calendar);
  let next = new Tracker(calendar);
  const resolution = new Tracker(calendar);
  let cycle = 0;
  const finishedNext: { tracker: Tracker; cycle: number }[] = [];
  let agentReplied = false;
  let created = false;
  let status: TicketStatus = "new";

  const canRun = (): boolean => !pause.has(status) && !DONE.has(status);
  const syncAll = (at: number): void => {
    const run = canRun();
    first.sync(at, run);
    next.sync(at, run);
    resolution.sync(at, run);
  };

  for (const event of sortedEvents(input.events)) {
    const at = event.at.getTime();
    if (at > nowMs) break;
    if (!created) {
      created = true;
      if (event.type === "created" && event.status) status = event.status;
      first.started = true;
      resolution.started = true;
      if (DONE.has(status)) resolution.achievedAt = at;
      syncAll(at);
      if (event.type === "created") continue;
    }
    switch (event.type) {
      case "created":
        break; // a second "created" means nothing
      case "agent_reply":
        if (!agentReplied) {
          agentReplied = true;
          if (first.achievedAt === null) {
            first.stop(at);
            first.achievedAt = at;
          }
        }
        if (next.started && next.achievedAt === null) {
          next.stop(at);
          next.achievedAt = at;
        }
        break;
      case "customer_message":
        // Rule: only after the first agent reply (before it, first response covers the wait),
        // and only when no cycle is open (the oldest unanswered message starts it).
        if (agentReplied && !(next.started && next.achievedAt === null)) {
          if (next.started) finishedNext.push({ tracker: next, cycle });
          next = new Tracker(calendar);
          next.started = true;
          cycle += 1;
        }
        break;
      case "status": {
        if (!event.status) break;
        const wasDone = DONE.has(status);
        status = event.status;
        const isDone = DONE.has(status);
        if (!wasDone && isDone) {
          resolution.stop(at);
          resolution.achievedAt = at;
        } else if (wasDone && !isDone) {
          // Rule: reopening un-achieves resolution; its elapsed time is kept.
          resolution.achievedAt = null;
        }
        break;
      }
    }
    syncAll(at);
  }

  const finish = (t: Tracker, target: number | undefined): Clock => {
    if (target === undefined || target === null || !created || !t.started) {
      return { dueAt: null, achievedAt: null, elapsedMinutes: 0, state: "inactive" };
    }
    const elapsed = t.running
      ? t.elapsedBefore + businessMinutesBetween(calendar, new Date(t.resumedAt as number), now)
      : t.elapsedBefore;
    if (t.achievedAt !== null) {
      return { dueAt: null, achievedAt: new Date(t.achievedAt), elapsedMinutes: elapsed, state: "achieved" };
    }
    if (!t.running) {
      // Paused, or stopped while solved/closed: no due time, elapsed frozen.
      return { dueAt: null, achievedAt: null, elapsedMinutes: elapsed, state: "paused" };
    }
    const dueAt = addBusinessMinutes(calendar, new Date(t.resumedAt as number), target - t.elapsedBefore);
    const state = nowMs > dueAt.getTime() ? "breached" : elapsed >= warnAt * target ? "warning" : "running";
    return { dueAt, achievedAt: null, elapsedMinutes: elapsed, state };
  };

  return {
    clocks: {
      firstResponse: finish(first, targets.firstResponseMinutes),
      nextResponse: { ...finish(next, targets.nextResponseMinutes), cycle },
      resolution: finish(resolution, targets.resolutionMinutes),
    },
    nextResponseHistory: finishedNext.map((f) => ({ ...finish(f.tracker, targets.nextResponseMinutes), cycle: f.cycle })),
  };
}

/**
 * The next-response cycle a timeline is in at `now` (1 for the first exchange after the first
 * agent reply, 0 before any): with ticket and metric, it names a unique SLA event row.
 */
export function nextResponseCycle(events: SlaEvent[], now: Date = new Date(8.64e15)): number {
  const nowMs = now.getTime();
  let cycle = 0;
  let agentReplied = false;
  let open = false;
  for (const event of sortedEvents(events)) {
    if (event.at.getTime() > nowMs) break;
    if (event.type === "agent_reply") {
      agentReplied = true;
      open = false;
    } else if (event.type === "customer_message" && agentReplied && !open) {
      open = true;
      cycle += 1;
    }
  }
  return cycle;
}

/** The cycle number of a metric for unique SLA event rows: 1 for first response and resolution. */
export function slaCycle(metric: SlaMetric, clocks: SlaClocks): number {
  return metric === "nextResponse" ? clocks.nextResponse.cycle : 1;
}
