/** The beta pipeline's form schemas (one per form), shared by routes and tests. */
import { z } from "zod";
import { activityKinds, agreementStatuses, caseStudyConsents, caseStudyStages, dealStages, feedbackStatuses, lostReasons } from "./model";

const text = (max: number, message = `Keep it under ${max} characters.`) => z.string().trim().max(max, message);
const optionalText = (max: number) =>
  text(max)
    .optional()
    .transform((v) => (v ? v : null));
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "Unknown id.");
const version = z.coerce.number().int().positive("The form is out of date: reload the page.");
/** "2026-03-31" (date input) → the date at 17:00 UTC; empty → null. */
const dueDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T17:00:00Z`))) {
      ctx.addIssue({ code: "custom", message: "Enter a date like 2026-03-31." });
      return z.NEVER;
    }
    return new Date(`${v}T17:00:00Z`);
  });
/** "2026-03-31T14:30" (datetime-local, read as UTC) → Date; empty → null. */
const dateTime = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const d = new Date(/Z$|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Enter a date and time." });
      return z.NEVER;
    }
    return d;
  });
const isoDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      ctx.addIssue({ code: "custom", message: "Enter a date like 2026-03-31." });
      return z.NEVER;
    }
    return v;
  });
const website = z
  .string()
  .trim()
  .max(300, "That address is too long.")
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^(https?:\/\/)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i.test(v), "Enter a website such as globex.com.");

export const moveSchema = z.object({
  intent: z.literal("move"),
  dealId: uuid,
  version,
  to: z.enum(dealStages, "Choose the stage to move to."),
  lostReason: z
    .union([z.enum(lostReasons), z.literal("")])
    .optional()
    .transform((v) => v || null),
  lostNote: optionalText(500),
});

export const newDealSchema = z.object({
  intent: z.literal("create"),
  company: text(200).min(1, "Enter the company's name."),
  website,
  source: optionalText(100),
  ownerId: uuid.optional().or(z.literal("").transform(() => undefined)),
  contactName: optionalText(200),
  contactEmail: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.email("Enter the contact's email address.").nullable()),
});

export const dealEditSchema = z.object({
  intent: z.literal("edit"),
  version,
  company: text(200).min(1, "Enter the company's name."),
  website,
  source: optionalText(100),
  ownerId: uuid.or(z.literal("").transform(() => null)),
  notes: text(10_000),
  demoAt: dateTime,
  demoAttendees: optionalText(500),
});

export const nextStepSchema = z.object({
  intent: z.literal("next-step"),
  version,
  nextStep: optionalText(300),
  nextStepDue: dueDate,
});

export const contactSchema = z.object({
  intent: z.literal("add-contact"),
  name: text(200).min(1, "Enter the contact's name."),
  email: z.string().trim().toLowerCase().pipe(z.email("Enter an email address.")),
  role: optionalText(100),
});

export const activitySchema = z.object({
  intent: z.literal("log"),
  kind: z.enum(activityKinds, "Choose what to log."),
  body: text(5000).min(1, "Write what happened."),
  dueAt: dueDate,
});

export const agreementSchema = z.object({
  intent: z.literal("agreement"),
  version,
  status: z.enum(agreementStatuses, "Choose the agreement's status."),
  terms: text(20_000),
  sentOn: isoDate,
  signedOn: isoDate,
  betaStartsOn: isoDate,
  betaEndsOn: isoDate,
  priceAfterBeta: optionalText(200),
  feedbackObligations: optionalText(2000),
  caseStudyConsent: z.enum(caseStudyConsents, "Choose the case-study consent."),
});

export const caseStudySchema = z.object({ intent: z.literal("case-study"), version, caseStudyStage: z.enum(caseStudyStages, "Choose a case-study stage.") });

export const feedbackSchema = z.object({
  intent: z.literal("submit"),
  kind: z.enum(["feedback", "feature_request"], "Choose feedback or feature request."),
  title: text(200).min(3, "Give it a short title (3 characters or more)."),
  body: text(5000).min(1, "Describe it in a sentence or two."),
  website: z.string().max(0, "Leave this field empty.").optional(),
});

export const feedbackUpdateSchema = z.object({
  intent: z.literal("update"),
  id: uuid,
  status: z.enum(feedbackStatuses, "Choose a status."),
  isPublic: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});

export const promoteSchema = z.object({ intent: z.literal("promote"), ticketNumber: z.coerce.number().int().positive("Enter a ticket number.") });
