import { data, Link } from "react-router";
import { HelpLanguageSwitcher } from "~/components/help-language";
import { helpLanguage, localizeItems } from "~/modules/kb/translations.server";
import type { Route } from "./+types/faq";
import { env } from "~/lib/env.server";
import { faqForReader } from "~/modules/kb/articles.server";
import { renderArticleMarkdown } from "~/modules/kb/markdown";
import { readerOf } from "~/modules/kb/reader.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: "Frequently asked questions · Help center" },
  { name: "description", content: "Short answers to the questions customers ask most often." },
  ...(data ? [{ tagName: "link", rel: "canonical", href: data.canonical }] : []),
];

/** Help pages vary by the reader's language (cookie, Accept-Language). */
export const headers: Route.HeadersFunction = () => ({ Vary: "Accept-Language, Cookie" });

export async function loader({ request, url, context }: Route.LoaderArgs) {
  const language = helpLanguage(request, url);
  const groups = await faqForReader(readerOf(context));
  const localized = await localizeItems(
    groups.flatMap((g) => g.entries),
    language.locale,
  );
  const byId = new Map(localized.map((e) => [e.id, e]));
  return data(
    {
      locale: language.locale,
      canonical: `${env().APP_URL}/help/faq`,
      groups: groups.map((g) => ({
        categoryName: g.categoryName,
        categorySlug: g.categorySlug,
        entries: g.entries.map((entry) => {
          const e = byId.get(entry.id)!;
          return { id: e.id, slug: e.slug, question: e.title, answerHtml: renderArticleMarkdown(e.body).html, href: e.href, locale: e.locale };
        }),
      })),
    },
    { headers: language.headers },
  );
}

export default function HelpFaq({ loaderData }: Route.ComponentProps) {
  const { groups, locale } = loaderData;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/help">Help center</Link> › FAQ
      </nav>
      <HelpLanguageSwitcher current={locale} />
      <div className="page-header">
        <div>
          <h1>Frequently asked questions</h1>
          <p>Select a question to see its answer. Each question has its own link you can share.</p>
        </div>
      </div>
      {groups.length === 0 ? (
        <div className="empty">
          <p>No questions have been published yet.</p>
        </div>
      ) : null}
      {groups.map((group) => (
        <section key={group.categoryName} className="kb-faq-group" aria-labelledby={`faq-${group.categorySlug ?? "general"}`}>
          <h2 id={`faq-${group.categorySlug ?? "general"}`}>{group.categoryName}</h2>
          {group.entries.map((entry) => (
            <details key={entry.id} id={entry.slug} className="kb-faq-item" lang={entry.locale}>
              <summary>{entry.question}</summary>
              <div className="markdown" dangerouslySetInnerHTML={{ __html: entry.answerHtml }} />
              <p className="small">
                <a href={`#${entry.slug}`}>Link to this question</a> · <Link to={entry.href}>Open as an article</Link>
              </p>
            </details>
          ))}
        </section>
      ))}
    </>
  );
}
