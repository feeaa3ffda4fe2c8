/**
 * The help search's result list as one server-built HTML string: the `<li>` items of
 * `<ol class="kb-results">`, the markup React rendered from the search page's JSX before
 * (tests/unit/search-results-html.test.ts holds the two equal). A document render keeps it out of
 * the hydration data (app/lib/document-html.ts): the hits were rendered by React element by
 * element and serialized a second time for hydration, ~half of a search page's rendering work
 * and of its allocation (docs/performance.md, "Express and the GC tail").
 *
 * Every text and attribute is escaped; the snippet is already safe HTML (escaped, with <mark>
 * only: search-text.ts highlightToHtml).
 */
import { escapeHtml } from "~/lib/html";
import { localeName } from "./locales";

export interface ResultItem {
  href: string;
  title: string;
  /** The language of the version found. */
  locale: string;
  categoryName: string | null;
  snippetHtml: string;
}

/** The result items for a reader browsing the help center in `readerLocale`. */
export function searchResultsHtml(hits: readonly ResultItem[], readerLocale: string): string {
  let html = "";
  for (const hit of hits) {
    const lang = escapeHtml(hit.locale);
    html += `<li class="kb-result"><h2><a href="${escapeHtml(hit.href)}" hrefLang="${lang}" lang="${lang}" data-app-link="" data-discover="true">${escapeHtml(hit.title)}</a></h2>`;
    if (hit.locale !== readerLocale) {
      html += `<p class="small"><span class="badge">${escapeHtml(`In ${localeName(hit.locale)}: not yet available in ${localeName(readerLocale)}`)}</span></p>`;
    }
    if (hit.categoryName) html += `<p class="muted small">${escapeHtml(hit.categoryName)}</p>`;
    html += `<p class="kb-snippet">${hit.snippetHtml}</p></li>`;
  }
  return html;
}
