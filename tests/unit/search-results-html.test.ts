// The help search's results as a server-built string (app/modules/kb/search-results-html.server.ts):
// the markup React rendered from the search page's JSX before, every text escaped.
import { createElement as h, Fragment, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { highlightToHtml, HIGHLIGHT_START, HIGHLIGHT_STOP } from "~/lib/html";
import { localeName } from "~/modules/kb/locales";
import { searchResultsHtml, type ResultItem } from "~/modules/kb/search-results-html.server";

/** React's output with its text separators dropped and its apostrophe entity as ours (HTML reads both alike). */
function react(node: ReactNode): string {
  return renderToStaticMarkup(node).replaceAll("<!-- -->", "").replaceAll("&#x27;", "&#39;");
}

// The old page's result items (app/routes/help/search.tsx before the change).
function OldItems({ hits, locale }: { hits: ResultItem[]; locale: string }) {
  return h(
    Fragment,
    null,
    hits.map((hit) =>
      h(
        "li",
        { key: hit.href, className: "kb-result" },
        h("h2", null, h("a", { href: hit.href, hrefLang: hit.locale, lang: hit.locale, "data-app-link": "", "data-discover": "true" }, hit.title)),
        hit.locale !== locale ? h("p", { className: "small" }, h("span", { className: "badge" }, `In ${localeName(hit.locale)}: not yet available in ${localeName(locale)}`)) : null,
        hit.categoryName ? h("p", { className: "muted small" }, hit.categoryName) : null,
        h("p", { className: "kb-snippet", dangerouslySetInnerHTML: { __html: hit.snippetHtml } }),
      ),
    ),
  );
}

const hostile = `<script>alert("x")</script> & 'quotes'`;
const hits: ResultItem[] = [
  { href: "/help/articles/reset-password", title: "Reset your password", locale: "en", categoryName: "Accounts", snippetHtml: highlightToHtml(`How to ${HIGHLIGHT_START}reset${HIGHLIGHT_STOP} it`) },
  { href: "/help/articles/x?a=1&b=\"2\"", title: hostile, locale: "en", categoryName: hostile, snippetHtml: highlightToHtml(`${hostile} ${HIGHLIGHT_START}match${HIGHLIGHT_STOP}`) },
  { href: "/help/de/articles/passwort", title: "Passwort zurücksetzen", locale: "de", categoryName: null, snippetHtml: "" },
];

describe("searchResultsHtml", () => {
  it("is the markup React rendered from the old page, for hits in the reader's language and fallbacks", () => {
    for (const locale of ["en", "de"]) {
      expect(searchResultsHtml(hits, locale)).toBe(react(h(OldItems, { hits, locale })));
    }
    expect(searchResultsHtml([], "en")).toBe("");
  });

  it("escapes titles, categories and links; the snippet keeps only its <mark>s", () => {
    const html = searchResultsHtml([hits[1]!], "en");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(html).toContain('href="/help/articles/x?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain("<mark>match</mark>");
    expect(html.match(/<[a-z][a-z0-9]*/g)).toEqual(["<li", "<h2", "<a", "<p", "<p", "<mark"]);
  });
});
