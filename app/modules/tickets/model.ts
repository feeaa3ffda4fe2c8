/** Ticket vocabulary and pure rules (no I/O). */
export const ticketStatuses = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const ticketPriorities = ["low", "normal", "high", "urgent"] as const;
export type TicketPriority = (typeof ticketPriorities)[number];
export type OrganizationPlan = "standard" | "enterprise" | "beta";

export const statusLabels: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  pending: "Pending",
  on_hold: "On hold",
  solved: "Solved",
  closed: "Closed",
};

export const priorityLabels: Record<TicketPriority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

/** Badge tone per status, used by every list and the workspace. */
export const statusTone: Record<TicketStatus, "accent" | "warning" | "success" | "neutral" | "danger"> = {
  new: "accent",
  open: "accent",
  pending: "warning",
  on_hold: "warning",
  solved: "success",
  closed: "neutral",
};

export const priorityTone: Record<TicketPriority, "neutral" | "accent" | "warning" | "danger"> = {
  low: "neutral",
  normal: "accent",
  high: "warning",
  urgent: "danger",
};

/** Urgent priority is part of the enterprise and beta plans. */
export function prioritiesForPlan(plan: OrganizationPlan): TicketPriority[] {
  return plan === "standard" ? ["low", "normal", "high"] : ["low", "normal", "high", "urgent"];
}

export const REOPEN_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
export const AUTO_CLOSE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** A customer may reopen a solved ticket within 14 days of solving; a closed ticket stays closed. */
export function customerMayReopen(ticket: { status: TicketStatus; solvedAt: Date | null }, at: Date): boolean {
  if (ticket.status !== "solved" || !ticket.solvedAt) return false;
  return at.getTime() - ticket.solvedAt.getTime() <= REOPEN_WINDOW_MS;
}

export const ticketCategories = ["Question", "Problem", "Incident", "Feature request", "Billing", "Account"] as const;

/** Attachment limits: size and an allowlist of types; everything is served as a download. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_COUNT = 5;
export const allowedAttachmentTypes: Record<string, string[]> = {
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/gif": [".gif"],
  "image/webp": [".webp"],
  "application/pdf": [".pdf"],
  "text/plain": [".txt", ".log"],
  "text/csv": [".csv"],
  "application/json": [".json"],
  "application/zip": [".zip"],
};

export function attachmentProblem(file: { name: string; type: string; size: number }): string | null {
  if (file.size > ATTACHMENT_MAX_BYTES) return `${file.name} is larger than 10 MB.`;
  if (file.size === 0) return `${file.name} is empty.`;
  const ext = file.name.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? "";
  const type = file.type.split(";")[0]!.trim().toLowerCase();
  const allowed = allowedAttachmentTypes[type];
  if (!allowed || !allowed.includes(ext)) return `${file.name}: only images (PNG, JPEG, GIF, WebP), PDF, text, CSV, JSON and ZIP files can be attached.`;
  return null;
}

/** A file name safe for a Content-Disposition header and a file system. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/\0\r\n"]/g, "_").replace(/^\.+/, "").trim().slice(0, 180);
  return cleaned || "attachment";
}
