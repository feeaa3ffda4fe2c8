import { data, Link } from "react-router";
import type { Route } from "./+types/home";
import { formatDate } from "~/components/kb-date";
import { KbSearchForm } from "~/components/kb-search-form";
import { HelpLanguageSwitcher } from "~/components/help-language";
import { helpLanguage, localizeItems } from "~/modules/kb/translations.server";
import { categoriesWithCounts, popularArticles, recentArticles } from "~/modules/kb/articles.server";
import { env } from "~/lib/env.server";
import { readerOf } from "~/modules/kb/reader.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: "Help center · Support Portal" },
  { name: "description", content: "Answers, guides and FAQ: search the help center before you open a ticket." },
  ...(data ? [{ tagName: "link", rel: "canonical", href: data.canonical }] : []),
];

/** Help pages vary by the reader's language (cookie, Accept-Language). */
export const headers: Route.HeadersFunction = () => ({ Vary: "Accept-Language, Cookie" });

export async function loader({ request, url, context }: Route.LoaderArgs) {
  const reader = readerOf(context);
  const language = helpLanguage(request, url);
  const [categories, popular, recent] = await Promise.all([categoriesWithCounts(reader), popularArticles(reader, 6), recentArticles(reader, 6)]);
  return data({
    locale: language.locale,
    categories: categories.filter((c) => c.articleCount > 0),
    popular: await localizeItems(popular, language.locale),
    recent: await localizeItems(recent, language.locale),
    signedIn: !!reader,
    isCustomer: reader?.role === "customer",
    canonical: `${env().APP_URL}/help`,
  }, { headers: language.headers });
}

export default function HelpHome({ loaderData }: Route.ComponentProps) {
  const { categories, popular, recent, isCustomer, signedIn, locale } = loaderData;
  return (
    <>
      <HelpLanguageSwitcher current={locale} />
      <section className="kb-hero" aria-labelledby="help-title">
        <h1 id="help-title">How can we help?</h1>
        <p className="muted">Search our guides and answers. Most questions are answered here in a minute.</p>
        <KbSearchForm large />
        <p className="small">
          <Link to="/help/faq">Frequently asked questions</Link>
          {isCustomer ? (
            <>
              {" · "}
              <Link to="/portal/tickets/new">Open a ticket</Link>
            </>
          ) : null}
          {!signedIn ? (
            <>
              {" · "}
              <Link to="/login?redirectTo=%2Fhelp">Sign in</Link> to see articles for customers
            </>
          ) : null}
        </p>
      </section>

      <section aria-labelledby="categories-title" className="kb-section">
        <h2 id="categories-title">Browse by topic</h2>
        {categories.length === 0 ? (
          <div className="empty">
            <p>No articles have been published yet.</p>
          </div>
        ) : (
          <ul className="kb-category-grid">
            {categories.map((c) => (
              <li key={c.id} className="card kb-category-card">
                <h3>
                  <Link to={`/help/categories/${c.slug}`}>{c.name}</Link>
                </h3>
                <p className="muted small">{c.description}</p>
                <p className="small">
                  <span className="badge">{c.articleCount === 1 ? "1 article" : `${c.articleCount} articles`}</span>
                </p>
                {c.children.filter((s) => s.articleCount > 0).length ? (
                  <ul className="kb-subcategories small">
                    {c.children
                      .filter((s) => s.articleCount > 0)
                      .map((s) => (
                        <li key={s.id}>
                          <Link to={`/help/categories/${s.slug}`}>{s.name}</Link> <span className="muted">({s.articleCount})</span>
                        </li>
                      ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="grid-2 kb-section">
        <section className="card" aria-labelledby="popular-title">
          <h2 id="popular-title" className="card-title">
            Popular articles
          </h2>
          <ArticleLinks items={popular} />
        </section>
        <section className="card" aria-labelledby="recent-title">
          <h2 id="recent-title" className="card-title">
            Recently updated
          </h2>
          <ArticleLinks items={recent} showDate />
        </section>
      </div>
    </>
  );
}

function ArticleLinks({ items, showDate = false }: { items: { id: string; href: string; locale: string; title: string; updatedAt: Date | string }[]; showDate?: boolean }) {
  if (!items.length) return <p className="muted">Nothing here yet.</p>;
  return (
    <ul className="kb-link-list">
      {items.map((a) => (
        <li key={a.id}>
          <Link to={a.href} hrefLang={a.locale} lang={a.locale}>
            {a.title}
          </Link>
          {showDate ? (
            <span className="muted small">
              {" "}
              · <time dateTime={new Date(a.updatedAt).toISOString()}>{formatDate(a.updatedAt)}</time>
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
