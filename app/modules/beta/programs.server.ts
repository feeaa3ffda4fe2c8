import { and, asc, desc, eq, ne, sql } from "drizzle-orm";
import { betaPrograms } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { DealError, isUuid, type StaffActor } from "./deals.server";

export interface ProgramInput {
  name: string;
  startsOn: string;
  deadline: string;
  minimum: number;
  target: number;
}

/** Every program, the active one first, with its deal counts. */
export async function listPrograms(executor: Executor = db()) {
  return executor
    .select({
      id: betaPrograms.id,
      name: betaPrograms.name,
      startsOn: betaPrograms.startsOn,
      deadline: betaPrograms.deadline,
      minimum: betaPrograms.minimum,
      target: betaPrograms.target,
      active: betaPrograms.active,
      deals: sql<number>`(select count(*)::int from beta_deals d where d.program_id = beta_programs.id)`,
      onboarded: sql<number>`(select count(*)::int from beta_deals d where d.program_id = beta_programs.id and d.stage = 'onboarded')`,
    })
    .from(betaPrograms)
    .orderBy(desc(betaPrograms.active), desc(betaPrograms.startsOn), asc(betaPrograms.name));
}

function check(input: ProgramInput) {
  if (input.deadline < input.startsOn) throw new DealError("The deadline cannot be before the start.", 400, "deadline");
  if (input.minimum > input.target) throw new DealError("The minimum cannot be above the target.", 400, "minimum");
}

/** Makes one program the active one (the partial unique index beta_programs_one_active allows one). */
async function activate(tx: Executor, actor: StaffActor, id: string) {
  // Lock every program row first: two switches at once run one after the other.
  await tx.select({ id: betaPrograms.id }).from(betaPrograms).for("update");
  await tx.update(betaPrograms).set({ active: false }).where(and(eq(betaPrograms.active, true), ne(betaPrograms.id, id)));
  const [row] = await tx.update(betaPrograms).set({ active: true }).where(eq(betaPrograms.id, id)).returning({ name: betaPrograms.name });
  if (!row) throw new DealError("There is no such program.", 404);
  await audit(tx, { actorId: actor.id, action: "beta.program_activated", targetType: "beta_program", targetId: id, data: { name: row.name } });
}

export async function createProgram(actor: StaffActor, input: ProgramInput & { makeActive: boolean }): Promise<string> {
  check(input);
  return db().transaction(async (tx) => {
    const current = await tx.select({ id: betaPrograms.id }).from(betaPrograms).where(eq(betaPrograms.active, true)).limit(1);
    const [row] = await tx
      .insert(betaPrograms)
      .values({ name: input.name, startsOn: input.startsOn, deadline: input.deadline, minimum: input.minimum, target: input.target, active: false, createdAt: now() })
      .returning({ id: betaPrograms.id });
    await audit(tx, { actorId: actor.id, action: "beta.program_saved", targetType: "beta_program", targetId: row!.id, data: { ...input, created: true } });
    // The first program becomes active by itself: the board always has one when any exists.
    if (input.makeActive || current.length === 0) await activate(tx, actor, row!.id);
    return row!.id;
  });
}

export async function updateProgram(actor: StaffActor, id: string, input: ProgramInput): Promise<void> {
  if (!isUuid(id)) throw new DealError("There is no such program.", 404);
  check(input);
  await db().transaction(async (tx) => {
    const [row] = await tx
      .update(betaPrograms)
      .set({ name: input.name, startsOn: input.startsOn, deadline: input.deadline, minimum: input.minimum, target: input.target })
      .where(eq(betaPrograms.id, id))
      .returning({ id: betaPrograms.id });
    if (!row) throw new DealError("There is no such program.", 404);
    await audit(tx, { actorId: actor.id, action: "beta.program_saved", targetType: "beta_program", targetId: id, data: { ...input } });
  });
}

export async function activateProgram(actor: StaffActor, id: string): Promise<void> {
  if (!isUuid(id)) throw new DealError("There is no such program.", 404);
  await db().transaction(async (tx) => activate(tx, actor, id));
}
