/** Form schemas of programs, beta exit decisions and goals (shared by routes and tests). */
import { z } from "zod";
import { churnReasons, paidPlans } from "./goals";

const day = (message: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), message);
const count = (what: string) => z.coerce.number(`Enter the ${what} as a number.`).int(`Enter the ${what} as a whole number.`).min(0, `The ${what} cannot be negative.`).max(10_000, `The ${what} is too large.`);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "Unknown id.");
const note = z
  .string()
  .trim()
  .max(1000, "Keep the note under 1000 characters.")
  .optional()
  .transform((v) => v || null);

const programFields = {
  name: z.string().trim().min(1, "Enter the program's name.").max(200, "Keep the name under 200 characters."),
  startsOn: day("Enter the start date, like 2026-01-15."),
  deadline: day("Enter the deadline, like 2026-06-30."),
  minimum: count("minimum").pipe(z.number().min(1, "The minimum must be at least 1.")),
  target: count("target").pipe(z.number().min(1, "The target must be at least 1.")),
};

export const programCreateSchema = z.object({
  intent: z.literal("create"),
  ...programFields,
  makeActive: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});

export const programUpdateSchema = z.object({ intent: z.literal("update"), id: uuid, ...programFields });
export const programActivateSchema = z.object({ intent: z.literal("activate"), id: uuid });

export const exitDecisionSchema = z
  .object({
    intent: z.literal("exit"),
    version: z.coerce.number().int().positive("The form is out of date: reload the page."),
    outcome: z.enum(["converted", "churned"], "Choose converted or churned."),
    plan: z
      .union([z.enum(paidPlans), z.literal("")])
      .optional()
      .transform((v) => v || null),
    decidedOn: day("Enter the date, like 2026-06-30."),
    price: z
      .string()
      .trim()
      .max(200, "Keep the price under 200 characters.")
      .optional()
      .transform((v) => v || null),
    churnReason: z
      .union([z.enum(churnReasons), z.literal("")])
      .optional()
      .transform((v) => v || null),
    note,
  })
  .superRefine((v, ctx) => {
    if (v.outcome === "converted" && !v.plan) ctx.addIssue({ code: "custom", path: ["plan"], message: "Choose the paid plan the customer converted to." });
    if (v.outcome === "converted" && !v.price) ctx.addIssue({ code: "custom", path: ["price"], message: "Enter the price they pay (for example 900 EUR / month)." });
    if (v.outcome === "churned" && !v.churnReason) ctx.addIssue({ code: "custom", path: ["churnReason"], message: "Choose why the customer did not convert." });
  });

/** The goals form: start date, time zone, and minimum/target/month per goal (fields suffixed with the goal's id). */
export function goalsFormSchema(goalIds: string[]) {
  const shape: Record<string, z.ZodType> = {
    intent: z.literal("goals"),
    startsOn: day("Enter the start date, like 2026-01-15."),
    timeZone: z.string().trim().min(1, "Enter a time zone such as Europe/Berlin.").max(64, "That time zone is too long."),
  };
  for (const id of goalIds) {
    shape[`minimum-${id}`] = z.union([z.literal("").transform(() => null), count("minimum")]).optional().transform((v) => v ?? null);
    shape[`target-${id}`] = count("target").pipe(z.number().min(1, "The target must be at least 1."));
    shape[`byMonth-${id}`] = count("month").pipe(z.number().min(1, "The month must be 1 or later.").max(120, "Use a month within 10 years."));
  }
  return z.object(shape);
}
