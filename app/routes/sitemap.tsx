import type { Route } from "./+types/sitemap";
import { env } from "~/lib/env.server";
import { escapeHtml } from "~/lib/html";
import { sitemapArticles } from "~/modules/kb/articles.server";
import { articlePath, HELP_DEFAULT_LOCALE } from "~/modules/kb/locales";
import { sitemapTranslations } from "~/modules/kb/translations.server";

/**
 * /sitemap.xml: the public help center (public, published articles only): every language
 * version at its canonical URL, with xhtml:link alternates between the versions of an article.
 */
export async function loader(_: Route.LoaderArgs) {
  const base = env().APP_URL;
  const [articles, translations] = await Promise.all([sitemapArticles(), sitemapTranslations()]);
  const versionsOf = new Map<string, { locale: string; path: string }[]>();
  for (const a of articles) versionsOf.set(a.id, [{ locale: HELP_DEFAULT_LOCALE, path: articlePath(a.slug) }]);
  for (const t of translations) versionsOf.get(t.articleId)?.push({ locale: t.locale, path: articlePath(t.slug, t.locale) });
  const alternates = (articleId: string) => {
    const versions = versionsOf.get(articleId) ?? [];
    if (versions.length < 2) return "";
    return [...versions, { locale: "x-default", path: versions[0]!.path }]
      .map((v) => `<xhtml:link rel="alternate" hreflang="${escapeHtml(v.locale)}" href="${escapeHtml(`${base}${v.path}`)}"/>`)
      .join("");
  };
  const urls = [
    `<url><loc>${escapeHtml(`${base}/help`)}</loc></url>`,
    `<url><loc>${escapeHtml(`${base}/help/faq`)}</loc></url>`,
    ...articles.map((a) => `<url><loc>${escapeHtml(`${base}${articlePath(a.slug)}`)}</loc><lastmod>${a.updatedAt.toISOString()}</lastmod>${alternates(a.id)}</url>`),
    ...translations.map(
      (t) => `<url><loc>${escapeHtml(`${base}${articlePath(t.slug, t.locale)}`)}</loc><lastmod>${t.updatedAt.toISOString()}</lastmod>${alternates(t.articleId)}</url>`,
    ),
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(xml, { headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
