import { describe, expect, it } from "vitest";
import { twentyFourSeven, type BusinessCalendar } from "~/modules/sla/business-time";
import { computeSlaClocks, nextResponseCycle, slaCycle, type SlaEvent, type TicketStatus } from "~/modules/sla/clock";

const cal = twentyFourSeven("UTC");
const BASE = Date.parse("2025-03-03T08:00:00Z"); // a Monday
const at = (minutes: number) => new Date(BASE + minutes * 60_000);

const created = (m = 0, status?: TicketStatus): SlaEvent => ({ at: at(m), type: "created", ...(status ? { status } : {}) });
const customer = (m: number): SlaEvent => ({ at: at(m), type: "customer_message" });
const reply = (m: number): SlaEvent => ({ at: at(m), type: "agent_reply" });
const status = (m: number, s: TicketStatus): SlaEvent => ({ at: at(m), type: "status", status: s });

const targets = { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240 };

function clocks(events: SlaEvent[], nowMinutes: number, extra: Partial<Parameters<typeof computeSlaClocks>[0]> = {}) {
  return computeSlaClocks({ calendar: cal, targets, events, now: at(nowMinutes), ...extra });
}

describe("first response", () => {
  it("runs from creation with a due time", () => {
    const { firstResponse } = clocks([created()], 30);
    expect(firstResponse).toEqual({ dueAt: at(60), achievedAt: null, elapsedMinutes: 30, state: "running" });
  });

  it("warns at 80 % of the target by default, or at the configured fraction", () => {
    expect(clocks([created()], 47.9).firstResponse.state).toBe("running");
    expect(clocks([created()], 48).firstResponse.state).toBe("warning");
    expect(clocks([created()], 30, { warnAtFraction: 0.5 }).firstResponse.state).toBe("warning");
    expect(clocks([created()], 29.99, { warnAtFraction: 0.5 }).firstResponse.state).toBe("running");
  });

  it("is breached only once now is past the due time", () => {
    expect(clocks([created()], 60).firstResponse.state).toBe("warning");
    const late = clocks([created()], 60.01).firstResponse;
    expect(late.state).toBe("breached");
    expect(late.dueAt).toEqual(at(60));
    expect(late.elapsedMinutes).toBeCloseTo(60.01, 9);
  });

  it("is achieved by the first public agent reply, late or not", () => {
    expect(clocks([created(), customer(5), reply(20)], 100).firstResponse).toEqual({
      dueAt: null,
      achievedAt: at(20),
      elapsedMinutes: 20,
      state: "achieved",
    });
    const late = clocks([created(), reply(90)], 100).firstResponse;
    expect(late.state).toBe("achieved");
    expect(late.elapsedMinutes).toBe(90); // compliance: 90 > 60
  });

  it("counts business time only", () => {
    const berlin: BusinessCalendar = {
      timeZone: "Europe/Berlin",
      hours: { mon: [{ start: "09:00", end: "17:00" }], fri: [{ start: "09:00", end: "17:00" }] },
      holidays: [],
    };
    // Created Friday 2025-03-07 16:00 local (15:00Z); now Monday 10:00 local (09:00Z).
    const r = computeSlaClocks({
      calendar: berlin,
      targets: { firstResponseMinutes: 240 },
      events: [{ at: new Date("2025-03-07T15:00:00Z"), type: "created" }],
      now: new Date("2025-03-10T09:00:00Z"),
    });
    expect(r.firstResponse).toEqual({
      dueAt: new Date("2025-03-10T11:00:00Z"),
      achievedAt: null,
      elapsedMinutes: 120,
      state: "running",
    });
  });
});

describe("inactive metrics", () => {
  it("a metric without a target is inactive", () => {
    const r = computeSlaClocks({ calendar: cal, targets: {}, events: [created(), customer(1)], now: at(500) });
    for (const c of [r.firstResponse, r.nextResponse, r.resolution]) {
      expect(c).toMatchObject({ dueAt: null, achievedAt: null, elapsedMinutes: 0, state: "inactive" });
    }
  });

  it("next response is inactive (cycle 0) until a customer writes after an agent reply", () => {
    expect(clocks([created(), customer(5)], 50).nextResponse).toEqual({
      dueAt: null,
      achievedAt: null,
      elapsedMinutes: 0,
      state: "inactive",
      cycle: 0,
    });
    expect(clocks([created(), reply(10)], 50).nextResponse.state).toBe("inactive");
  });

  it("an empty timeline has only inactive clocks", () => {
    const r = clocks([], 50);
    expect([r.firstResponse.state, r.nextResponse.state, r.resolution.state]).toEqual(["inactive", "inactive", "inactive"]);
  });
});

describe("pause statuses", () => {
  it("pending pauses every running clock: no due time, elapsed frozen", () => {
    const r = clocks([created(), status(10, "pending")], 30);
    expect(r.firstResponse).toEqual({ dueAt: null, achievedAt: null, elapsedMinutes: 10, state: "paused" });
    expect(r.resolution).toEqual({ dueAt: null, achievedAt: null, elapsedMinutes: 10, state: "paused" });
  });

  it("resuming counts the remaining target from the moment of resumption", () => {
    const r = clocks([created(), status(10, "pending"), status(40, "open")], 50);
    expect(r.firstResponse).toEqual({ dueAt: at(90), achievedAt: null, elapsedMinutes: 20, state: "running" });
    expect(r.resolution.dueAt).toEqual(at(40 + 230));
  });

  it("on_hold pauses too; a custom list replaces the default", () => {
    expect(clocks([created(), status(10, "on_hold")], 30).firstResponse.state).toBe("paused");
    const custom = clocks([created(), status(10, "pending")], 30, { pauseStatuses: ["on_hold"] });
    expect(custom.firstResponse.state).toBe("running");
    expect(custom.firstResponse.elapsedMinutes).toBe(30);
  });

  it("a paused clock shows paused even past its warning threshold or target", () => {
    const r = clocks([created(), status(55, "pending")], 200);
    expect(r.firstResponse).toEqual({ dueAt: null, achievedAt: null, elapsedMinutes: 55, state: "paused" });
    const over = clocks([created(), status(70, "pending")], 200);
    expect(over.firstResponse).toMatchObject({ dueAt: null, elapsedMinutes: 70, state: "paused" });
  });

  it("a clock already over target when it resumes is due at the moment it resumed", () => {
    const r = clocks([created(), status(70, "pending"), status(100, "open")], 101);
    expect(r.firstResponse).toEqual({ dueAt: at(100), achievedAt: null, elapsedMinutes: 71, state: "breached" });
  });

  it("an agent reply during a pause achieves the first response with the frozen time", () => {
    const r = clocks([created(), status(10, "pending"), reply(30)], 40);
    expect(r.firstResponse).toEqual({ dueAt: null, achievedAt: at(30), elapsedMinutes: 10, state: "achieved" });
  });

  it("a ticket created in a pause status starts paused", () => {
    expect(clocks([created(0, "pending"), status(20, "open")], 30).firstResponse.elapsedMinutes).toBe(10);
  });
});

describe("resolution, solving and reopening", () => {
  it("is achieved when the ticket becomes solved; unachieved clocks stop meanwhile", () => {
    const r = clocks([created(), status(30, "solved")], 100);
    expect(r.resolution).toEqual({ dueAt: null, achievedAt: at(30), elapsedMinutes: 30, state: "achieved" });
    expect(r.firstResponse).toEqual({ dueAt: null, achievedAt: null, elapsedMinutes: 30, state: "paused" });
  });

  it("closed counts as done too, and solved → closed keeps the solve time", () => {
    expect(clocks([created(), status(30, "closed")], 100).resolution.achievedAt).toEqual(at(30));
    expect(clocks([created(), status(30, "solved"), status(60, "closed")], 100).resolution).toEqual({
      dueAt: null,
      achievedAt: at(30),
      elapsedMinutes: 30,
      state: "achieved",
    });
  });

  it("reopening clears resolution's achievedAt and resumes every unachieved clock with elapsed kept", () => {
    const events = [created(), status(30, "solved"), status(50, "open")];
    const r = clocks(events, 60);
    expect(r.resolution).toEqual({ dueAt: at(50 + 210), achievedAt: null, elapsedMinutes: 40, state: "running" });
    expect(r.firstResponse).toEqual({ dueAt: at(50 + 30), achievedAt: null, elapsedMinutes: 40, state: "running" });
  });

  it("solving again achieves resolution at the new solve time", () => {
    const r = clocks([created(), status(30, "solved"), status(50, "open"), status(70, "solved")], 100);
    expect(r.resolution).toEqual({ dueAt: null, achievedAt: at(70), elapsedMinutes: 50, state: "achieved" });
  });

  it("reopening into a pause status keeps clocks paused", () => {
    const r = clocks([created(), status(30, "solved"), status(50, "pending")], 60);
    expect(r.resolution).toEqual({ dueAt: null, achievedAt: null, elapsedMinutes: 30, state: "paused" });
  });

  it("achieved clocks stay achieved after a reopen", () => {
    const r = clocks([created(), reply(10), status(30, "solved"), status(50, "open")], 60);
    expect(r.firstResponse.state).toBe("achieved");
    expect(r.firstResponse.achievedAt).toEqual(at(10));
  });
});

describe("next response cycles", () => {
  const events = [created(), reply(10), customer(20), customer(25), reply(40), customer(50)];

  it("starts at the oldest unanswered customer message after an agent reply", () => {
    const r = clocks(events.slice(0, 4), 30);
    expect(r.nextResponse).toEqual({ dueAt: at(50), achievedAt: null, elapsedMinutes: 10, state: "running", cycle: 1 });
  });

  it("the next agent reply achieves the cycle; the clock shows the last cycle", () => {
    const r = clocks(events.slice(0, 5), 45);
    expect(r.nextResponse).toEqual({ dueAt: null, achievedAt: at(40), elapsedMinutes: 20, state: "achieved", cycle: 1 });
  });

  it("each exchange is a new cycle", () => {
    const r = clocks(events, 75);
    expect(r.nextResponse).toEqual({ dueAt: at(80), achievedAt: null, elapsedMinutes: 25, state: "warning", cycle: 2 });
    expect(clocks(events, 81).nextResponse.state).toBe("breached");
    expect(nextResponseCycle(events)).toBe(2);
    expect(nextResponseCycle(events, at(45))).toBe(1);
    expect(nextResponseCycle(events, at(5))).toBe(0);
    expect(slaCycle("nextResponse", r)).toBe(2);
    expect(slaCycle("firstResponse", r)).toBe(1);
  });

  it("pauses with the ticket", () => {
    const r = clocks([...events.slice(0, 3), status(30, "pending"), status(40, "open")], 45);
    expect(r.nextResponse).toEqual({ dueAt: at(60), achievedAt: null, elapsedMinutes: 15, state: "running", cycle: 1 });
  });

  it("ignores events after now", () => {
    const r = clocks(events, 22);
    expect(r.nextResponse.cycle).toBe(1);
    expect(r.nextResponse.elapsedMinutes).toBe(2);
    expect(r.firstResponse.achievedAt).toEqual(at(10));
  });
});
