import { and, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { agreements, betaDeals, betaExitDecisions, betaGoals, betaGoalSettings, betaPrograms, dealActivities, dealStageEvents, organizations } from "../schema";

export interface SeedBetaGoalsInput {
  salesUserId: string;
  adminUserId: string;
  globexOrganizationId: string;
  now?: Date;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Demo data for the goals page (after seedBeta): the company's goals counted from 150 days ago
 * (Europe/Berlin), a finished pilot program with one customer converted to a paid plan and one
 * churned, and Globex's beta ending in 9 days with no decision yet ("Decision needed").
 */
export async function seedBetaGoals(tx: Executor, input: SeedBetaGoalsInput): Promise<void> {
  const now = input.now ?? new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const day = (days: number) => at(days).toISOString().slice(0, 10);
  await tx.insert(betaGoalSettings).values({ id: true, startsOn: day(-150), timeZone: "Europe/Berlin", updatedById: input.adminUserId, updatedAt: now }).onConflictDoNothing();
  await tx
    .insert(betaGoals)
    .values([
      { metric: "onboarded", label: "Beta customers onboarded", minimum: 3, target: 5, byMonth: 6, updatedAt: now },
      { metric: "paying", label: "Paying customers", minimum: null, target: 10, byMonth: 6, updatedAt: now },
      { metric: "paying", label: "Paying customers", minimum: null, target: 30, byMonth: 12, updatedAt: now },
    ])
    .onConflictDoNothing();

  // The pilot: finished, inactive. Dunder Mifflin converted to the enterprise plan; Kramerica churned.
  const [pilot] = await tx
    .insert(betaPrograms)
    .values({ name: "Pilot program", target: 2, minimum: 1, startsOn: day(-150), deadline: day(-90), active: false, createdAt: at(-150) })
    .returning({ id: betaPrograms.id });
  const pilotDeals = [
    { company: "Dunder Mifflin", domain: "dundermifflin.test", onboarded: -120, endsIn: -30, decision: { outcome: "converted" as const, plan: "enterprise" as const, on: -28, price: "€1,200 / month" } },
    { company: "Kramerica", domain: "kramerica.test", onboarded: -110, endsIn: -20, decision: { outcome: "churned" as const, reason: "Missing features", on: -18, note: "Needs a Jira integration first; revisit next year." } },
  ];
  for (const p of pilotDeals) {
    const converted = p.decision.outcome === "converted";
    const [org] = await tx
      .insert(organizations)
      .values({
        name: p.company,
        domain: p.domain,
        plan: converted ? p.decision.plan! : "beta",
        convertedOn: converted ? day(p.decision.on) : null,
        createdAt: at(p.onboarded),
        updatedAt: at(p.decision.on),
      })
      .returning({ id: organizations.id });
    const [deal] = await tx
      .insert(betaDeals)
      .values({
        programId: pilot!.id,
        company: p.company,
        website: p.domain,
        source: "Pilot",
        ownerId: input.salesUserId,
        stage: "onboarded",
        stageEnteredAt: at(p.onboarded),
        nextStep: null,
        organizationId: org!.id,
        onboardedAt: at(p.onboarded),
        caseStudyStage: "candidate",
        lastActivityAt: at(p.decision.on),
        createdAt: at(p.onboarded - 30),
        updatedAt: at(p.decision.on),
      })
      .returning({ id: betaDeals.id });
    const path: [("prospect" | "demo" | "agreement" | "onboarded"), number][] = [
      ["prospect", p.onboarded - 30],
      ["demo", p.onboarded - 20],
      ["agreement", p.onboarded - 10],
      ["onboarded", p.onboarded],
    ];
    let from: "prospect" | "demo" | "agreement" | "onboarded" | null = null;
    for (const [to, d] of path) {
      await tx.insert(dealStageEvents).values({ dealId: deal!.id, fromStage: from, toStage: to, actorId: input.salesUserId, at: at(d) });
      from = to;
    }
    await tx.insert(agreements).values({
      dealId: deal!.id,
      status: "signed",
      terms: "Free use of the enterprise tier during the pilot.",
      sentOn: day(p.onboarded - 9),
      signedOn: day(p.onboarded - 1),
      betaStartsOn: day(p.onboarded),
      betaEndsOn: day(p.endsIn),
      priceAfterBeta: "€1,200 / month",
      caseStudyConsent: "none",
      updatedById: input.salesUserId,
      updatedAt: at(p.onboarded),
    });
    const d = p.decision;
    await tx.insert(betaExitDecisions).values({
      dealId: deal!.id,
      organizationId: org!.id,
      outcome: d.outcome,
      plan: d.outcome === "converted" ? d.plan : null,
      decidedOn: day(d.on),
      price: d.outcome === "converted" ? d.price : null,
      churnReason: d.outcome === "churned" ? d.reason : null,
      note: d.outcome === "churned" ? d.note : null,
      decidedById: input.salesUserId,
      createdAt: at(d.on),
    });
    await tx.insert(dealActivities).values({
      dealId: deal!.id,
      kind: "note",
      body: d.outcome === "converted" ? `Beta exit: converted to Enterprise on ${day(d.on)} at ${d.price}.` : `Beta exit: churned on ${day(d.on)} (${d.reason}). ${d.note}`,
      actorId: input.salesUserId,
      at: at(d.on),
    });
  }

  // Globex's beta ends in 9 days and nobody has decided yet: its deal shows "Decision needed".
  const [globexDeal] = await tx
    .select({ id: betaDeals.id })
    .from(betaDeals)
    .where(and(eq(betaDeals.organizationId, input.globexOrganizationId), eq(betaDeals.stage, "onboarded")))
    .limit(1);
  if (globexDeal) await tx.update(agreements).set({ betaEndsOn: day(9) }).where(eq(agreements.dealId, globexDeal.id));
}
