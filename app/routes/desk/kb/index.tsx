import { Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/index";
import { DataTable } from "~/components/data-table";
import { KbDate } from "~/components/kb-date";
import { requirePermission } from "~/modules/auth/guard.server";
import { listArticlesForDesk } from "~/modules/kb/articles.server";
import { localeName, translationLocales } from "~/modules/kb/locales";
import { translationCoverage, translationsByArticle } from "~/modules/kb/translations.server";
import { kbAnalytics } from "~/modules/kb/deflection.server";
import { kbStatuses, statusLabels, visibilityLabels } from "~/modules/kb/visibility";

export const meta: Route.MetaFunction = () => [{ title: "Knowledge base · Desk · Support Portal" }];

const filtersSchema = z.object({
  status: z.enum([...kbStatuses, "all"]).catch("all"),
  q: z.string().trim().max(200).catch(""),
  missing: z.enum(["", ...translationLocales]).catch(""),
});

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:kb");
  const filters = filtersSchema.parse(Object.fromEntries(url.searchParams));
  const [all, analytics, coverage] = await Promise.all([listArticlesForDesk(filters), kbAnalytics({ days: 30 }), translationCoverage()]);
  const translated = await translationsByArticle(all.map((a) => a.id));
  const articles = all
    .map((a) => {
      const versions = translated.get(a.id) ?? [];
      return {
        ...a,
        missingLocales: translationLocales.filter((code) => !versions.some((v) => v.locale === code)),
        outdatedLocales: versions.filter((v) => v.outdated).map((v) => v.locale),
      };
    })
    .filter((a) => !filters.missing || a.missingLocales.includes(filters.missing));
  return { articles, analytics, filters, coverage };
}

const statusBadge: Record<string, string> = { published: "badge badge-success", draft: "badge", archived: "badge badge-warning" };

export default function DeskKb({ loaderData }: Route.ComponentProps) {
  const { articles, analytics, filters, coverage } = loaderData;
  const d = analytics.deflection;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Knowledge base</h1>
          <p>Write and maintain help articles; see what readers look for and what they do not find.</p>
        </div>
        <div className="actions">
          <Link to="/desk/kb/categories" className="btn btn-secondary">
            Categories
          </Link>
          <Link to="/desk/kb/new" className="btn">
            New article
          </Link>
        </div>
      </div>

      <section aria-labelledby="analytics-title" className="kb-section">
        <h2 id="analytics-title">Last {analytics.days} days</h2>
        <dl className="kb-stats">
          <div className="card">
            <dt>Article views</dt>
            <dd>{analytics.views.toLocaleString("en")}</dd>
          </div>
          <div className="card">
            <dt>Found helpful</dt>
            <dd>{analytics.helpfulPercent === null ? "–" : `${analytics.helpfulPercent}%`}</dd>
            <p className="small muted">{analytics.votes === 1 ? "1 vote" : `${analytics.votes} votes`}</p>
          </div>
          <div className="card">
            <dt>Deflections</dt>
            <dd>{d.deflected}</dd>
            <p className="small muted">
              {d.opened} suggestions opened · {d.filedAnyway} filed anyway · {d.pending} pending
            </p>
          </div>
          <div className="card">
            <dt>Searches without results</dt>
            <dd>{analytics.emptySearches}</dd>
            <p className="small muted">of {analytics.searches} searches</p>
          </div>
        </dl>
        <div className="grid-2">
          <section className="card" aria-labelledby="no-results-title">
            <h3 id="no-results-title" className="card-title">
              Top searches with no results
            </h3>
            {analytics.noResults.length ? (
              <table className="table">
                <caption className="visually-hidden">Searches that found nothing, most frequent first</caption>
                <thead>
                  <tr>
                    <th scope="col">Query</th>
                    <th scope="col" className="num">
                      Searches
                    </th>
                    <th scope="col">Write it</th>
                  </tr>
                </thead>
                <tbody>
                  {analytics.noResults.map((r) => (
                    <tr key={r.query}>
                      <td>{r.query}</td>
                      <td className="num">{r.searches}</td>
                      <td>
                        <Link to={`/desk/kb/new?${new URLSearchParams({ title: r.query })}`} aria-label={`Write an article about ${r.query}`}>
                          New article
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">Every search found something.</p>
            )}
          </section>
          <section className="card" aria-labelledby="top-title">
            <h3 id="top-title" className="card-title">
              Most viewed
            </h3>
            <table className="table">
              <caption className="visually-hidden">Most viewed articles with their helpful rating</caption>
              <thead>
                <tr>
                  <th scope="col">Article</th>
                  <th scope="col" className="num">
                    Views
                  </th>
                  <th scope="col" className="num">
                    Helpful
                  </th>
                </tr>
              </thead>
              <tbody>
                {analytics.topArticles.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/desk/kb/articles/${a.id}`}>{a.title}</Link>
                    </td>
                    <td className="num">{a.views.toLocaleString("en")}</td>
                    <td className="num">{a.helpfulPercent === null ? "–" : `${a.helpfulPercent}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      </section>

      <section aria-labelledby="coverage-title" className="kb-section">
        <h2 id="coverage-title">Translations</h2>
        <dl className="kb-stats">
          {coverage.map((c) => (
            <div className="card" key={c.locale}>
              <dt>{localeName(c.locale)}</dt>
              <dd>
                {c.translated} of {c.published}
              </dd>
              <p className="small muted">
                published articles translated{c.outdated ? ` · ${c.outdated} behind the original` : ""} ·{" "}
                <Link to={`/desk/kb?missing=${c.locale}`} aria-label={`Articles missing a ${localeName(c.locale)} translation`}>
                  missing
                </Link>
              </p>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="articles-title" className="kb-section">
        <div className="toolbar">
          <h2 id="articles-title">Articles</h2>
          <Form method="get" role="search" className="inline-form">
            <label htmlFor="kb-desk-search" className="visually-hidden">
              Filter articles by title or slug
            </label>
            <input id="kb-desk-search" type="search" name="q" defaultValue={filters.q} placeholder="Title or slug" />
            <label htmlFor="kb-desk-status" className="visually-hidden">
              Status
            </label>
            <select id="kb-desk-status" name="status" defaultValue={filters.status}>
              <option value="all">All statuses</option>
              {kbStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusLabels[s]}
                </option>
              ))}
            </select>
            <label htmlFor="kb-desk-missing" className="visually-hidden">
              Missing translation
            </label>
            <select id="kb-desk-missing" name="missing" defaultValue={filters.missing}>
              <option value="">Any translations</option>
              {translationLocales.map((code) => (
                <option key={code} value={code}>
                  {`Missing ${localeName(code)}`}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-secondary btn-sm">
              Filter
            </button>
          </Form>
        </div>
        <DataTable
          caption="Articles"
          columns={["Title", "Category", "Status", "Visibility", "Missing translations", { label: "Views", numeric: true }, "Updated"]}
          rows={articles}
          empty={
            <div className="empty">
              <p>No articles match.</p>
            </div>
          }
          row={(a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/desk/kb/articles/${a.id}`}>{a.title}</Link>
                {a.isFaq ? <span className="badge badge-accent">FAQ</span> : null}
                <div className="muted small">/{a.slug}</div>
              </td>
              <td>{a.categoryName ?? <span className="muted">–</span>}</td>
              <td>
                <span className={statusBadge[a.status]}>{statusLabels[a.status]}</span>
              </td>
              <td>{visibilityLabels[a.visibility]}</td>
              <td>
                {a.missingLocales.length === 0 ? (
                  <span className="badge badge-success">All translated</span>
                ) : (
                  <ul className="inline-list small" aria-label={`Missing translations of ${a.title}`}>
                    {a.missingLocales.map((code) => (
                      <li key={code}>
                        <Link to={`/desk/kb/articles/${a.id}/translations/${code}`} aria-label={`Translate ${a.title} into ${localeName(code)}`}>
                          {code.toUpperCase()}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
                {a.outdatedLocales.length ? <div className="small muted">Behind the original: {a.outdatedLocales.map((c) => c.toUpperCase()).join(", ")}</div> : null}
              </td>
              <td className="num">{a.viewCount.toLocaleString("en")}</td>
              <td>
                <KbDate value={a.updatedAt} />
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
