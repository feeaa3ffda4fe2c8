import { data, Link } from "react-router";
import type { Route } from "./+types/category";
import { HelpLanguageSwitcher } from "~/components/help-language";
import { categoryPage } from "~/modules/kb/articles.server";
import { helpLanguage, localizeItems } from "~/modules/kb/translations.server";
import { readerOf } from "~/modules/kb/reader.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: data ? `${data.category.name} · Help center` : "Help center" },
  ...(data ? [{ name: "description", content: data.category.description }] : []),
];

/** Help pages vary by the reader's language (cookie, Accept-Language). */
export const headers: Route.HeadersFunction = () => ({ Vary: "Accept-Language, Cookie" });

export async function loader({ request, url, context, params }: Route.LoaderArgs) {
  const language = helpLanguage(request, url);
  const page = await categoryPage(readerOf(context), params.slug);
  if (!page) throw data({ message: "There is no such help topic." }, { status: 404 });
  const articles = await localizeItems(page.articles, language.locale);
  const counts = new Map<string, number>();
  for (const a of page.articles) counts.set(a.categoryId ?? "", (counts.get(a.categoryId ?? "") ?? 0) + 1);
  return data({
    locale: language.locale,
    category: { id: page.category.id, name: page.category.name, description: page.category.description },
    parent: page.parent ? { name: page.parent.name, slug: page.parent.slug } : null,
    sections: [page.category, ...page.children]
      .map((c) => ({
        id: c.id,
        name: c.name,
        slug: c.slug,
        articles: articles.filter((a) => a.categoryId === c.id).map((a) => ({ id: a.id, slug: a.slug, title: a.title, summary: a.summary, href: a.href, locale: a.locale })),
      }))
      .filter((s) => s.articles.length > 0),
  }, { headers: language.headers });
}

export default function HelpCategory({ loaderData }: Route.ComponentProps) {
  const { category, parent, sections, locale } = loaderData;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/help">Help center</Link>
        {parent ? (
          <>
            {" › "}
            <Link to={`/help/categories/${parent.slug}`}>{parent.name}</Link>
          </>
        ) : null}
        {" › "}
        {category.name}
      </nav>
      <HelpLanguageSwitcher current={locale} />
      <div className="page-header">
        <div>
          <h1>{category.name}</h1>
          <p>{category.description}</p>
        </div>
      </div>
      {sections.length === 0 ? (
        <div className="empty">
          <p>There are no articles in this topic yet.</p>
        </div>
      ) : null}
      {sections.map((s) => (
        <section key={s.id} className="card" aria-labelledby={`section-${s.slug}`}>
          <h2 id={`section-${s.slug}`} className="card-title">
            {s.id === category.id ? "Articles" : s.name}
          </h2>
          <ul className="kb-article-list">
            {s.articles.map((a) => (
              <li key={a.id} lang={a.locale}>
                <Link to={a.href} hrefLang={a.locale}>
                  {a.title}
                </Link>
                {a.summary ? <p className="muted small">{a.summary}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
