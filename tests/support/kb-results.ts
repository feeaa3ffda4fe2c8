// Reads the help search page's result list (server-built markup: search-results-html.server.ts)
// back into hits, for tests that ask which articles a search found.
const unescape = (s: string) => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");

export interface ParsedHit {
  href: string;
  locale: string;
  title: string;
  snippetHtml: string;
}

/** The hits of a search loader's data (a `.data`-style response: the results travel in the data). */
export function resultsOf(data: unknown): ParsedHit[] {
  const html = (data as { resultsHtml?: string | null }).resultsHtml ?? "";
  return [...html.matchAll(/<li class="kb-result"><h2><a href="([^"]*)" hrefLang="([^"]*)"[^>]*>(.*?)<\/a><\/h2>.*?<p class="kb-snippet">(.*?)<\/p><\/li>/gs)].map((m) => ({
    href: unescape(m[1]!),
    locale: unescape(m[2]!),
    title: unescape(m[3]!),
    snippetHtml: m[4]!,
  }));
}
