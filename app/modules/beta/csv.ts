/** CSV import/export of deals. Pure: validation per row; parsing and safe cells come from app/lib/csv.ts. */
import { z } from "zod";
import { parseCsv } from "~/lib/csv";
import { lostReasons, stageLabels, type DealStage } from "./model";

// Parsing and safe export are shared with the other CSV exports (app/lib/csv.ts).
export { csvCell, neutralizeCell, parseCsv, toCsv } from "~/lib/csv";

export const importColumns = [
  "company",
  "website",
  "owner_email",
  "stage",
  "source",
  "next_step",
  "next_step_due",
  "contact_name",
  "contact_email",
  "contact_role",
  "lost_reason",
  "notes",
] as const;
export const requiredColumns = ["company", "owner_email"] as const;

const importableStages = ["prospect", "demo", "agreement", "lost"] as const;
const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? null : v));

export const importRowSchema = z
  .object({
    company: z.string().trim().min(1, "company is empty").max(200, "company is longer than 200 characters"),
    website: optional.pipe(z.string().max(300, "website is too long").nullable()),
    owner_email: z.string().trim().toLowerCase().pipe(z.email("owner_email is not an email address")),
    stage: z
      .string()
      .trim()
      .toLowerCase()
      .transform((v) => v || "prospect")
      .pipe(
        z.enum(importableStages, {
          error: (i) => (i.input === "onboarded" ? "stage onboarded cannot be imported: onboard from the board so the customer is set up" : `stage must be one of ${importableStages.join(", ")}`),
        }),
      ),
    source: optional,
    next_step: optional,
    next_step_due: optional.pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "next_step_due must be a date like 2026-03-31")
        .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "next_step_due is not a real date")
        .nullable(),
    ),
    contact_name: optional,
    contact_email: optional.pipe(z.email("contact_email is not an email address").nullable()),
    contact_role: optional,
    lost_reason: optional,
    notes: optional,
  })
  .superRefine((row, ctx) => {
    if (row.stage === "lost" && !row.lost_reason) ctx.addIssue({ code: "custom", path: ["lost_reason"], message: "lost_reason is required for stage lost" });
    if (row.lost_reason && !(lostReasons as readonly string[]).includes(row.lost_reason))
      ctx.addIssue({ code: "custom", path: ["lost_reason"], message: `lost_reason must be one of: ${lostReasons.join(", ")}` });
    if (row.contact_email && !row.contact_name) ctx.addIssue({ code: "custom", path: ["contact_name"], message: "contact_name is required with contact_email" });
  });
export type ImportRow = z.infer<typeof importRowSchema>;

export interface ParsedImport {
  /** File-level problem (missing columns, empty, too many rows). */
  error: string | null;
  rows: { line: number; values: Record<string, string>; data: ImportRow | null; errors: string[] }[];
}

export const MAX_IMPORT_ROWS = 500;

/** Parses and validates an import; `knownOwners` are the emails of sales/admin users. */
export function parseImport(text: string, knownOwners: Set<string>, existingCompanies: Set<string> = new Set()): ParsedImport {
  const table = parseCsv(text);
  if (table.length === 0) return { error: "The file is empty.", rows: [] };
  const header = table[0]!.map((h) => h.trim().toLowerCase());
  const missing = requiredColumns.filter((c) => !header.includes(c));
  if (missing.length) return { error: `The header row lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}. Expected: ${importColumns.join(", ")}.`, rows: [] };
  const unknown = header.filter((h) => h && !(importColumns as readonly string[]).includes(h));
  if (unknown.length) return { error: `Unknown column${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Expected: ${importColumns.join(", ")}.`, rows: [] };
  if (table.length - 1 > MAX_IMPORT_ROWS) return { error: `At most ${MAX_IMPORT_ROWS} rows per import.`, rows: [] };
  if (table.length === 1) return { error: "The file has a header row but no deals.", rows: [] };
  const seen = new Set<string>();
  const rows = table.slice(1).map((cells, i) => {
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = cells[j] ?? ""));
    const errors: string[] = [];
    if (cells.length > header.length) errors.push(`has ${cells.length} cells but the header has ${header.length}`);
    const parsed = importRowSchema.safeParse(Object.fromEntries(importColumns.map((c) => [c, values[c] ?? ""])));
    let data: ImportRow | null = null;
    const owner = (values.owner_email ?? "").trim().toLowerCase();
    if (!parsed.success) errors.push(...parsed.error.issues.map((iss) => iss.message));
    if (owner && !knownOwners.has(owner) && !errors.some((e) => e.startsWith("owner_email"))) errors.push(`owner_email ${owner} is not a sales or admin user`);
    if (parsed.success) {
      data = parsed.data;
      const key = data.company.toLowerCase();
      if (seen.has(key)) errors.push(`company ${data.company} appears twice in the file`);
      else if (existingCompanies.has(key)) errors.push(`company ${data.company} is already in the program`);
      seen.add(key);
    }
    return { line: i + 2, values, data: errors.length ? null : data, errors };
  });
  return { error: null, rows };
}

export const exportHeader = ["company", "website", "owner_email", "stage", "stage_entered_at", "source", "next_step", "next_step_due", "lost_reason", "contacts", "organization", "created_at"];

export const stageForExport = (s: DealStage) => stageLabels[s].toLowerCase();
