import { and, asc, eq, gte, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import {
  agreements,
  betaDeals,
  betaExitDecisions,
  betaGoals,
  betaGoalSettings,
  betaPrograms,
  betaWeeklySummaries,
  dealStageEvents,
  organizations,
  users,
} from "../../../db/schema";
import { db, type Database, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import { isValidTimeZone } from "~/lib/dates";
import { audit } from "../audit/audit.server";
import { enqueueEmail } from "../email/outbox.server";
import { staleReasonLabels, staleReasons } from "./analytics";
import { conversionSummary } from "./exit.server";
import { DealError, type StaffActor } from "./deals.server";
import {
  burnUp,
  DECISION_WINDOW_DAYS,
  daysFrom,
  defaultGoals,
  formatRate,
  goalMetricLabels,
  goalMetrics,
  goalProgress,
  goalStatusLabels,
  riskKindLabels,
  summaryWeek,
  type Goal,
  type GoalMetric,
  type RiskKind,
} from "./goals";
import { healthFor } from "./health.server";
import { stageLabels, staleAfterDays } from "./model";

export interface GoalSettings {
  startsOn: string;
  timeZone: string;
  /** False while the start date is the default (no admin saved one yet). */
  saved: boolean;
}

/** The start date months are counted from (default: the earliest program's start) and the company time zone. */
export async function goalSettings(executor: Executor = db()): Promise<GoalSettings> {
  const [row] = await executor.select().from(betaGoalSettings).limit(1);
  if (row) return { startsOn: row.startsOn, timeZone: row.timeZone, saved: true };
  const [first] = await executor.select({ startsOn: betaPrograms.startsOn }).from(betaPrograms).orderBy(asc(betaPrograms.startsOn)).limit(1);
  return { startsOn: first?.startsOn ?? now().toISOString().slice(0, 10), timeZone: "UTC", saved: false };
}

/** The company's goals; the defaults are stored the first time none exist. */
export async function listGoals(executor: Executor = db()): Promise<(Goal & { id: string })[]> {
  const read = () => executor.select().from(betaGoals).orderBy(asc(betaGoals.metric), asc(betaGoals.byMonth));
  let rows = await read();
  if (rows.length === 0) {
    await executor.insert(betaGoals).values(defaultGoals.map((g) => ({ ...g, updatedAt: now() }))).onConflictDoNothing();
    rows = await read();
  }
  return rows.map((r) => ({ id: r.id, metric: r.metric, label: r.label, minimum: r.minimum, target: r.target, byMonth: r.byMonth }));
}

export interface GoalsInput {
  startsOn: string;
  timeZone: string;
  goals: { id: string; minimum: number | null; target: number; byMonth: number }[];
}

/** Admins edit the start date, the time zone and each goal's numbers (audited). */
export async function saveGoals(actor: StaffActor, input: GoalsInput): Promise<void> {
  if (!isValidTimeZone(input.timeZone)) throw new DealError("Choose a time zone such as Europe/Berlin.", 400, "timeZone");
  for (const g of input.goals) {
    if (g.minimum !== null && g.minimum > g.target) throw new DealError("A minimum cannot be above its target.", 400, `minimum-${g.id}`);
  }
  await db().transaction(async (tx) => {
    const at = now();
    await tx
      .insert(betaGoalSettings)
      .values({ id: true, startsOn: input.startsOn, timeZone: input.timeZone, updatedById: actor.id, updatedAt: at })
      .onConflictDoUpdate({ target: betaGoalSettings.id, set: { startsOn: input.startsOn, timeZone: input.timeZone, updatedById: actor.id, updatedAt: at } });
    for (const g of input.goals) {
      try {
        const [row] = await tx
          .update(betaGoals)
          .set({ minimum: g.minimum, target: g.target, byMonth: g.byMonth, updatedById: actor.id, updatedAt: at })
          .where(eq(betaGoals.id, g.id))
          .returning({ id: betaGoals.id });
        if (!row) throw new DealError("A goal was removed meanwhile: reload the page.", 409);
      } catch (e) {
        if (e instanceof DealError) throw e;
        throw new DealError("Two goals of one kind cannot share a month.", 400, `byMonth-${g.id}`);
      }
    }
    await audit(tx, { actorId: actor.id, action: "beta.goals_updated", targetType: "beta_goals", data: { ...input } });
  });
}

/** The dated achievements of each metric: deals onboarded (by first onboarding) and organizations converted to a paid plan. */
export async function achievements(executor: Executor = db()): Promise<Record<GoalMetric, string[]>> {
  const [onboarded, paying] = await Promise.all([
    executor
      .select({ at: betaDeals.onboardedAt })
      .from(betaDeals)
      .where(and(eq(betaDeals.stage, "onboarded"), isNotNull(betaDeals.onboardedAt))),
    executor
      .select({ on: organizations.convertedOn })
      .from(organizations)
      .where(and(isNotNull(organizations.convertedOn), inArray(organizations.plan, ["standard", "enterprise"]))),
  ]);
  return {
    onboarded: onboarded.map((r) => r.at!.toISOString().slice(0, 10)).sort(),
    paying: paying.map((r) => r.on!).sort(),
  };
}

export interface RiskItem {
  kind: RiskKind;
  kindLabel: string;
  dealId: string;
  company: string;
  stage: string;
  detail: string;
  /** The goal it puts at risk. */
  metric: GoalMetric;
}

/**
 * What puts the goals at risk: open deals that are stale (no next step, an overdue one, no recent
 * activity) hold back onboarding; onboarded customers whose support health is red, or whose beta
 * ends within 14 days (or has ended) with no conversion decision, hold back the paying customers.
 */
export async function goalRisks(executor: Executor = db()): Promise<RiskItem[]> {
  const at = now();
  const today = at.toISOString().slice(0, 10);
  const rows = await executor
    .select({ deal: betaDeals, betaEndsOn: agreements.betaEndsOn, decided: betaExitDecisions.dealId })
    .from(betaDeals)
    .leftJoin(agreements, eq(agreements.dealId, betaDeals.id))
    .leftJoin(betaExitDecisions, eq(betaExitDecisions.dealId, betaDeals.id))
    .where(ne(betaDeals.stage, "lost"))
    .orderBy(asc(betaDeals.company));
  const risks: RiskItem[] = [];
  const onboarded = rows.filter((r) => r.deal.stage === "onboarded");
  const health = await healthFor(
    onboarded.filter((r) => r.deal.organizationId && !r.decided).map((r) => r.deal.organizationId!),
    executor,
  );
  for (const r of rows) {
    const d = r.deal;
    const base = { dealId: d.id, company: d.company, stage: stageLabels[d.stage] };
    if (d.stage === "onboarded") {
      if (r.decided) continue;
      const h = d.organizationId ? health.get(d.organizationId) : undefined;
      if (h?.health.level === "red") risks.push({ ...base, kind: "red-health", kindLabel: riskKindLabels["red-health"], detail: h.health.reasons.join("; "), metric: "paying" });
      if (r.betaEndsOn && daysFrom(today, r.betaEndsOn) <= DECISION_WINDOW_DAYS) {
        const days = daysFrom(today, r.betaEndsOn);
        const when = days < 0 ? `ended ${-days} ${-days === 1 ? "day" : "days"} ago` : days === 0 ? "ends today" : `ends in ${days} ${days === 1 ? "day" : "days"}`;
        risks.push({ ...base, kind: "no-decision", kindLabel: riskKindLabels["no-decision"], detail: `Beta ${when} (${r.betaEndsOn}); no conversion decision`, metric: "paying" });
      }
    } else {
      const reasons = staleReasons(d, at, staleAfterDays);
      if (reasons.length) risks.push({ ...base, kind: "stale", kindLabel: riskKindLabels.stale, detail: reasons.map((x) => staleReasonLabels[x]).join(", "), metric: "onboarded" });
    }
  }
  return risks;
}

/** Everything the goals page shows. */
export async function goalsOverview(executor: Executor = db()) {
  const at = now();
  const today = at.toISOString().slice(0, 10);
  const [settings, goals, achieved, risks, conversion] = await Promise.all([
    goalSettings(executor),
    listGoals(executor),
    achievements(executor),
    goalRisks(executor),
    conversionSummary({}, executor),
  ]);
  const metrics = goalMetrics.map((metric) => {
    const own = goals.filter((g) => g.metric === metric);
    return {
      metric,
      label: goalMetricLabels[metric],
      current: achieved[metric].filter((d) => d <= today).length,
      achievedOn: achieved[metric],
      progress: own.map((g) => ({ ...goalProgress(g, achieved[metric], settings.startsOn, today), id: g.id })),
      chart: own.length ? burnUp(own, achieved[metric], settings.startsOn, today) : null,
      risks: risks.filter((r) => r.metric === metric),
    };
  });
  return { today, settings, goals, metrics, risks, conversion };
}

/** The past week's pipeline movement: stage moves, new deals and exit decisions since `since`. */
export async function pipelineMovement(since: Date, executor: Executor = db()) {
  const moves = await executor
    .select({ company: betaDeals.company, dealId: betaDeals.id, fromStage: dealStageEvents.fromStage, toStage: dealStageEvents.toStage, at: dealStageEvents.at })
    .from(dealStageEvents)
    .innerJoin(betaDeals, eq(betaDeals.id, dealStageEvents.dealId))
    .where(gte(dealStageEvents.at, since))
    .orderBy(asc(dealStageEvents.at), asc(dealStageEvents.id));
  const decisions = await executor
    .select({ company: betaDeals.company, outcome: betaExitDecisions.outcome, decidedOn: betaExitDecisions.decidedOn })
    .from(betaExitDecisions)
    .innerJoin(betaDeals, eq(betaDeals.id, betaExitDecisions.dealId))
    .where(gte(betaExitDecisions.createdAt, since));
  return {
    created: moves.filter((m) => m.fromStage === null).length,
    moves: moves
      .filter((m) => m.fromStage !== null)
      .map((m) => ({ company: m.company, dealId: m.dealId, text: `${stageLabels[m.fromStage!]} → ${stageLabels[m.toStage]}` })),
    decisions: decisions.map((d) => ({ company: d.company, text: d.outcome === "converted" ? `converted (${d.decidedOn})` : `churned (${d.decidedOn})` })),
  };
}

/**
 * The weekly summary to every active sales and admin user, from Monday 08:00 in the company time
 * zone (goal settings). Idempotent per week: the week's row in beta_weekly_summaries is inserted
 * in the same transaction as the mails, so a second run (or a second process) sends nothing.
 * Returns the number of mails queued (null: not due yet or already sent).
 */
export async function sendWeeklySummary(database: Database = db()): Promise<number | null> {
  const settings = await goalSettings(database);
  const at = now();
  const week = summaryWeek(at, settings.timeZone);
  if (!week.due) return null;
  const [already] = await database.select({ weekOf: betaWeeklySummaries.weekOf }).from(betaWeeklySummaries).where(eq(betaWeeklySummaries.weekOf, week.weekOf));
  if (already) return null;
  const overview = await goalsOverview(database);
  const movement = await pipelineMovement(new Date(at.getTime() - 7 * 24 * 60 * 60 * 1000), database);
  const recipients = await database
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(inArray(users.role, ["sales", "admin"]), isNull(users.disabledAt), isNull(users.emailBouncedAt)))
    .orderBy(asc(users.email));
  const base = env().APP_URL;
  const data = {
    weekOf: week.weekOf,
    goalsUrl: `${base}/beta/goals`,
    goals: overview.metrics.flatMap((m) =>
      m.progress.map((p) => ({
        label: `${p.label}: ${p.minimum !== null ? `${p.minimum}–` : ""}${p.target} by month ${p.byMonth} (${p.dueOn})`,
        progress: `${p.current} of ${p.target}`,
        status: goalStatusLabels[p.status],
      })),
    ),
    conversion: `${formatRate(overview.conversion.rate)} (${overview.conversion.converted} converted of ${overview.conversion.decided} decided)`,
    risks: overview.risks.map((r) => ({ company: r.company, kind: r.kindLabel, detail: r.detail, url: `${base}/beta/deals/${r.dealId}` })),
    movement: {
      created: movement.created,
      moves: movement.moves.map((m) => ({ company: m.company, text: m.text, url: `${base}/beta/deals/${m.dealId}` })),
      decisions: movement.decisions,
    },
  };
  return database.transaction(async (tx) => {
    const [claimed] = await tx
      .insert(betaWeeklySummaries)
      .values({ weekOf: week.weekOf, recipients: recipients.length, sentAt: at })
      .onConflictDoNothing()
      .returning({ weekOf: betaWeeklySummaries.weekOf });
    if (!claimed) return null;
    for (const r of recipients) {
      await enqueueEmail(tx, { to: r.email, toUserId: r.id, template: "beta_weekly_summary", data: { ...data, name: r.name } });
    }
    return recipients.length;
  });
}
