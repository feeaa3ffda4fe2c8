import { and, inArray, isNull } from "drizzle-orm";
import { users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { companiesOf, insertDeal, type StaffActor } from "./deals.server";
import { exportHeader, parseImport, stageForExport, toCsv, type ParsedImport } from "./csv";
import type { Program } from "./pipeline.server";
import { programDeals } from "./deals.server";

async function ownersByEmail() {
  const rows = await db()
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(inArray(users.role, ["sales", "admin"]), isNull(users.disabledAt)));
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** Validates an import without writing anything (the preview). */
export async function previewImport(program: Program, text: string): Promise<ParsedImport> {
  const owners = await ownersByEmail();
  return parseImport(text, new Set(owners.keys()), await companiesOf(program.id));
}

/**
 * Imports every row or none: the file is validated again inside the transaction, and a single
 * bad row imports nothing. Each deal gets its first stage event.
 */
export async function commitImport(actor: StaffActor, program: Program, text: string): Promise<{ imported: number } | { parsed: ParsedImport }> {
  const owners = await ownersByEmail();
  return db().transaction(async (tx) => {
    const parsed = parseImport(text, new Set(owners.keys()), await companiesOf(program.id, tx));
    if (parsed.error || parsed.rows.some((r) => r.errors.length)) return { parsed };
    for (const row of parsed.rows) {
      const d = row.data!;
      await insertDeal(tx, actor, program.id, {
        company: d.company,
        website: d.website,
        source: d.source ?? "CSV import",
        ownerId: owners.get(d.owner_email)!,
        notes: d.notes ?? "",
        stage: d.stage,
        lostReason: d.lost_reason,
        nextStep: d.next_step,
        nextStepDueAt: d.next_step_due ? new Date(`${d.next_step_due}T17:00:00Z`) : null,
        contact: d.contact_email ? { name: d.contact_name!, email: d.contact_email, role: d.contact_role } : null,
      });
    }
    return { imported: parsed.rows.length };
  });
}

/** The program's deals as CSV (formula-looking cells neutralized). */
export async function exportDeals(program: Program): Promise<string> {
  const rows = await programDeals(program.id);
  return toCsv(
    exportHeader,
    rows.map((r) => [
      r.deal.company,
      r.deal.website,
      r.ownerEmail,
      stageForExport(r.deal.stage),
      r.deal.stageEnteredAt,
      r.deal.source,
      r.deal.nextStep,
      r.deal.nextStepDueAt?.toISOString().slice(0, 10) ?? "",
      r.deal.lostReason,
      r.contactEmails ?? "",
      r.organizationName ?? "",
      r.deal.createdAt,
    ]),
  );
}

