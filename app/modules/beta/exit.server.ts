import { and, eq, inArray, sql } from "drizzle-orm";
import { betaDeals, betaExitDecisions, dealActivities, organizations } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { DealError, getAgreement, type StaffActor } from "./deals.server";
import { conversionRate, DECISION_WINDOW_DAYS, daysFrom, planLabels, type PaidPlan } from "./goals";

export type ExitDecision = typeof betaExitDecisions.$inferSelect;

export type ExitInput =
  | { outcome: "converted"; plan: PaidPlan; decidedOn: string; price: string | null; note: string | null }
  | { outcome: "churned"; churnReason: string; decidedOn: string; note: string | null };

export async function exitDecisionOf(dealId: string, executor: Executor = db()): Promise<ExitDecision | null> {
  const [row] = await executor.select().from(betaExitDecisions).where(eq(betaExitDecisions.dealId, dealId)).limit(1);
  return row ?? null;
}

/** Whether an onboarded deal's beta end asks for a decision now (ended or ending within the window). */
export function decisionNeeded(deal: { stage: string }, betaEndsOn: string | null | undefined, decided: boolean, today: string): boolean {
  return deal.stage === "onboarded" && !decided && !!betaEndsOn && daysFrom(today, betaEndsOn) <= DECISION_WINDOW_DAYS;
}

/**
 * Records the beta exit of an onboarded deal, once. Converted: the organization moves to the paid
 * plan with the conversion date. Churned: a reason from the list (the plan stays as it is). In the
 * same transaction: the audit event, a timeline entry, the deal's version bumped.
 */
export async function recordExitDecision(actor: StaffActor, dealId: string, expectedVersion: number, input: ExitInput, ip: string | null = null): Promise<ExitDecision> {
  return db().transaction(async (tx) => {
    const [deal] = await tx.select().from(betaDeals).where(eq(betaDeals.id, dealId)).for("update").limit(1);
    if (!deal) throw new DealError("There is no such deal.", 404);
    if (deal.version !== expectedVersion) throw new DealError("Someone else changed this deal a moment ago. Nothing was saved: check the latest state and try again.", 409);
    if (deal.stage !== "onboarded") throw new DealError("Only an onboarded beta customer has a beta exit to decide.", 422);
    if (await exitDecisionOf(dealId, tx)) throw new DealError("The beta exit of this deal was already decided.", 409);
    const agreement = await getAgreement(dealId, tx);
    if (agreement?.betaStartsOn && input.decidedOn < agreement.betaStartsOn) throw new DealError("The decision cannot be dated before the beta started.", 400, "decidedOn");
    if (input.outcome === "converted" && !deal.organizationId) throw new DealError("The deal has no customer organization to convert.", 422);
    const at = now();
    const [decision] = await tx
      .insert(betaExitDecisions)
      .values({
        dealId,
        organizationId: deal.organizationId,
        outcome: input.outcome,
        plan: input.outcome === "converted" ? input.plan : null,
        decidedOn: input.decidedOn,
        price: input.outcome === "converted" ? input.price : null,
        churnReason: input.outcome === "churned" ? input.churnReason : null,
        note: input.note,
        decidedById: actor.id,
        createdAt: at,
      })
      .returning();
    if (input.outcome === "converted") {
      await tx.update(organizations).set({ plan: input.plan, convertedOn: input.decidedOn, updatedAt: at }).where(eq(organizations.id, deal.organizationId!));
    }
    const body =
      input.outcome === "converted"
        ? `Beta exit: converted to ${planLabels[input.plan]} on ${input.decidedOn}${input.price ? ` at ${input.price}` : ""}.${input.note ? ` ${input.note}` : ""}`
        : `Beta exit: churned on ${input.decidedOn} (${input.churnReason}).${input.note ? ` ${input.note}` : ""}`;
    await tx.insert(dealActivities).values({ dealId, kind: "note", body, actorId: actor.id, at });
    await tx.update(betaDeals).set({ version: deal.version + 1, updatedAt: at, lastActivityAt: at }).where(eq(betaDeals.id, dealId));
    await audit(tx, {
      actorId: actor.id,
      action: "beta.exit_decided",
      targetType: "beta_deal",
      targetId: dealId,
      ip,
      data: { company: deal.company, organizationId: deal.organizationId, ...input },
    });
    return decision!;
  });
}

/** Converted and churned decisions (of one program's deals, or all), and the conversion rate. */
export async function conversionSummary(filter: { programId?: string } = {}, executor: Executor = db()) {
  const rows = await executor
    .select({ outcome: betaExitDecisions.outcome, n: sql<number>`count(*)::int` })
    .from(betaExitDecisions)
    .innerJoin(betaDeals, eq(betaDeals.id, betaExitDecisions.dealId))
    .where(filter.programId ? eq(betaDeals.programId, filter.programId) : undefined)
    .groupBy(betaExitDecisions.outcome);
  const converted = Number(rows.find((r) => r.outcome === "converted")?.n ?? 0);
  const churned = Number(rows.find((r) => r.outcome === "churned")?.n ?? 0);
  return { converted, churned, decided: converted + churned, rate: conversionRate(converted, churned) };
}

/** Churn reasons with their counts (for the reports). */
export async function churnReasonCounts(filter: { programId?: string } = {}, executor: Executor = db()) {
  const rows = await executor
    .select({ reason: betaExitDecisions.churnReason, n: sql<number>`count(*)::int` })
    .from(betaExitDecisions)
    .innerJoin(betaDeals, eq(betaDeals.id, betaExitDecisions.dealId))
    .where(and(eq(betaExitDecisions.outcome, "churned"), filter.programId ? eq(betaDeals.programId, filter.programId) : undefined))
    .groupBy(betaExitDecisions.churnReason);
  return rows.map((r) => ({ reason: r.reason ?? "Unknown", count: Number(r.n) })).sort((a, b) => b.count - a.count);
}

export async function decidedDealIds(dealIds: string[], executor: Executor = db()): Promise<Set<string>> {
  if (!dealIds.length) return new Set();
  const rows = await executor.select({ id: betaExitDecisions.dealId }).from(betaExitDecisions).where(inArray(betaExitDecisions.dealId, dealIds));
  return new Set(rows.map((r) => r.id));
}
