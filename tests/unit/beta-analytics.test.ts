import { describe, expect, it } from "vitest";
import { daysInStageTotal, funnel, medianDaysInStage, probabilityToOnboard, programHeader, staleReasons, supportHealth, velocity, type StageEvent } from "~/modules/beta/analytics";
import { daysInStageTone, domainFromWebsite, missingGateItems, nextStepTone, stageGate, staleAfterDays } from "~/modules/beta/model";

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => new Date(T0 + n * 86_400_000);
const ev = (dealId: string, path: [string | null, string, number][]): StageEvent[] =>
  path.map(([from, to, d]) => ({ dealId, fromStage: from as StageEvent["fromStage"], toStage: to as StageEvent["toStage"], at: day(d) }));

// Fixed fixture: A straight through; B skips demo; C goes back from agreement to demo and is lost;
// D lost from prospect; E sits in demo; F created directly at agreement (imported).
const fixture: StageEvent[] = [
  ...ev("A", [[null, "prospect", 0], ["prospect", "demo", 4], ["demo", "agreement", 10], ["agreement", "onboarded", 20]]),
  ...ev("B", [[null, "prospect", 0], ["prospect", "agreement", 6], ["agreement", "onboarded", 30]]),
  ...ev("C", [[null, "prospect", 0], ["prospect", "demo", 2], ["demo", "agreement", 5], ["agreement", "demo", 8], ["demo", "agreement", 12], ["agreement", "lost", 15]]),
  ...ev("D", [[null, "prospect", 0], ["prospect", "lost", 3]]),
  ...ev("E", [[null, "prospect", 0], ["prospect", "demo", 8]]),
  ...ev("F", [[null, "agreement", 1]]),
];

describe("stage gates", () => {
  const none = { demoAt: null, demoAttendees: null, agreement: null };
  it("names every missing item per stage", () => {
    expect(missingGateItems(stageGate("demo", none))).toEqual(["Demo date set", "Demo attendees named"]);
    expect(missingGateItems(stageGate("demo", { ...none, demoAt: day(1), demoAttendees: "  " }))).toEqual(["Demo attendees named"]);
    expect(missingGateItems(stageGate("agreement", { ...none, agreement: { terms: " ", status: "draft", signedOn: null } }))).toEqual(["Agreement terms drafted"]);
    expect(missingGateItems(stageGate("agreement", { ...none, agreement: { terms: "x", status: "draft", signedOn: null } }))).toEqual([]);
    expect(missingGateItems(stageGate("onboarded", { ...none, agreement: { terms: "x", status: "sent", signedOn: null } }))).toEqual(["Agreement signed (signed date)"]);
    expect(missingGateItems(stageGate("onboarded", { ...none, agreement: { terms: "x", status: "signed", signedOn: "2026-01-02" } }))).toEqual([]);
    expect(missingGateItems(stageGate("lost", none))).toEqual(["Reason for losing the deal"]);
    expect(missingGateItems(stageGate("lost", { ...none, lostReason: "No budget" }))).toEqual([]);
    expect(stageGate("prospect", none)).toEqual([]);
  });
});

describe("funnel", () => {
  it("counts skipped stages as reached, each deal once, lost deals for what they reached", () => {
    const steps = funnel(fixture);
    expect(steps.map((s) => [s.stage, s.reached, s.skipped])).toEqual([
      ["prospect", 6, 1], // F was created at agreement
      ["demo", 5, 2], // A, C, E entered; B and F skipped it
      ["agreement", 4, 0], // A, B, C, F (C twice, counted once)
      ["onboarded", 2, 0],
    ]);
    expect(steps[0]!.conversionToNext).toBeCloseTo(5 / 6);
    expect(steps[1]!.conversionToNext).toBeCloseTo(4 / 5);
    expect(steps[2]!.conversionToNext).toBeCloseTo(2 / 4);
    expect(steps[3]!.conversionToNext).toBeNull();
  });
  it("is empty-safe", () => {
    expect(funnel([]).map((s) => s.conversionToNext)).toEqual([null, null, null, null]);
  });
  it("gives the probability to onboard from each stage", () => {
    const steps = funnel(fixture);
    expect(probabilityToOnboard(steps, "agreement")).toBeCloseTo(0.5);
    expect(probabilityToOnboard(steps, "prospect")).toBeCloseTo((5 / 6) * (4 / 5) * 0.5);
    expect(probabilityToOnboard(steps, "onboarded")).toBe(1);
    expect(probabilityToOnboard(steps, "lost")).toBe(0);
  });
});

describe("time in stage and velocity", () => {
  it("sums repeated visits per deal and takes the median of finished visits", () => {
    const m = medianDaysInStage(fixture);
    // prospect: A 4, B 6, C 2, D 3, E 8 → median 4
    expect(m.prospect).toBe(4);
    // demo: A 6, C 3+4=7 (E still in demo: excluded) → 6.5
    expect(m.demo).toBe(6.5);
    // agreement: A 10, B 24, C 3+3=6 (F still there) → 10
    expect(m.agreement).toBe(10);
  });
  it("counts the open visit up to now for one deal's days in stage", () => {
    expect(daysInStageTotal(fixture.filter((e) => e.dealId === "C"), "demo", day(100))).toBe(7);
    expect(daysInStageTotal(fixture.filter((e) => e.dealId === "E"), "demo", day(18))).toBe(10);
  });
  it("measures velocity from the first event to the first onboarding", () => {
    expect(velocity(fixture)).toEqual({ deals: 2, medianDays: 25, meanDays: 25 });
  });
});

describe("program header", () => {
  const steps = funnel(fixture);
  const medians = medianDaysInStage(fixture);
  it("writes the header and projects from conversion", () => {
    const h = programHeader({ target: 5, minimum: 3, deadline: "2026-03-13", now: day(0), openDeals: [{ stage: "agreement" }, { stage: "agreement" }], onboarded: 3, steps, medianDays: medians });
    expect(h.summary).toBe("3 of 5 onboarded (minimum 3) · 71 days left · 2 more needed");
    expect(h.projected).toBeCloseTo(4);
    expect(h.tone).toBe("warning");
  });
  it("counts a deal for nothing when its median remaining time misses the deadline", () => {
    const h = programHeader({ target: 5, minimum: 3, deadline: "2026-01-05", now: day(0), openDeals: [{ stage: "prospect" }], onboarded: 1, steps, medianDays: medians });
    expect(h.projected).toBe(1);
    expect(h.tone).toBe("danger");
    expect(h.summary).toContain("4 days left");
  });
  it("says when the target is reached and when there is no history", () => {
    const h = programHeader({ target: 3, minimum: 2, deadline: "2026-02-01", now: day(0), openDeals: [{ stage: "demo" }], onboarded: 3, steps: funnel([]), medianDays: medians });
    expect(h.summary).toMatch(/target reached$/);
    expect(h.projected).toBeNull();
  });
});

describe("stale detection", () => {
  const now = day(30);
  it("flags missing and overdue next steps and silence per stage", () => {
    expect(staleReasons({ stage: "prospect", nextStep: null, nextStepDueAt: null, lastActivityAt: day(29) }, now, staleAfterDays)).toEqual(["no-next-step"]);
    expect(staleReasons({ stage: "demo", nextStep: "Call", nextStepDueAt: day(29), lastActivityAt: day(29) }, now, staleAfterDays)).toEqual(["overdue-next-step"]);
    expect(staleReasons({ stage: "agreement", nextStep: "Call", nextStepDueAt: day(31), lastActivityAt: day(22) }, now, staleAfterDays)).toEqual(["no-activity"]);
    expect(staleReasons({ stage: "agreement", nextStep: "Call", nextStepDueAt: day(31), lastActivityAt: day(23) }, now, staleAfterDays)).toEqual([]);
    expect(staleReasons({ stage: "onboarded", nextStep: null, nextStepDueAt: null, lastActivityAt: day(1) }, now, staleAfterDays)).toEqual([]);
    expect(staleReasons({ stage: "lost", nextStep: null, nextStepDueAt: null, lastActivityAt: day(0) }, now, staleAfterDays)).toEqual([]);
  });
  it("colours days in stage and next steps", () => {
    expect([5, 8, 10, 11].map((d) => daysInStageTone("demo", d))).toEqual(["ok", "warning", "warning", "danger"]);
    expect(daysInStageTone("onboarded", 400)).toBe("neutral");
    expect(nextStepTone({ stage: "demo", nextStep: null, nextStepDueAt: null }, now)).toBe("warning");
    expect(nextStepTone({ stage: "demo", nextStep: "x", nextStepDueAt: day(29) }, now)).toBe("danger");
    expect(nextStepTone({ stage: "demo", nextStep: "x", nextStepDueAt: day(31) }, now)).toBe("ok");
  });
});

describe("support health", () => {
  const now = day(60);
  const base = { openTickets: 1, breaches30d: 0, atRisk: 0, csatGood30d: 4, csatBad30d: 0, lastContactAt: day(59) };
  it("is green when nothing is wrong", () => expect(supportHealth(base, now).level).toBe("green"));
  it("turns red on a breach, low CSAT or silence", () => {
    expect(supportHealth({ ...base, breaches30d: 1 }, now)).toMatchObject({ level: "red", reasons: ["1 SLA breach in 30 days"] });
    expect(supportHealth({ ...base, csatGood30d: 1, csatBad30d: 2 }, now).level).toBe("red");
    expect(supportHealth({ ...base, lastContactAt: day(20) }, now).level).toBe("red");
  });
  it("turns amber on risk, load, middling CSAT or two weeks of silence", () => {
    expect(supportHealth({ ...base, atRisk: 2 }, now).reasons).toEqual(["2 tickets at risk of breaching"]);
    expect(supportHealth({ ...base, openTickets: 5 }, now).level).toBe("amber");
    expect(supportHealth({ ...base, csatGood30d: 3, csatBad30d: 1 }, now).level).toBe("amber");
    expect(supportHealth({ ...base, lastContactAt: day(40) }, now).level).toBe("amber");
    // Too few ratings to judge.
    expect(supportHealth({ ...base, csatGood30d: 0, csatBad30d: 2 }, now).level).toBe("green");
  });
});

describe("domain from website", () => {
  it("normalizes or refuses", () => {
    expect(domainFromWebsite("https://www.Globex.com/about")).toBe("globex.com");
    expect(domainFromWebsite("globex.test")).toBe("globex.test");
    expect(domainFromWebsite("not a site")).toBeNull();
    expect(domainFromWebsite("")).toBeNull();
  });
});
