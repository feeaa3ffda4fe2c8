import { and, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { businessCalendars, escalationRules, slaPolicies, tickets } from "../schema";
import { recomputeTicketSla } from "../../app/modules/sla/apply.server";

/** German public holidays (nationwide) for 2026 and 2027. */
export const germanHolidays = [
  "2026-01-01 Neujahr",
  "2026-04-03 Karfreitag",
  "2026-04-06 Ostermontag",
  "2026-05-01 Tag der Arbeit",
  "2026-05-14 Christi Himmelfahrt",
  "2026-05-25 Pfingstmontag",
  "2026-10-03 Tag der Deutschen Einheit",
  "2026-12-25 1. Weihnachtstag",
  "2026-12-26 2. Weihnachtstag",
  "2027-01-01 Neujahr",
  "2027-03-26 Karfreitag",
  "2027-03-29 Ostermontag",
  "2027-05-01 Tag der Arbeit",
  "2027-05-06 Christi Himmelfahrt",
  "2027-05-17 Pfingstmontag",
  "2027-10-03 Tag der Deutschen Einheit",
  "2027-12-25 1. Weihnachtstag",
  "2027-12-26 2. Weihnachtstag",
];

export interface SeedSlaInput {
  /** Notified (with all admins) when a ticket breaches; usually the demo agent. */
  notifyUserIds?: string[];
  /** Recompute the clocks of tickets already seeded (default true). */
  recompute?: boolean;
  at?: Date;
}

const day = [{ start: "09:00", end: "17:00" }];
const allDay = [{ start: "00:00", end: "24:00" }];

/**
 * The demo's service levels: a Berlin business-hours calendar with German holidays, a 24/7
 * calendar, enterprise (24/7), beta and standard policies in that order, and one escalation rule.
 * Then recomputes the open tickets already in the database so their timers show at once.
 */
export async function seedSla(tx: Executor, input: SeedSlaInput = {}) {
  const [berlin, always] = await tx
    .insert(businessCalendars)
    .values([
      { name: "Berlin office hours", timeZone: "Europe/Berlin", hours: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: germanHolidays.map((h) => h.slice(0, 10)) },
      { name: "Around the clock (24/7)", timeZone: "UTC", hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] },
    ])
    .returning({ id: businessCalendars.id });
  const h = 60;
  const [enterprise, beta, standard] = await tx
    .insert(slaPolicies)
    .values([
      {
        position: 0,
        name: "Enterprise",
        plans: ["enterprise"],
        calendarId: always!.id,
        targets: {
          urgent: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 8 * h },
          high: { firstResponseMinutes: 1 * h, nextResponseMinutes: 2 * h, resolutionMinutes: 24 * h },
          normal: { firstResponseMinutes: 4 * h, nextResponseMinutes: 8 * h, resolutionMinutes: 3 * 24 * h },
          low: { firstResponseMinutes: 8 * h, resolutionMinutes: 5 * 24 * h },
        },
      },
      {
        position: 1,
        name: "Beta program",
        plans: ["beta"],
        calendarId: berlin!.id,
        warnFraction: 0.75,
        targets: {
          urgent: { firstResponseMinutes: 1 * h, nextResponseMinutes: 2 * h, resolutionMinutes: 8 * h },
          high: { firstResponseMinutes: 2 * h, nextResponseMinutes: 4 * h, resolutionMinutes: 16 * h },
          normal: { firstResponseMinutes: 4 * h, nextResponseMinutes: 8 * h, resolutionMinutes: 40 * h },
          low: { firstResponseMinutes: 8 * h, resolutionMinutes: 80 * h },
        },
      },
      {
        position: 2,
        name: "Standard",
        calendarId: berlin!.id,
        targets: {
          high: { firstResponseMinutes: 4 * h, nextResponseMinutes: 8 * h, resolutionMinutes: 40 * h },
          normal: { firstResponseMinutes: 8 * h, nextResponseMinutes: 16 * h, resolutionMinutes: 80 * h },
          low: { firstResponseMinutes: 16 * h },
        },
      },
    ])
    .returning({ id: slaPolicies.id });
  const [rule] = await tx
    .insert(escalationRules)
    .values({
      name: "Breach: tell the assignee and admins, escalate",
      metric: "any",
      trigger: "breach",
      conditions: {},
      actions: { notifyAssignee: true, notifyAdmins: true, notifyUserIds: input.notifyUserIds ?? [], setEscalationLevel: 1 },
    })
    .returning({ id: escalationRules.id });
  let recomputed = 0;
  if (input.recompute !== false) {
    const all = await tx
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(inArray(tickets.status, ["new", "open", "pending", "on_hold", "solved", "closed"]), isNull(tickets.mergedIntoId)));
    for (const t of all) await recomputeTicketSla(tx, t.id, input.at);
    recomputed = all.length;
  }
  return { calendarIds: { berlin: berlin!.id, always: always!.id }, policyIds: { enterprise: enterprise!.id, beta: beta!.id, standard: standard!.id }, ruleId: rule!.id, recomputed };
}
