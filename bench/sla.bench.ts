// Micro-benchmark of the SLA engine. Run: npx tsx bench/sla.bench.ts
// Prints µs per call; not a test, nothing asserts on speed.
import { addBusinessMinutes, type BusinessCalendar } from "../app/modules/sla/business-time";
import { computeSlaClocks, type SlaEvent, type TicketStatus } from "../app/modules/sla/clock";

function measure(name: string, iterations: number, fn: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 20_000); i++) sink += Number(Boolean(fn(i))); // warm up
  const best: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += Number(Boolean(fn(i)));
    best.push(Number(process.hrtime.bigint() - t0) / 1000 / iterations);
  }
  best.sort((a, b) => a - b);
  if (sink === -1) console.log("unreachable"); // keeps the results alive
  console.log(`${name}: ${best[0].toFixed(2)} µs/call (best of 5 rounds; median ${best[2].toFixed(2)} µs)`);
  return best[0];
}

const weekdays = ["mon", "tue", "wed", "thu", "fri"] as const;
const june = Array.from({ length: 30 }, (_, i) => `2025-06-${String(i + 1).padStart(2, "0")}`);
const calendar: BusinessCalendar = {
  timeZone: "Europe/Berlin",
  hours: Object.fromEntries(weekdays.map((d) => [d, [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }]])),
  holidays: ["2025-05-29", ...june, "2025-07-14"],
};
// Friday 2025-05-30 15:00 CEST, plus a few seconds per iteration: the due time lies after June.
const start = Date.parse("2025-05-30T13:00:00Z");
measure("addBusinessMinutes across a 30-day run of holidays", 200_000, (i) =>
  addBusinessMinutes(calendar, new Date(start + (i % 3600) * 1000), 180 + (i % 7)),
);

const statuses: TicketStatus[] = ["open", "pending", "open", "on_hold", "open", "solved", "open"];
const base = Date.parse("2025-03-03T08:00:00Z");
const events: SlaEvent[] = [{ at: new Date(base), type: "created" }];
for (let k = 1; k < 20; k++) {
  const at = new Date(base + k * 47 * 60_000);
  if (k % 3 === 0) events.push({ at, type: "status", status: statuses[(k / 3) % statuses.length] });
  else events.push({ at, type: k % 3 === 1 ? "customer_message" : "agent_reply" });
}
const now = new Date(base + 21 * 47 * 60_000);
measure("computeSlaClocks with a 20-event timeline", 50_000, () =>
  computeSlaClocks({
    calendar,
    targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 2400 },
    events,
    now,
  }),
);
