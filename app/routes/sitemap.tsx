import type { Route } from "./+types/sitemap";
import { env } from "~/lib/env.server";
import { escapeHtml } from "~/lib/html";
import { sitemapArticles } from "~/modules/kb/articles.server";

/** /sitemap.xml: the public help center (public, published articles only). */
export async function loader(_: Route.LoaderArgs) {
  const base = env().APP_URL;
  const articles = await sitemapArticles();
  const urls = [
    `<url><loc>${escapeHtml(`${base}/help`)}</loc></url>`,
    `<url><loc>${escapeHtml(`${base}/help/faq`)}</loc></url>`,
    ...articles.map((a) => `<url><loc>${escapeHtml(`${base}/help/articles/${a.slug}`)}</loc><lastmod>${a.updatedAt.toISOString()}</lastmod></url>`),
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(xml, { headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
