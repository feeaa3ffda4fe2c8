import { Link } from "react-router";
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

export async function loader({ context }: Route.LoaderArgs) {
  const groups = await faqForReader(readerOf(context));
  return {
    canonical: `${env().APP_URL}/help/faq`,
    groups: groups.map((g) => ({
      categoryName: g.categoryName,
      categorySlug: g.categorySlug,
      entries: g.entries.map((e) => ({ id: e.id, slug: e.slug, question: e.title, answerHtml: renderArticleMarkdown(e.body).html })),
    })),
  };
}

export default function HelpFaq({ loaderData }: Route.ComponentProps) {
  const { groups } = loaderData;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/help">Help center</Link> › FAQ
      </nav>
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
            <details key={entry.id} id={entry.slug} className="kb-faq-item">
              <summary>{entry.question}</summary>
              <div className="markdown" dangerouslySetInnerHTML={{ __html: entry.answerHtml }} />
              <p className="small">
                <a href={`#${entry.slug}`}>Link to this question</a> · <Link to={`/help/articles/${entry.slug}`}>Open as an article</Link>
              </p>
            </details>
          ))}
        </section>
      ))}
    </>
  );
}
