const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => entities[c]!);
}

/** Sentinels asked of ts_headline; never typed by users (control characters are stripped). */
export const HIGHLIGHT_START = "\u0001";
export const HIGHLIGHT_STOP = "\u0002";

/** Turns a ts_headline result with sentinel markers into safe HTML with <mark> highlights. */
export function highlightToHtml(headline: string | null | undefined): string {
  if (!headline) return "";
  return escapeHtml(headline).replaceAll(HIGHLIGHT_START, "<mark>").replaceAll(HIGHLIGHT_STOP, "</mark>");
}
