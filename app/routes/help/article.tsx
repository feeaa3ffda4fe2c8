import { data, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/article";
import { formatDate } from "~/components/kb-date";
import { KbFeedback } from "~/components/kb-feedback";
import { KbSearchForm } from "~/components/kb-search-form";
import { env } from "~/lib/env.server";
import { parseForm, readForm } from "~/lib/forms";
import { HelpFallbackNotice, HelpLanguageSwitcher } from "~/components/help-language";
import { findArticleForReader, recordView, relatedArticles } from "~/modules/kb/articles.server";
import { articlePath, HELP_DEFAULT_LOCALE, helpLocales, isHelpLocale } from "~/modules/kb/locales";
import { articleVersions, helpLanguage, localizeItems, readableTranslationBySlug, resolveArticleVersion } from "~/modules/kb/translations.server";
import { recordSuggestionOpened } from "~/modules/kb/deflection.server";
import { castVote, voteOf } from "~/modules/kb/feedback.server";
import { describeArticle, renderArticleMarkdown } from "~/modules/kb/markdown";
import { readerOf, visitorFor } from "~/modules/kb/reader.server";

export const meta: Route.MetaFunction = ({ data }) => {
  if (!data) return [{ title: "Article not found · Help center" }];
  return [
    { title: `${data.article.title} · Help center` },
    { name: "description", content: data.description },
    { tagName: "link", rel: "canonical", href: data.canonical },
    ...data.alternates.map((a) => ({ tagName: "link", rel: "alternate", hrefLang: a.hreflang, href: a.href })),
    ...(data.article.visibility === "public" ? [] : [{ name: "robots", content: "noindex" }]),
  ];
};

function notFoundFor(signedIn: boolean): never {
  throw data(
    { message: signedIn ? "There is no such article, or it is not available to you." : "There is no such article, or you need to sign in to read it." },
    { status: 404 },
  );
}

/** Help pages vary by the reader's language (cookie, Accept-Language). */
export const headers: Route.HeadersFunction = () => ({ Vary: "Accept-Language, Cookie" });

export async function loader({ request, url, context, params }: Route.LoaderArgs) {
  const reader = readerOf(context);
  const language = helpLanguage(request, url);
  const found = await resolveArticleVersion(reader, params.slug, request, url);
  if (!found) notFoundFor(!!reader);
  if ("redirectTo" in found) throw redirect(found.redirectTo, { status: found.status, headers: { ...language.headers, Vary: "Accept-Language, Cookie" } });
  const { article, translation, locale, wanted } = found;
  const content = translation ?? article;
  const visitor = visitorFor(request, context, { create: false });
  const fromSuggestion = url.searchParams.get("ref") === "ticket-form";
  await recordView(article.id);
  if (fromSuggestion && visitor.visitorKey) {
    await recordSuggestionOpened({ visitorKey: visitor.visitorKey, userId: visitor.userId, articleId: article.id, query: url.searchParams.get("q") ?? "" });
  }
  const [related, vote, versions] = await Promise.all([relatedArticles(reader, article), voteOf(article.id, visitor.visitorKey), articleVersions(article.id, article.slug)]);
  const rendered = renderArticleMarkdown(content.body);
  const base = env().APP_URL;
  // The switcher: each language's version, or the default version in that language's "wish" (with the notice).
  const languageLinks = Object.fromEntries(
    helpLocales.map((l) => {
      const version = versions.find((v) => v.locale === l.code);
      return [l.code, version ? `/help/articles/${version.slug}?lang=${l.code}` : `/help/articles/${article.slug}?lang=${l.code}`];
    }),
  );
  return data({
    locale,
    htmlLang: locale,
    fallbackFrom: wanted !== locale ? wanted : null,
    languageLinks,
    alternates:
      versions.length > 1 && article.visibility === "public"
        ? [...versions.map((v) => ({ hreflang: v.locale, href: `${base}${v.path}` })), { hreflang: "x-default", href: `${base}${articlePath(article.slug)}` }]
        : [],
    article: {
      slug: article.slug,
      title: content.title,
      visibility: article.visibility,
      updatedAt: article.updatedAt.toISOString(),
      categoryName: article.categoryName,
      categorySlug: article.categorySlug,
      tags: article.tags,
    },
    html: rendered.html,
    toc: rendered.toc,
    description: describeArticle(content.summary, content.body),
    canonical: `${base}${translation ? articlePath(translation.slug, locale) : articlePath(article.slug)}`,
    related: (await localizeItems(related, wanted)).map((r) => ({ slug: r.slug, title: r.title, href: r.href, locale: r.locale })),
    vote,
    fromSuggestion,
    isCustomer: reader?.role === "customer",
  }, { headers: language.headers });
}

/** The article a vote is for: the translation this URL shows (?lang= with its slug), or the article by its own slug. */
async function articleIdForVote(reader: ReturnType<typeof readerOf>, slug: string, url: URL): Promise<string | null> {
  const lang = url.searchParams.get("lang");
  if (isHelpLocale(lang) && lang !== HELP_DEFAULT_LOCALE) {
    const t = await readableTranslationBySlug(reader, lang, slug);
    if (t) return t.articleId;
  }
  const found = await findArticleForReader(reader, slug);
  return found && "article" in found ? found.article.id : null;
}

const voteSchema = z.object({
  intent: z.literal("vote"),
  helpful: z.enum(["yes", "no"], { message: "Choose Yes or No." }),
  comment: z.string().max(2000, "Keep the comment under 2000 characters.").optional(),
  website: z.string().optional(),
});

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const reader = readerOf(context);
  const articleId = await articleIdForVote(reader, params.slug, url);
  if (!articleId) notFoundFor(!!reader);
  const form = await readForm(request);
  const parsed = parseForm(form, voteSchema);
  if (!parsed.success) return parsed.response;
  const visitor = visitorFor(request, context, { create: true });
  const headers = visitor.setCookie ? { "Set-Cookie": visitor.setCookie } : undefined;
  // A bot filled the honeypot: answer as if it worked, record nothing.
  if (parsed.data.website) return data({ ok: true as const, vote: null, message: "Thanks for your feedback." }, { headers });
  const vote = await castVote({
    articleId,
    voterKey: visitor.visitorKey!,
    userId: visitor.userId,
    helpful: parsed.data.helpful === "yes",
    comment: parsed.data.comment,
  });
  return data({ ok: true as const, vote, message: vote.helpful ? "Thanks! Glad it helped. You can change your answer." : "Thanks for telling us. You can change your answer." }, { headers });
}

export default function HelpArticle({ loaderData }: Route.ComponentProps) {
  const { article, html, toc, related, vote, fromSuggestion, isCustomer, locale, fallbackFrom, languageLinks } = loaderData;
  return (
    <div className="kb-article-layout">
      <article className="kb-article" aria-labelledby="article-title" lang={locale}>
        <HelpLanguageSwitcher current={fallbackFrom ?? locale} links={languageLinks} />
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/help">Help center</Link>
          {article.categorySlug ? (
            <>
              {" › "}
              <Link to={`/help/categories/${article.categorySlug}`}>{article.categoryName}</Link>
            </>
          ) : null}
        </nav>
        {fallbackFrom ? <HelpFallbackNotice wanted={fallbackFrom} /> : null}
        <h1 id="article-title">{article.title}</h1>
        <p className="muted small">
          Last updated <time dateTime={article.updatedAt}>{formatDate(article.updatedAt)}</time>
          {article.visibility === "customers" ? <span className="badge badge-accent">Customers</span> : null}
          {article.visibility === "internal" ? <span className="badge badge-warning">Internal</span> : null}
        </p>
        {fromSuggestion ? (
          <div className="alert alert-info" role="note">
            Suggested while you were writing a ticket. If this answers your question, you can close the ticket form.
          </div>
        ) : null}
        {toc.length ? (
          <nav aria-labelledby="toc-title" className="kb-toc">
            <h2 id="toc-title">On this page</h2>
            <ul>
              {toc.map((entry) => (
                <li key={entry.id} className={entry.level === 3 ? "kb-toc-sub" : undefined}>
                  <a href={`#${entry.id}`}>{entry.text}</a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {/* Rendered with raw HTML disabled, unsafe links and images refused (modules/kb/markdown.ts). */}
        <div className="markdown kb-body" dangerouslySetInnerHTML={{ __html: html }} />
        <KbFeedback vote={vote} />
      </article>
      <aside className="kb-article-side" aria-label="More help">
        <KbSearchForm id="article-search" />
        {related.length ? (
          <section className="card" aria-labelledby="related-title">
            <h2 id="related-title" className="card-title">
              Related articles
            </h2>
            <ul className="kb-link-list">
              {related.map((r) => (
                <li key={r.slug}>
                  <Link to={r.href} hrefLang={r.locale} lang={r.locale}>
                    {r.title}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section className="card" aria-labelledby="contact-title">
          <h2 id="contact-title" className="card-title">
            Still need help?
          </h2>
          {isCustomer ? (
            <Link to="/portal/tickets/new" className="btn btn-secondary">
              Open a ticket
            </Link>
          ) : (
            <p className="small muted">Customers can open a ticket from the support portal.</p>
          )}
        </section>
      </aside>
    </div>
  );
}
