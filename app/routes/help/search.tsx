import { data, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/search";
import { KbSearchForm } from "~/components/kb-search-form";
import { HelpLanguageSwitcher } from "~/components/help-language";
import { helpLanguage } from "~/modules/kb/translations.server";
import { didYouMean, searchArticles } from "~/modules/kb/search.server";
import { logSearch } from "~/modules/kb/search-log.server";
import { readerOf } from "~/modules/kb/reader.server";
import { useAppLinkClick } from "~/components/app-links";
import { searchResultsHtml } from "~/modules/kb/search-results-html.server";
import { useDocumentHtml, withDocumentHtml } from "~/lib/document-html";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: data?.query ? `“${data.query}” · Help center search` : "Search · Help center" },
  { name: "robots", content: "noindex" },
];

const querySchema = z.object({
  q: z.string().max(1000).catch("").transform((v) => v.trim().slice(0, 200)),
  page: z.coerce.number().int().min(1).max(100).catch(1),
});

/** Help pages vary by the reader's language (cookie, Accept-Language). */
export const headers: Route.HeadersFunction = () => ({ Vary: "Accept-Language, Cookie" });

export async function loader({ request, url, context }: Route.LoaderArgs) {
  const reader = readerOf(context);
  const language = helpLanguage(request, url);
  const { q, page } = querySchema.parse(Object.fromEntries(url.searchParams));
  const result = await searchArticles(reader, q, { page, locale: language.locale });
  // Queued, not awaited: written in batches off the response's path (search-log.server.ts).
  if (q && page === 1) logSearch(reader, q, result.total);
  const suggestion = q && result.total === 0 ? await didYouMean(reader, q, language.locale) : null;
  // The results are one server-built string (search-results-html.server.ts), which a document
  // render keeps out of the serialized loader data (withDocumentHtml): only .data requests carry it.
  return data(
    withDocumentHtml(
      context,
      {
        query: result.query,
        total: result.total,
        totalIsCapped: result.totalIsCapped,
        page: result.page,
        pageSize: result.pageSize,
        hitCount: result.hits.length,
        locale: language.locale,
        suggestion,
        isCustomer: reader?.role === "customer",
        signedIn: !!reader,
      },
      { resultsHtml: searchResultsHtml(result.hits, language.locale) },
    ),
    { headers: language.headers },
  );
}

export default function HelpSearch({ loaderData }: Route.ComponentProps) {
  const { query, hitCount, total, totalIsCapped, page, pageSize, suggestion, isCustomer, signedIn, locale } = loaderData;
  const resultsHtml = useDocumentHtml(loaderData, "resultsHtml", "kb-results");
  const pages = Math.ceil(total / pageSize);
  const pageLink = (p: number) => `/help/search?${new URLSearchParams({ q: query, page: String(p) })}`;
  // The results (server-built markup), the suggestion and the pager are plain anchors with one delegated click handler
  // (useAppLinkClick): a <Link> resolves its path with hooks on every server render. A plain
  // click navigates in the app, modified clicks are the browser's; data-discover="true" lets
  // React Router discover the target route ahead, as it does for a <Link>.
  const onAppLinkClick = useAppLinkClick();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/help">Help center</Link> › Search
      </nav>
      <HelpLanguageSwitcher current={locale} />
      <div className="page-header">
        <div>
          <h1>{query ? <>Results for “{query}”</> : "Search the help center"}</h1>
          {query ? <p>{totalIsCapped ? `${total.toLocaleString("en")}+ articles found` : total === 1 ? "1 article found" : `${total.toLocaleString("en")} articles found`}</p> : null}
        </div>
      </div>
      <KbSearchForm defaultValue={query} />
      {suggestion ? (
        <p className="kb-did-you-mean">
          Did you mean{" "}
          <a href={`/help/search?${new URLSearchParams({ q: suggestion })}`} data-app-link="" data-discover="true" onClick={onAppLinkClick}>
            {suggestion}
          </a>
          ?
        </p>
      ) : null}
      {query && total === 0 ? (
        <div className="empty kb-section">
          <h2>No articles match “{query}”</h2>
          <p>Try fewer or different words, or search for a phrase in quotes. Still stuck? Our team is happy to help.</p>
          {isCustomer ? (
            <Link to="/portal/tickets/new" className="btn">
              Open a ticket
            </Link>
          ) : !signedIn ? (
            <Link to={`/login?redirectTo=${encodeURIComponent("/portal/tickets/new")}`} className="btn">
              Sign in to open a ticket
            </Link>
          ) : null}
        </div>
      ) : null}
      {hitCount ? (
        // Escaped on the server; snippets add only <mark> elements (search-results-html.server.ts).
        <ol id="kb-results" className="kb-results" start={(page - 1) * pageSize + 1} onClick={onAppLinkClick} dangerouslySetInnerHTML={{ __html: resultsHtml }} />
      ) : null}
      {pages > 1 ? (
        <nav aria-label="Result pages" className="pager" onClick={onAppLinkClick}>
          {page > 1 ? (
            <a href={pageLink(page - 1)} data-app-link="" data-discover="true">
              ← Previous
            </a>
          ) : null}
          <span className="muted">
            {" "}
            Page {page} of {pages}{" "}
          </span>
          {page < pages ? (
            <a href={pageLink(page + 1)} data-app-link="" data-discover="true">
              Next →
            </a>
          ) : null}
        </nav>
      ) : null}
      <p className="small muted kb-search-help">
        Tips: put a phrase in quotes (<code>"single sign-on"</code>), exclude a word with a minus (<code>export -pdf</code>), or use <code>or</code>.
      </p>
    </>
  );
}
