import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { agreements, betaDeals, dealStageEvents, type betaPrograms, users } from "../../../db/schema";
import { db, type Database } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { enqueueEmail } from "../email/outbox.server";
import {
  daysInStageTotal,
  funnel,
  medianDaysInStage,
  programHeader,
  staleReasonLabels,
  staleReasons,
  velocity,
  type StageEvent,
} from "./analytics";
import { daysInStageTone, dealStages, nextStepTone, stageGate, stageLabels, staleAfterDays, type DealStage, type GateItem } from "./model";
import { gateFactsOf, getActiveProgram, programDeals, stageEventsOf } from "./deals.server";
import { healthFor } from "./health.server";

export type Program = typeof betaPrograms.$inferSelect;

/**
 * The board's deals: only the columns a card needs, the owner's name, the counts, and the gate
 * facts of the deal's agreement (status, terms, signed date — never its document), in one
 * statement. (programDeals() reads whole rows for the reports and the CSV export.)
 */
function boardDeals(programId: string) {
  return db()
    .select({
      id: betaDeals.id,
      company: betaDeals.company,
      stage: betaDeals.stage,
      version: betaDeals.version,
      organizationId: betaDeals.organizationId,
      nextStep: betaDeals.nextStep,
      nextStepDueAt: betaDeals.nextStepDueAt,
      demoAt: betaDeals.demoAt,
      demoAttendees: betaDeals.demoAttendees,
      lostReason: betaDeals.lostReason,
      caseStudyStage: betaDeals.caseStudyStage,
      lastActivityAt: betaDeals.lastActivityAt,
      ownerName: users.name,
      agreementStatus: agreements.status,
      agreementTerms: agreements.terms,
      agreementSignedOn: agreements.signedOn,
      contacts: sql<number>`(select count(*)::int from deal_contacts c where c.deal_id = ${betaDeals.id})`,
      openTasks: sql<number>`(select count(*)::int from deal_activities a where a.deal_id = ${betaDeals.id} and a.kind = 'task' and a.done_at is null)`,
      feedback: sql<number>`(select count(*)::int from feedback_items f where f.organization_id = ${betaDeals.organizationId})`,
    })
    .from(betaDeals)
    .leftJoin(users, eq(users.id, betaDeals.ownerId))
    .leftJoin(agreements, eq(agreements.dealId, betaDeals.id))
    .where(eq(betaDeals.programId, programId))
    .orderBy(asc(betaDeals.stageEnteredAt), asc(betaDeals.company));
}

/** The program's stage moves, with just what the analytics read. */
function boardStageEvents(programId: string): Promise<StageEvent[]> {
  return db()
    .select({ dealId: dealStageEvents.dealId, fromStage: dealStageEvents.fromStage, toStage: dealStageEvents.toStage, at: dealStageEvents.at })
    .from(dealStageEvents)
    .innerJoin(betaDeals, eq(betaDeals.id, dealStageEvents.dealId))
    .where(eq(betaDeals.programId, programId))
    .orderBy(asc(dealStageEvents.at), asc(dealStageEvents.id));
}

/**
 * Everything the board shows: header, cards per stage, case-study lane. Three statements: the
 * deals, the stage moves, and the support health of the onboarded organizations.
 */
export async function boardData(program: Program) {
  const at = now();
  const [rows, stageEvents] = await Promise.all([boardDeals(program.id), boardStageEvents(program.id)]);
  const steps = funnel(stageEvents);
  const medians = medianDaysInStage(stageEvents);
  const onboardedOrgs = rows.filter((d) => d.stage === "onboarded" && d.organizationId).map((d) => d.organizationId!);
  const health = await healthFor(onboardedOrgs);
  const eventsByDeal = new Map<string, StageEvent[]>();
  for (const e of stageEvents) {
    const list = eventsByDeal.get(e.dealId);
    if (list) list.push(e);
    else eventsByDeal.set(e.dealId, [e]);
  }
  const cards = rows.map((d) => {
    const days = Math.floor(daysInStageTotal(eventsByDeal.get(d.id) ?? [], d.stage, at));
    const stale = staleReasons(d, at, staleAfterDays);
    const h = d.organizationId ? health.get(d.organizationId) : undefined;
    const agreement = d.agreementStatus ? { status: d.agreementStatus, terms: d.agreementTerms ?? "", signedOn: d.agreementSignedOn } : null;
    const facts = gateFactsOf(d, agreement);
    // The checklist for each other stage (lost asks its reason at the move itself).
    const gates = Object.fromEntries(dealStages.filter((s) => s !== d.stage && s !== "lost").map((s) => [s, stageGate(s, facts)])) as Partial<Record<DealStage, GateItem[]>>;
    return {
      id: d.id,
      company: d.company,
      stage: d.stage,
      version: d.version,
      ownerName: d.ownerName,
      daysInStage: days,
      daysTone: daysInStageTone(d.stage, days),
      nextStep: d.nextStep,
      nextStepDueAt: d.nextStepDueAt?.toISOString() ?? null,
      nextStepTone: nextStepTone(d, at),
      stale: stale.map((s) => staleReasonLabels[s]),
      lostReason: d.lostReason,
      caseStudyStage: d.caseStudyStage,
      contacts: Number(d.contacts),
      openTasks: Number(d.openTasks),
      feedback: Number(d.feedback),
      gates,
      health: d.stage === "onboarded" && h ? { level: h.health.level, reasons: h.health.reasons } : null,
    };
  });
  const onboarded = cards.filter((c) => c.stage === "onboarded").length;
  const header = programHeader({
    target: program.target,
    minimum: program.minimum,
    deadline: program.deadline,
    now: at,
    openDeals: cards,
    onboarded,
    steps,
    medianDays: medians,
  });
  return { header, cards, feedbackTotal: cards.reduce((n, c) => n + c.feedback, 0) };
}

export async function reportData(program: Program) {
  const [rows, events] = await Promise.all([programDeals(program.id), stageEventsOf({ programId: program.id })]);
  const stageEvents: StageEvent[] = events.map((e) => ({ dealId: e.dealId, fromStage: e.fromStage, toStage: e.toStage, at: e.at }));
  const lost = new Map<string, number>();
  for (const r of rows) if (r.deal.stage === "lost") lost.set(r.deal.lostReason ?? "Unknown", (lost.get(r.deal.lostReason ?? "Unknown") ?? 0) + 1);
  // Onboarded per ISO week over the program, for the velocity chart.
  return {
    funnel: funnel(stageEvents),
    medianDays: medianDaysInStage(stageEvents),
    velocity: velocity(stageEvents),
    lostReasons: [...lost.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    backwardMoves: events.filter((e) => e.fromStage && e.fromStage !== "lost" && e.toStage !== "lost" && stageRank(e.toStage) < stageRank(e.fromStage)).length,
    deals: rows.length,
  };
}

const stageRank = (s: DealStage) => ["prospect", "demo", "agreement", "onboarded"].indexOf(s);

/**
 * The daily digest: one email per owner listing their stale deals of the active program.
 * Run by the periodic task (one process per period); returns the mails queued.
 */
export async function sendStaleDigests(database: Database = db()): Promise<number> {
  const program = await getActiveProgram(database);
  if (!program) return 0;
  const at = now();
  const rows = await database
    .select({ deal: betaDeals, ownerName: users.name, ownerEmail: users.email })
    .from(betaDeals)
    .innerJoin(users, eq(users.id, betaDeals.ownerId))
    .where(and(eq(betaDeals.programId, program.id), ne(betaDeals.stage, "lost"), isNull(users.disabledAt)));
  const byOwner = new Map<string, { name: string; email: string; deals: { company: string; stage: string; reasons: string; url: string }[] }>();
  for (const r of rows) {
    const reasons = staleReasons(r.deal, at, staleAfterDays);
    if (!reasons.length) continue;
    const entry = byOwner.get(r.deal.ownerId!) ?? { name: r.ownerName, email: r.ownerEmail, deals: [] };
    entry.deals.push({ company: r.deal.company, stage: stageLabels[r.deal.stage], reasons: reasons.map((x) => staleReasonLabels[x]).join(", "), url: `${env().APP_URL}/beta/deals/${r.deal.id}` });
    byOwner.set(r.deal.ownerId!, entry);
  }
  if (byOwner.size === 0) return 0;
  await database.transaction(async (tx) => {
    for (const [ownerId, o] of byOwner) {
      await enqueueEmail(tx, { to: o.email, toUserId: ownerId, template: "beta_stale_digest", data: { name: o.name, boardUrl: `${env().APP_URL}/beta`, deals: o.deals } });
    }
  });
  return byOwner.size;
}
