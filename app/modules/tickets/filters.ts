import { z } from "zod";
import { ticketPriorities, ticketStatuses } from "./model";

/** Normalizes tags: lower-case words of letters, digits, "-" and "_", at most 20 of 40 chars. */
export function normalizeTags(input: string | string[]): string[] {
  const raw = Array.isArray(input) ? input : input.split(/[,\s]+/);
  const tags = raw
    .map((t) => t.trim().toLowerCase().replace(/[^a-z0-9_-]/g, ""))
    .filter((t) => t.length > 0)
    .map((t) => t.slice(0, 40));
  return [...new Set(tags)].slice(0, 20);
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31.")
  .optional()
  .or(z.literal("").transform(() => undefined));
const optionalUuid = z.uuid().optional().or(z.literal("").transform(() => undefined));

/** Filters of a custom queue view (saved as JSON and parsed again on every use). */
export const queueFiltersSchema = z
  .object({
    status: z.array(z.enum(ticketStatuses)).optional(),
    priority: z.array(z.enum(ticketPriorities)).optional(),
    groupId: optionalUuid,
    /** "none" for unassigned. */
    assigneeId: z.union([z.literal("none"), z.uuid()]).optional().or(z.literal("").transform(() => undefined)),
    organizationId: optionalUuid,
    tag: z
      .string()
      .trim()
      .max(40)
      .optional()
      .transform((t) => (t ? normalizeTags(t)[0] : undefined)),
    channel: z.enum(["web", "email", "api", "slack"]).optional().or(z.literal("").transform(() => undefined)),
    createdFrom: isoDate,
    createdTo: isoDate,
    updatedFrom: isoDate,
    updatedTo: isoDate,
    q: z.string().trim().max(200).optional(),
  })
  .strict();

export type QueueFilters = Partial<z.infer<typeof queueFiltersSchema>>;

/** Reads filters from a query string or form (repeated keys for status and priority). */
export function filtersFromParams(params: URLSearchParams): unknown {
  const obj: Record<string, unknown> = {};
  for (const key of ["groupId", "assigneeId", "organizationId", "tag", "channel", "createdFrom", "createdTo", "updatedFrom", "updatedTo", "q"]) {
    const v = params.get(key);
    if (v) obj[key] = v;
  }
  const status = params.getAll("status").filter(Boolean);
  const priority = params.getAll("priority").filter(Boolean);
  if (status.length) obj.status = status;
  if (priority.length) obj.priority = priority;
  return obj;
}

export function hasFilters(f: QueueFilters): boolean {
  return Object.values(f).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== ""));
}
