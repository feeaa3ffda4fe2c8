/**
 * Beta deals through /api/v1 on top of the pipeline module the board and the deal page use
 * (createDeal, updateDeal, moveDeal), so the stage gates, the version check, the stage events
 * and the onboarding apply exactly as in the UI. Sales and admins only (view:beta / manage:beta).
 */
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { betaDeals, organizations, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { can, type Actor } from "../auth/permissions";
import { createDeal, gateFactsOf, getAgreement, isUuid, moveDeal, ownerOptions, updateDeal, type Deal } from "../beta/deals.server";
import { dealStages, stageGate } from "../beta/model";
import type { betaDealDetail, createDealBody, dealMoveResult, moveDealBody, updateDealBody } from "./operations";
import { ApiProblem } from "./problem";

type Staff = { actor: Actor; name: string };

const iso = (d: Date) => d.toISOString();
const dateOrNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

function requireBeta(actor: Actor, write: boolean): void {
  if (!can(actor, write ? "manage:beta" : "view:beta")) throw new ApiProblem("forbidden", "Only sales and admins work the beta program.");
}

export async function dealAsJson(dealOrId: Deal | string): Promise<z.input<typeof betaDealDetail>> {
  const id = typeof dealOrId === "string" ? dealOrId : dealOrId.id;
  if (!isUuid(id)) throw new ApiProblem("not_found", "There is no such deal.");
  const [row] = await db()
    .select({ deal: betaDeals, ownerName: users.name, organizationName: organizations.name })
    .from(betaDeals)
    .leftJoin(users, eq(users.id, betaDeals.ownerId))
    .leftJoin(organizations, eq(organizations.id, betaDeals.organizationId))
    .where(eq(betaDeals.id, id));
  if (!row) throw new ApiProblem("not_found", "There is no such deal.");
  const d = row.deal;
  const facts = gateFactsOf(d, await getAgreement(d.id));
  return {
    id: d.id,
    company: d.company,
    stage: d.stage,
    stageEnteredAt: iso(d.stageEnteredAt),
    owner: row.ownerName ?? null,
    organization: row.organizationName ?? null,
    nextStep: d.nextStep ?? null,
    nextStepDueAt: d.nextStepDueAt ? iso(d.nextStepDueAt) : null,
    version: d.version,
    updatedAt: iso(d.updatedAt),
    url: `/beta/deals/${d.id}`,
    website: d.website ?? null,
    source: d.source ?? null,
    ownerId: d.ownerId ?? null,
    organizationId: d.organizationId ?? null,
    notes: d.notes,
    demoAt: d.demoAt ? iso(d.demoAt) : null,
    demoAttendees: d.demoAttendees ?? null,
    lostReason: d.lostReason ?? null,
    createdAt: iso(d.createdAt),
    gates: dealStages.filter((s) => s !== d.stage && s !== "lost").map((stage) => ({ stage, items: stageGate(stage, facts) })),
  };
}

export async function getBetaDeal(actor: Actor, id: string) {
  requireBeta(actor, false);
  return dealAsJson(id);
}

export async function createBetaDeal(staff: Staff, body: z.output<typeof createDealBody>) {
  requireBeta(staff.actor, true);
  const ownerId = body.ownerId === undefined ? staff.actor.id : body.ownerId;
  if (ownerId && !(await ownerOptions()).some((o) => o.id === ownerId)) {
    throw new ApiProblem("validation_failed", "The owner must be an active sales or admin user.", [{ path: "body.ownerId", message: "Not an active sales or admin user." }]);
  }
  const deal = await createDeal(
    { id: staff.actor.id, name: staff.name },
    {
      company: body.company,
      website: body.website ?? null,
      source: body.source ?? null,
      ownerId,
      nextStep: body.nextStep ?? null,
      nextStepDueAt: dateOrNull(body.nextStepDueAt) ?? null,
      contact: body.contact ? { name: body.contact.name, email: body.contact.email, role: body.contact.role ?? null } : null,
    },
  );
  return dealAsJson(deal);
}

export async function updateBetaDeal(staff: Staff, id: string, version: number, body: z.output<typeof updateDealBody>) {
  requireBeta(staff.actor, true);
  if (!isUuid(id)) throw new ApiProblem("not_found", "There is no such deal.");
  const { version: _v, demoAt, nextStepDueAt, ...rest } = body;
  void _v;
  const changes = Object.fromEntries(Object.entries({ ...rest, demoAt: dateOrNull(demoAt), nextStepDueAt: dateOrNull(nextStepDueAt) }).filter(([, v]) => v !== undefined));
  const deal = await updateDeal({ id: staff.actor.id, name: staff.name }, id, version, changes);
  return dealAsJson(deal);
}

export async function moveBetaDeal(staff: Staff, id: string, version: number, body: z.output<typeof moveDealBody>): Promise<z.input<typeof dealMoveResult>> {
  requireBeta(staff.actor, true);
  const result = await moveDeal({ id: staff.actor.id, name: staff.name }, id, { to: body.to, expectedVersion: version, lostReason: body.lostReason ?? null, lostNote: body.lostNote ?? null });
  const o = result.onboarding;
  return {
    moved: result.moved,
    deal: await dealAsJson(result.deal),
    onboarding: o ? { organizationId: o.organizationId, organizationCreated: o.organizationCreated, invited: o.invited, tasksCreated: o.tasksCreated } : null,
  };
}
