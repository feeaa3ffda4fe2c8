/**
 * Who may read which article. Pure; used by every list, search, count, sitemap and suggestion.
 * Signed out → public only; customers → public + customers; staff (agents, sales, admins) → all.
 */
import type { Role } from "~/modules/auth/permissions";

export const kbVisibilities = ["public", "customers", "internal"] as const;
export type KbVisibility = (typeof kbVisibilities)[number];
export const kbStatuses = ["draft", "published", "archived"] as const;
export type KbStatus = (typeof kbStatuses)[number];

export type KbReader = { id: string; role: Role } | null | undefined;

export function readableVisibilities(reader: KbReader): KbVisibility[] {
  if (!reader) return ["public"];
  if (reader.role === "customer") return ["public", "customers"];
  return ["public", "customers", "internal"];
}

export function canReadArticle(reader: KbReader, article: { status: KbStatus; visibility: KbVisibility }): boolean {
  return article.status === "published" && readableVisibilities(reader).includes(article.visibility);
}

export const visibilityLabels: Record<KbVisibility, string> = {
  public: "Public",
  customers: "Customers only",
  internal: "Internal (staff)",
};

export const statusLabels: Record<KbStatus, string> = {
  draft: "Draft",
  published: "Published",
  archived: "Archived",
};

/** The key one vote or one deflection journey belongs to: a user, or an anonymous browser. */
export function visitorKeyOf(userId: string | null | undefined, browserId: string | null | undefined): string | null {
  if (userId) return `u:${userId}`;
  if (browserId && /^[A-Za-z0-9_-]{16,64}$/.test(browserId)) return `a:${browserId}`;
  return null;
}
