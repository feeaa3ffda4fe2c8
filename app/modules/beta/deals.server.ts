import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import {
  agreements,
  betaDeals,
  betaPrograms,
  dealActivities,
  dealContacts,
  dealStageEvents,
  organizations,
  users,
} from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { invite } from "../auth/account.server";
import { emitDealStageChanged } from "../webhooks/emit.server";
import type { Actor } from "../auth/permissions";
import {
  DAY_MS,
  domainFromWebsite,
  joinList,
  missingGateItems,
  onboardingChecklist,
  stageGate,
  stageLabels,
  type AgreementStatus,
  type CaseStudyConsent,
  type CaseStudyStage,
  type DealStage,
  type GateFacts,
  type GateItem,
} from "./model";

export type Deal = typeof betaDeals.$inferSelect;
export type Agreement = typeof agreements.$inferSelect;

/** A refused pipeline change, shown to the user as is. `status` is the HTTP status to answer. */
export class DealError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 422 = 400,
    readonly field?: string,
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}

export interface StaffActor extends Pick<Actor, "id"> {
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);

export async function getActiveProgram(executor: Executor = db()) {
  const [program] = await executor.select().from(betaPrograms).where(eq(betaPrograms.active, true)).limit(1);
  return program ?? null;
}

export async function getDeal(id: string, executor: Executor = db()): Promise<Deal | null> {
  if (!isUuid(id)) return null;
  const [deal] = await executor.select().from(betaDeals).where(eq(betaDeals.id, id)).limit(1);
  return deal ?? null;
}

export async function getAgreement(dealId: string, executor: Executor = db()): Promise<Agreement | null> {
  const [row] = await executor.select().from(agreements).where(eq(agreements.dealId, dealId)).limit(1);
  return row ?? null;
}

export function gateFactsOf(deal: Pick<Deal, "demoAt" | "demoAttendees">, agreement: Pick<Agreement, "terms" | "status" | "signedOn"> | null, lostReason?: string | null): GateFacts {
  return {
    demoAt: deal.demoAt,
    demoAttendees: deal.demoAttendees,
    agreement: agreement ? { terms: agreement.terms, status: agreement.status, signedOn: agreement.signedOn } : null,
    lostReason: lostReason ?? null,
  };
}

/** Records an edit of a deal (who, when, field, from, to) in its timeline. */
async function recordEdit(tx: Executor, dealId: string, actorId: string, field: string, from: unknown, to: unknown, label = field) {
  const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : v instanceof Date ? v.toISOString().slice(0, 16).replace("T", " ") : String(v));
  await tx.insert(dealActivities).values({
    dealId,
    kind: "edit",
    body: `${label}: ${show(from)} → ${show(to)}`,
    actorId,
    at: now(),
    data: { field, from: from instanceof Date ? from.toISOString() : (from ?? null), to: to instanceof Date ? to.toISOString() : (to ?? null) },
  });
}

export interface NewDealInput {
  company: string;
  website: string | null;
  source: string | null;
  ownerId: string | null;
  notes?: string;
  nextStep?: string | null;
  nextStepDueAt?: Date | null;
  contact?: { name: string; email: string; role: string | null } | null;
}

/** Creates a prospect in the active program, with its first stage event. */
export async function createDeal(actor: StaffActor, input: NewDealInput, executor?: Executor): Promise<Deal> {
  const run = async (tx: Executor) => {
    const program = await getActiveProgram(tx);
    if (!program) throw new DealError("There is no active beta program.", 422);
    return insertDeal(tx, actor, program.id, { ...input, stage: "prospect" });
  };
  return executor ? run(executor) : db().transaction(run);
}

export async function insertDeal(
  tx: Executor,
  actor: { id: string } | null,
  programId: string,
  input: NewDealInput & { stage: DealStage; lostReason?: string | null; at?: Date },
): Promise<Deal> {
  const at = input.at ?? now();
  const [deal] = await tx
    .insert(betaDeals)
    .values({
      programId,
      company: input.company.trim(),
      website: input.website,
      source: input.source,
      ownerId: input.ownerId,
      notes: input.notes ?? "",
      stage: input.stage,
      stageEnteredAt: at,
      nextStep: input.nextStep ?? null,
      nextStepDueAt: input.nextStepDueAt ?? null,
      lostReason: input.lostReason ?? null,
      lastActivityAt: at,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  await tx.insert(dealStageEvents).values({ dealId: deal!.id, fromStage: null, toStage: input.stage, actorId: actor?.id ?? null, at });
  if (input.contact) {
    await tx.insert(dealContacts).values({ dealId: deal!.id, name: input.contact.name, email: input.contact.email.trim().toLowerCase(), role: input.contact.role, createdAt: at });
  }
  return deal!;
}

export interface MoveInput {
  to: DealStage;
  /** The version the user saw; a move based on an older one is refused (409). Omit only for internal moves. */
  expectedVersion?: number;
  lostReason?: string | null;
  lostNote?: string | null;
}

export interface MoveResult {
  deal: Deal;
  moved: boolean;
  gate: GateItem[];
  onboarding: OnboardingResult | null;
}

/**
 * Moves a deal to another stage. In one transaction: lock the deal row, check the version,
 * check the target stage's gate, update the deal, append the stage event, and (to onboarded)
 * run the idempotent onboarding. A move to the stage the deal is already in changes nothing.
 */
export async function moveDeal(actor: StaffActor, dealId: string, input: MoveInput, database = db()): Promise<MoveResult> {
  if (!isUuid(dealId)) throw new DealError("There is no such deal.", 404);
  return database.transaction(async (tx) => {
    const [deal] = await tx.select().from(betaDeals).where(eq(betaDeals.id, dealId)).for("update").limit(1);
    if (!deal) throw new DealError("There is no such deal.", 404);
    if (input.expectedVersion !== undefined && input.expectedVersion !== deal.version) {
      throw new DealError(
        `Someone else changed ${deal.company} a moment ago (it is now in ${stageLabels[deal.stage]}). Your move was not applied: check the card and move it again if it still needs to go.`,
        409,
      );
    }
    const agreement = await getAgreement(deal.id, tx);
    const gate = stageGate(input.to, gateFactsOf(deal, agreement, input.lostReason));
    if (deal.stage === input.to) return { deal, moved: false, gate, onboarding: null };
    const missing = missingGateItems(gate);
    if (missing.length) {
      throw new DealError(`${deal.company} cannot move to ${stageLabels[input.to]} yet: missing ${joinList(missing.map((m) => m.toLowerCase()))}.`, 422, "to", missing);
    }
    const at = now();
    const [updated] = await tx
      .update(betaDeals)
      .set({
        stage: input.to,
        stageEnteredAt: at,
        version: deal.version + 1,
        updatedAt: at,
        lastActivityAt: at,
        ...(input.to === "lost" ? { lostReason: input.lostReason!.trim(), lostNote: input.lostNote?.trim() || null } : {}),
        ...(input.to === "onboarded" && !deal.onboardedAt ? { onboardedAt: at } : {}),
        ...(input.to === "onboarded" && !deal.caseStudyStage ? { caseStudyStage: "candidate" as const } : {}),
      })
      .where(eq(betaDeals.id, deal.id))
      .returning();
    await tx.insert(dealStageEvents).values({
      dealId: deal.id,
      fromStage: deal.stage,
      toStage: input.to,
      actorId: actor.id,
      at,
      note: input.to === "lost" ? [input.lostReason, input.lostNote].filter(Boolean).join(" — ") : null,
    });
    await emitDealStageChanged(tx, updated!, {
      from: deal.stage,
      to: input.to,
      fromLabel: stageLabels[deal.stage],
      toLabel: stageLabels[input.to],
      actorId: actor.id,
      lostReason: input.to === "lost" ? input.lostReason : null,
    });
    const onboarding = input.to === "onboarded" ? await onboard(tx, actor, updated!) : null;
    return { deal: onboarding?.deal ?? updated!, moved: true, gate, onboarding };
  });
}

export interface OnboardingResult {
  deal: Deal;
  organizationId: string;
  organizationCreated: boolean;
  invited: string[];
  skipped: { email: string; reason: string }[];
  tasksCreated: number;
}

/**
 * Onboarding, inside the move's transaction (the deal row is locked): create or link the
 * customer organization on the beta plan, invite each contact not yet invited, create the
 * checklist's tasks. Idempotent: the deal keeps its organization, each contact keeps the user
 * it was invited as, and tasks are unique per (deal, checklist key) — moving back and forth
 * never duplicates anything.
 */
export async function onboard(tx: Executor, actor: StaffActor, deal: Deal): Promise<OnboardingResult> {
  const at = now();
  let organizationId = deal.organizationId;
  let organizationCreated = false;
  const domain = domainFromWebsite(deal.website);
  if (!organizationId && domain) {
    const [byDomain] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.domain, domain)).limit(1);
    organizationId = byDomain?.id ?? null;
  }
  if (!organizationId) {
    const [created] = await tx
      .insert(organizations)
      .values({ name: deal.company, domain, plan: "beta", createdAt: at, updatedAt: at })
      .onConflictDoNothing()
      .returning({ id: organizations.id });
    if (created) {
      organizationId = created.id;
      organizationCreated = true;
    } else {
      // Another deal's onboarding created the organization of this domain a moment ago.
      const [byDomain] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.domain, domain!)).limit(1);
      organizationId = byDomain!.id;
    }
  }
  // The beta plan makes the beta SLA policy apply; an enterprise customer keeps its plan.
  await tx
    .update(organizations)
    .set({ plan: "beta", updatedAt: at })
    .where(and(eq(organizations.id, organizationId), eq(organizations.plan, "standard")));
  const [linked] = await tx.update(betaDeals).set({ organizationId }).where(eq(betaDeals.id, deal.id)).returning();

  const invited: string[] = [];
  const skipped: { email: string; reason: string }[] = [];
  const contacts = await tx.select().from(dealContacts).where(and(eq(dealContacts.dealId, deal.id), isNull(dealContacts.userId))).orderBy(asc(dealContacts.createdAt));
  for (const contact of contacts) {
    const [existing] = await tx.select().from(users).where(eq(users.email, contact.email)).limit(1);
    if (existing && (existing.organizationId !== organizationId || existing.role !== "customer")) {
      skipped.push({ email: contact.email, reason: "has an account elsewhere" });
      continue;
    }
    if (existing?.passwordHash) {
      // Already a member of this organization: link, nothing to send.
      await tx.update(dealContacts).set({ userId: existing.id }).where(eq(dealContacts.id, contact.id));
      skipped.push({ email: contact.email, reason: "already has access" });
      continue;
    }
    const { userId } = await invite(tx, { email: contact.email, name: contact.name, role: "customer", organizationId, invitedBy: { id: actor.id, name: actor.name } });
    await tx.update(dealContacts).set({ userId, invitedAt: at }).where(eq(dealContacts.id, contact.id));
    invited.push(contact.email);
  }

  const tasks = await tx
    .insert(dealActivities)
    .values(
      onboardingChecklist.map((item) => ({
        dealId: deal.id,
        kind: "task" as const,
        body: item.label,
        actorId: actor.id,
        at,
        dueAt: new Date(at.getTime() + item.dueDays * DAY_MS),
        templateKey: `onboarding:${item.key}`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: dealActivities.id });
  if (organizationCreated || invited.length || skipped.length) {
    const parts = [
      organizationCreated ? "created the customer organization on the beta plan" : "linked the customer organization",
      invited.length ? `invited ${invited.join(", ")}` : null,
      ...skipped.filter((s) => s.reason !== "already has access").map((s) => `did not invite ${s.email} (${s.reason})`),
    ].filter(Boolean);
    await tx.insert(dealActivities).values({ dealId: deal.id, kind: "note", body: `Onboarding: ${parts.join("; ")}.`, actorId: actor.id, at });
  }
  return { deal: linked!, organizationId, organizationCreated, invited, skipped, tasksCreated: tasks.length };
}

export interface DealEdit {
  company: string;
  website: string | null;
  source: string | null;
  ownerId: string | null;
  notes: string;
  demoAt: Date | null;
  demoAttendees: string | null;
}

const editLabels: Record<keyof DealEdit | "nextStep" | "nextStepDueAt", string> = {
  company: "Company",
  website: "Website",
  source: "Source",
  ownerId: "Owner",
  notes: "Notes",
  demoAt: "Demo date",
  demoAttendees: "Demo attendees",
  nextStep: "Next step",
  nextStepDueAt: "Next step due",
};

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return (a as Date | null)?.getTime?.() === (b as Date | null)?.getTime?.();
  return (a ?? null) === (b ?? null);
}

/** Saves fields of a deal under the optimistic version check, recording each changed field. */
export async function updateDeal(actor: StaffActor, dealId: string, expectedVersion: number, changes: Partial<DealEdit & { nextStep: string | null; nextStepDueAt: Date | null }>): Promise<Deal> {
  return db().transaction(async (tx) => {
    const [deal] = await tx.select().from(betaDeals).where(eq(betaDeals.id, dealId)).for("update").limit(1);
    if (!deal) throw new DealError("There is no such deal.", 404);
    if (deal.version !== expectedVersion) throw new DealError("Someone else changed this deal while you were editing. Your changes were not saved: the page now shows the latest version.", 409);
    const changed: Record<string, unknown> = {};
    const names = new Map<string, string>();
    if (changes.ownerId !== undefined && changes.ownerId !== deal.ownerId) {
      const ids = [deal.ownerId, changes.ownerId].filter((v): v is string => !!v);
      const rows = ids.length ? await tx.select({ id: users.id, name: users.name, role: users.role }).from(users).where(inArray(users.id, ids)) : [];
      for (const r of rows) names.set(r.id, r.name);
      const owner = rows.find((r) => r.id === changes.ownerId);
      if (changes.ownerId && (!owner || (owner.role !== "sales" && owner.role !== "admin"))) throw new DealError("The owner must be a sales or admin user.", 400, "ownerId");
    }
    for (const [key, value] of Object.entries(changes) as [keyof typeof editLabels, unknown][]) {
      if (value === undefined || same(deal[key], value)) continue;
      changed[key] = value;
      const from = key === "ownerId" ? (deal.ownerId ? names.get(deal.ownerId) : null) : key === "notes" ? "(previous notes)" : deal[key];
      const to = key === "ownerId" ? (value ? names.get(value as string) : null) : key === "notes" ? "(updated)" : value;
      await recordEdit(tx, deal.id, actor.id, key, from, to, editLabels[key]);
    }
    if (Object.keys(changed).length === 0) return deal;
    const [updated] = await tx
      .update(betaDeals)
      .set({ ...changed, version: deal.version + 1, updatedAt: now(), lastActivityAt: now() })
      .where(eq(betaDeals.id, deal.id))
      .returning();
    return updated!;
  });
}

export async function addContact(actor: StaffActor, dealId: string, input: { name: string; email: string; role: string | null }): Promise<void> {
  await db().transaction(async (tx) => {
    const deal = await getDeal(dealId, tx);
    if (!deal) throw new DealError("There is no such deal.", 404);
    const email = input.email.trim().toLowerCase();
    const [row] = await tx
      .insert(dealContacts)
      .values({ dealId, name: input.name.trim(), email, role: input.role, createdAt: now() })
      .onConflictDoNothing()
      .returning({ id: dealContacts.id });
    if (!row) throw new DealError("This person is already a contact of the deal.", 400, "email");
    await recordEdit(tx, dealId, actor.id, "contact", null, `${input.name.trim()} <${email}>`, "Contact added");
    // Added after onboarding: invite them now, like the others were.
    if (deal.stage === "onboarded") await onboard(tx, actor, deal);
  });
}

export async function removeContact(actor: StaffActor, dealId: string, contactId: string): Promise<void> {
  if (!isUuid(contactId)) throw new DealError("There is no such contact.", 404);
  await db().transaction(async (tx) => {
    const [removed] = await tx.delete(dealContacts).where(and(eq(dealContacts.id, contactId), eq(dealContacts.dealId, dealId))).returning();
    if (!removed) throw new DealError("There is no such contact.", 404);
    await recordEdit(tx, dealId, actor.id, "contact", `${removed.name} <${removed.email}>`, null, "Contact removed");
  });
}

export async function logActivity(actor: StaffActor, dealId: string, input: { kind: "note" | "call" | "meeting" | "email" | "task"; body: string; dueAt: Date | null }): Promise<void> {
  await db().transaction(async (tx) => {
    const deal = await getDeal(dealId, tx);
    if (!deal) throw new DealError("There is no such deal.", 404);
    const at = now();
    await tx.insert(dealActivities).values({ dealId, kind: input.kind, body: input.body.trim(), actorId: actor.id, at, dueAt: input.kind === "task" ? input.dueAt : null });
    await tx.update(betaDeals).set({ lastActivityAt: at }).where(eq(betaDeals.id, dealId));
  });
}

export async function setTaskDone(actor: StaffActor, dealId: string, activityId: string, done: boolean): Promise<void> {
  if (!isUuid(activityId)) throw new DealError("There is no such task.", 404);
  await db().transaction(async (tx) => {
    const at = now();
    const [task] = await tx
      .update(dealActivities)
      .set({ doneAt: done ? at : null })
      .where(and(eq(dealActivities.id, activityId), eq(dealActivities.dealId, dealId), eq(dealActivities.kind, "task")))
      .returning();
    if (!task) throw new DealError("There is no such task.", 404);
    await recordEdit(tx, dealId, actor.id, "task", done ? "open" : "done", done ? "done" : "open", `Task “${task.body}”`);
    await tx.update(betaDeals).set({ lastActivityAt: at }).where(eq(betaDeals.id, dealId));
  });
}

export interface AgreementInput {
  status: AgreementStatus;
  terms: string;
  sentOn: string | null;
  signedOn: string | null;
  betaStartsOn: string | null;
  betaEndsOn: string | null;
  priceAfterBeta: string | null;
  feedbackObligations: string | null;
  caseStudyConsent: CaseStudyConsent;
  document?: { name: string; bytes: Buffer } | null;
}

const agreementLabels: Record<string, string> = {
  status: "Agreement status",
  terms: "Agreement terms",
  sentOn: "Agreement sent",
  signedOn: "Agreement signed",
  betaStartsOn: "Beta start",
  betaEndsOn: "Beta end",
  priceAfterBeta: "Price after the beta",
  feedbackObligations: "Feedback obligations",
  caseStudyConsent: "Case-study consent",
};

/** Creates or updates the deal's agreement, recording each changed field; bumps the deal's version. */
export async function saveAgreement(actor: StaffActor, dealId: string, expectedVersion: number, input: AgreementInput): Promise<void> {
  if (input.status === "signed" && !input.signedOn) throw new DealError("Enter the date the agreement was signed.", 400, "signedOn");
  if (input.signedOn && input.status !== "signed") throw new DealError("A signed date needs the status Signed.", 400, "status");
  if (input.betaStartsOn && input.betaEndsOn && input.betaEndsOn < input.betaStartsOn) throw new DealError("The beta cannot end before it starts.", 400, "betaEndsOn");
  await db().transaction(async (tx) => {
    const [deal] = await tx.select().from(betaDeals).where(eq(betaDeals.id, dealId)).for("update").limit(1);
    if (!deal) throw new DealError("There is no such deal.", 404);
    if (deal.version !== expectedVersion) throw new DealError("Someone else changed this deal while you were editing. Your changes were not saved: the page now shows the latest version.", 409);
    const existing = await getAgreement(dealId, tx);
    const { document, ...fields } = input;
    for (const [key, value] of Object.entries(fields)) {
      const before = existing ? (existing as Record<string, unknown>)[key] : key === "caseStudyConsent" ? "none" : key === "status" ? null : null;
      if (same(before, value) || (key === "terms" && !existing && !value)) continue;
      await recordEdit(tx, dealId, actor.id, `agreement.${key}`, key === "terms" ? (before ? "(previous terms)" : null) : before, key === "terms" ? "(updated)" : value, agreementLabels[key]);
    }
    const doc = document
      ? { documentName: document.name, documentSize: document.bytes.length, documentSha256: createHash("sha256").update(document.bytes).digest("hex"), documentData: document.bytes }
      : {};
    if (document) await recordEdit(tx, dealId, actor.id, "agreement.document", existing?.documentName ?? null, document.name, "Agreement document");
    const values = { ...fields, ...doc, updatedById: actor.id, updatedAt: now() };
    if (existing) await tx.update(agreements).set(values).where(eq(agreements.dealId, dealId));
    else await tx.insert(agreements).values({ dealId, ...values });
    // Consent withdrawn: a case study beyond "candidate" cannot go on.
    const caseStudy = input.caseStudyConsent === "none" && deal.caseStudyStage && deal.caseStudyStage !== "candidate" ? { caseStudyStage: "candidate" as const } : {};
    await tx.update(betaDeals).set({ version: deal.version + 1, updatedAt: now(), lastActivityAt: now(), ...caseStudy }).where(eq(betaDeals.id, dealId));
  });
}

export async function agreementDocument(dealId: string) {
  if (!isUuid(dealId)) return null;
  const [row] = await db()
    .select({ name: agreements.documentName, size: agreements.documentSize, data: agreements.documentData })
    .from(agreements)
    .where(eq(agreements.dealId, dealId));
  return row?.data && row.name ? { name: row.name, size: row.size ?? row.data.length, data: row.data } : null;
}

/**
 * Moves the deal along the case-study lane (onboarded deals only). Beyond "candidate" it needs
 * the customer's consent in the agreement (logo, quote or full).
 */
export async function setCaseStudyStage(actor: StaffActor, dealId: string, expectedVersion: number, stage: CaseStudyStage): Promise<void> {
  await db().transaction(async (tx) => {
    const [deal] = await tx.select().from(betaDeals).where(eq(betaDeals.id, dealId)).for("update").limit(1);
    if (!deal) throw new DealError("There is no such deal.", 404);
    if (deal.version !== expectedVersion) throw new DealError("Someone else changed this deal a moment ago. Nothing was saved: check the latest state and try again.", 409);
    if (deal.stage !== "onboarded") throw new DealError("Only onboarded customers can be case studies.", 422);
    const agreement = await getAgreement(dealId, tx);
    if (stage !== "candidate" && (!agreement || agreement.caseStudyConsent === "none")) {
      throw new DealError("The agreement has no case-study consent yet: record the consent (logo, quote or full) in the agreement first.", 422, "caseStudyStage");
    }
    if (deal.caseStudyStage === stage) return;
    await recordEdit(tx, dealId, actor.id, "caseStudyStage", deal.caseStudyStage, stage, "Case study");
    await tx.update(betaDeals).set({ caseStudyStage: stage, version: deal.version + 1, updatedAt: now(), lastActivityAt: now() }).where(eq(betaDeals.id, dealId));
  });
}

/** The stage events of a program's deals (or one deal), oldest first. */
export async function stageEventsOf(filter: { programId?: string; dealId?: string }, executor: Executor = db()) {
  return executor
    .select({ dealId: dealStageEvents.dealId, fromStage: dealStageEvents.fromStage, toStage: dealStageEvents.toStage, at: dealStageEvents.at, actorId: dealStageEvents.actorId, note: dealStageEvents.note, id: dealStageEvents.id })
    .from(dealStageEvents)
    .innerJoin(betaDeals, eq(betaDeals.id, dealStageEvents.dealId))
    .where(and(filter.programId ? eq(betaDeals.programId, filter.programId) : undefined, filter.dealId ? eq(dealStageEvents.dealId, filter.dealId) : undefined))
    .orderBy(asc(dealStageEvents.at), asc(dealStageEvents.id));
}

/** Sales and admin users (deal owners). */
export async function ownerOptions(executor: Executor = db()) {
  return executor
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(inArray(users.role, ["sales", "admin"]), isNull(users.disabledAt)))
    .orderBy(asc(users.name));
}

export async function dealContactsOf(dealId: string) {
  return db().select().from(dealContacts).where(eq(dealContacts.dealId, dealId)).orderBy(asc(dealContacts.createdAt), asc(dealContacts.name));
}

export async function dealActivitiesOf(dealId: string) {
  return db()
    .select({ activity: dealActivities, actorName: users.name })
    .from(dealActivities)
    .leftJoin(users, eq(users.id, dealActivities.actorId))
    .where(eq(dealActivities.dealId, dealId))
    .orderBy(desc(dealActivities.at));
}

export async function dealStageHistory(dealId: string) {
  return db()
    .select({ event: dealStageEvents, actorName: users.name })
    .from(dealStageEvents)
    .leftJoin(users, eq(users.id, dealStageEvents.actorId))
    .where(eq(dealStageEvents.dealId, dealId))
    .orderBy(desc(dealStageEvents.at), desc(dealStageEvents.id));
}

/** Deals of a program with the owner's name and contact counts. */
export async function programDeals(programId: string) {
  return db()
    .select({
      deal: betaDeals,
      ownerName: users.name,
      ownerEmail: users.email,
      contacts: sql<number>`(select count(*)::int from deal_contacts c where c.deal_id = ${betaDeals.id})`,
      contactEmails: sql<string | null>`(select string_agg(c.email, ' ' order by c.email) from deal_contacts c where c.deal_id = ${betaDeals.id})`,
      openTasks: sql<number>`(select count(*)::int from deal_activities a where a.deal_id = ${betaDeals.id} and a.kind = 'task' and a.done_at is null)`,
      feedback: sql<number>`(select count(*)::int from feedback_items f where f.organization_id = ${betaDeals.organizationId})`,
      organizationName: organizations.name,
    })
    .from(betaDeals)
    .leftJoin(users, eq(users.id, betaDeals.ownerId))
    .leftJoin(organizations, eq(organizations.id, betaDeals.organizationId))
    .where(eq(betaDeals.programId, programId))
    .orderBy(asc(betaDeals.stageEnteredAt), asc(betaDeals.company));
}

export async function companiesOf(programId: string, executor: Executor = db()): Promise<Set<string>> {
  const rows = await executor.select({ company: betaDeals.company }).from(betaDeals).where(eq(betaDeals.programId, programId));
  return new Set(rows.map((r) => r.company.toLowerCase()));
}


export async function organizationSummary(id: string | null) {
  if (!id) return null;
  const [org] = await db().select({ id: organizations.id, name: organizations.name, plan: organizations.plan }).from(organizations).where(eq(organizations.id, id));
  return org ?? null;
}
