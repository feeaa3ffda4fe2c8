/**
 * Help-center translations: reading (the version a reader gets, hreflang alternates, lists in
 * the reader's language, sitemap) and authoring (create, edit, delete; coverage per locale).
 * A translation is visible exactly when its article is: every reader query joins the article
 * and applies readableBy().
 */
import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import { db, rowsOf, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { env } from "~/lib/env.server";
import { kbArticles, kbArticleTranslations, users } from "../../../db/schema";
import { findArticleByIdForReader, findArticleForReader, KbError, readableBy, type ReaderArticle } from "./articles.server";
import { articlePath, HELP_DEFAULT_LOCALE, isHelpLocale, languageCookie, localeFromCookie, readerLocale, searchConfigOf, translationLocales, type HelpLocale, type LocaleSource } from "./locales";
import { isValidSlug, slugify } from "./slug";
import type { KbReader } from "./visibility";

// --- Text-search configurations ------------------------------------------------------------

const configState = globalThis as { __kbTsConfigs?: { db: unknown; names: Promise<Set<string>> } };

/** The text-search configurations this database has (asked once per database handle). */
export function installedSearchConfigs(): Promise<Set<string>> {
  const handle = db();
  if (configState.__kbTsConfigs?.db !== handle) {
    configState.__kbTsConfigs = {
      db: handle,
      names: handle
        .execute(sql`select cfgname::text as name from pg_ts_config`)
        .then((r) => new Set(rowsOf<{ name: string }>(r).map((x) => x.name)))
        .catch(() => new Set(["simple"])),
    };
  }
  return configState.__kbTsConfigs.names;
}

/** The configuration to index and search a locale with: its language's, or 'simple' when this database lacks it. */
export async function searchConfigFor(locale: string): Promise<string> {
  const wanted = searchConfigOf(locale);
  return (await installedSearchConfigs()).has(wanted) ? wanted : "simple";
}

/**
 * The reader's language for a help page, and the headers to answer with: the switcher's choice
 * (?lang=) is remembered in a cookie; the page varies by cookie and Accept-Language.
 * `url`: the loader's normalized `url` argument (not `request.url`).
 */
export function helpLanguage(request: Request, url: URL): { locale: HelpLocale; source: LocaleSource; headers: Record<string, string> } {
  const { locale, source } = readerLocale(request, url);
  const headers: Record<string, string> = {};
  if (source === "query" && localeFromCookie(request.headers.get("cookie")) !== locale) headers["Set-Cookie"] = languageCookie(locale, env().secureCookies);
  return { locale, source, headers };
}

// --- Reading ----------------------------------------------------------------------------------

/** The locales an article is available in (default first), for hreflang links and the switcher. */
export async function articleVersions(articleId: string, defaultSlug: string): Promise<{ locale: string; slug: string; path: string }[]> {
  const rows = await db()
    .select({ locale: kbArticleTranslations.locale, slug: kbArticleTranslations.slug })
    .from(kbArticleTranslations)
    .where(eq(kbArticleTranslations.articleId, articleId));
  const versions = [{ locale: HELP_DEFAULT_LOCALE, slug: defaultSlug, path: articlePath(defaultSlug) }];
  for (const code of translationLocales) {
    const row = rows.find((r) => r.locale === code);
    if (row) versions.push({ locale: code, slug: row.slug, path: articlePath(row.slug, code) });
  }
  return versions;
}

export type ArticleTranslation = typeof kbArticleTranslations.$inferSelect;

/** A translation of a readable article by its locale and slug (null when missing or not readable). */
export async function readableTranslationBySlug(reader: KbReader, locale: string, slug: string): Promise<{ articleId: string; articleSlug: string } | null> {
  if (!isValidSlug(slug) || !isHelpLocale(locale) || locale === HELP_DEFAULT_LOCALE) return null;
  const [row] = await db()
    .select({ articleId: kbArticles.id, articleSlug: kbArticles.slug })
    .from(kbArticleTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleTranslations.articleId))
    .where(and(eq(kbArticleTranslations.locale, locale), eq(kbArticleTranslations.slug, slug), readableBy(reader)));
  return row ?? null;
}

/** Any translation slug of a readable article (an address shared without ?lang=): its canonical path. */
export async function translationPathBySlug(reader: KbReader, slug: string): Promise<string | null> {
  if (!isValidSlug(slug)) return null;
  const rows = await db()
    .select({ locale: kbArticleTranslations.locale, slug: kbArticleTranslations.slug })
    .from(kbArticleTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleTranslations.articleId))
    .where(and(eq(kbArticleTranslations.slug, slug), readableBy(reader)))
    .orderBy(asc(kbArticleTranslations.locale));
  const row = rows[0];
  return row ? articlePath(row.slug, row.locale) : null;
}

export async function translationOf(articleId: string, locale: string): Promise<ArticleTranslation | null> {
  if (locale === HELP_DEFAULT_LOCALE) return null;
  const [row] = await db()
    .select()
    .from(kbArticleTranslations)
    .where(and(eq(kbArticleTranslations.articleId, articleId), eq(kbArticleTranslations.locale, locale)));
  return row ?? null;
}

/**
 * Shows list items in the reader's language where a translation exists: title, summary (and body
 * when the items carry one) and the link of that version. Items are already filtered by visibility.
 */
export async function localizeItems<T extends { id: string; slug: string; title: string; summary?: string; body?: string }>(
  items: T[],
  locale: string,
): Promise<(T & { locale: string; href: string })[]> {
  const translations =
    locale === HELP_DEFAULT_LOCALE || !items.length
      ? []
      : await db()
          .select({
            articleId: kbArticleTranslations.articleId,
            slug: kbArticleTranslations.slug,
            title: kbArticleTranslations.title,
            summary: kbArticleTranslations.summary,
            body: kbArticleTranslations.body,
          })
          .from(kbArticleTranslations)
          .where(and(eq(kbArticleTranslations.locale, locale), inArray(kbArticleTranslations.articleId, [...new Set(items.map((i) => i.id))])));
  const byArticle = new Map(translations.map((t) => [t.articleId, t]));
  return items.map((item) => {
    const t = byArticle.get(item.id);
    if (!t) return { ...item, locale: HELP_DEFAULT_LOCALE, href: articlePath(item.slug) };
    return {
      ...item,
      title: t.title,
      ...(item.summary !== undefined ? { summary: t.summary || item.summary } : {}),
      ...(item.body !== undefined ? { body: t.body } : {}),
      locale,
      href: articlePath(t.slug, locale),
    };
  });
}

/** Translations of public, published articles for /sitemap.xml (signed-out visibility only). */
export async function sitemapTranslations() {
  return db()
    .select({ articleId: kbArticles.id, locale: kbArticleTranslations.locale, slug: kbArticleTranslations.slug, updatedAt: kbArticleTranslations.updatedAt })
    .from(kbArticleTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleTranslations.articleId))
    .where(readableBy(null))
    .orderBy(asc(kbArticleTranslations.locale), asc(kbArticleTranslations.slug));
}

export type ArticleVersion =
  | { redirectTo: string; status: 301 | 302 }
  | {
      article: NonNullable<ReaderArticle>;
      translation: ArticleTranslation | null;
      /** The language of the content shown. */
      locale: string;
      /** The language the reader asked for (switcher, cookie or Accept-Language). */
      wanted: HelpLocale;
      source: LocaleSource;
    };

/**
 * Which version of an article a request gets (null: missing or not readable, answered 404):
 * - `?lang=xx` with that locale's slug → the translation;
 * - the default slug → the default version, or a redirect to the translation the reader wants
 *   (301 when asked with ?lang=, 302 when the wish came from the cookie or Accept-Language);
 *   without a translation in that language, the default version (the page shows a notice);
 * - an old default slug → 301 to the current one; a translation slug without ?lang= → 301 to its canonical URL.
 * `url`: the loader's normalized `url` argument (its query is carried into redirects; not `request.url`).
 */
export async function resolveArticleVersion(reader: KbReader, slug: string, request: Request, url: URL): Promise<ArticleVersion | null> {
  const { locale: wanted, source } = readerLocale(request, url);
  const keep = new URLSearchParams(url.searchParams);
  keep.delete("lang");
  const withParams = (path: string) => {
    const extra = keep.toString();
    return extra ? `${path}${path.includes("?") ? "&" : "?"}${extra}` : path;
  };
  if (source === "query" && wanted !== HELP_DEFAULT_LOCALE) {
    const found = await readableTranslationBySlug(reader, wanted, slug);
    if (found) {
      const article = await findArticleByIdForReader(reader, found.articleId);
      const translation = await translationOf(found.articleId, wanted);
      if (article && translation) return { article, translation, locale: wanted, wanted, source };
    }
  }
  const found = await findArticleForReader(reader, slug);
  if (found && "redirectTo" in found) return { redirectTo: `/help/articles/${found.redirectTo}${url.search}`, status: 301 };
  if (found) {
    if (wanted !== HELP_DEFAULT_LOCALE) {
      const translation = await translationOf(found.article.id, wanted);
      if (translation) return { redirectTo: withParams(articlePath(translation.slug, wanted)), status: source === "query" ? 301 : 302 };
    }
    return { article: found.article, translation: null, locale: HELP_DEFAULT_LOCALE, wanted, source };
  }
  const path = await translationPathBySlug(reader, slug);
  return path ? { redirectTo: withParams(path), status: 301 } : null;
}

// --- Authoring (agents and admins; routes check manage:kb) -----------------------------------

export interface TranslationInput {
  title: string;
  slug?: string | null;
  summary: string;
  body: string;
  /** The revision the author loaded (optimistic locking); absent when creating. */
  expectedRevision?: number;
}

async function translationSlugTaken(executor: Executor, locale: string, slug: string, exceptArticleId: string): Promise<boolean> {
  const [row] = await executor
    .select({ id: kbArticleTranslations.id })
    .from(kbArticleTranslations)
    .where(and(eq(kbArticleTranslations.locale, locale), eq(kbArticleTranslations.slug, slug), ne(kbArticleTranslations.articleId, exceptArticleId)));
  return !!row;
}

/** Creates or updates the translation of an article into `locale`. */
export async function saveTranslation(actor: { id: string }, articleId: string, locale: string, input: TranslationInput, executor?: Executor) {
  if (!isHelpLocale(locale) || locale === HELP_DEFAULT_LOCALE) throw new KbError("Choose a language to translate into.", 400, "locale");
  const searchConfig = await searchConfigFor(locale);
  const run = async (tx: Executor) => {
    const [article] = await tx.select({ id: kbArticles.id, revision: kbArticles.revision }).from(kbArticles).where(eq(kbArticles.id, articleId));
    if (!article) throw new KbError("That article does not exist.", 404);
    const [current] = await tx
      .select()
      .from(kbArticleTranslations)
      .where(and(eq(kbArticleTranslations.articleId, articleId), eq(kbArticleTranslations.locale, locale)))
      .for("update");
    if (current && input.expectedRevision !== undefined && current.revision !== input.expectedRevision) {
      throw new KbError("Someone else saved this translation while you were editing. Reload to see their version, then apply your change again.", 409);
    }
    if (current && input.expectedRevision === undefined) {
      throw new KbError("Someone else created this translation while you were writing. Reload to see it, then apply your change again.", 409);
    }
    if (!current && input.expectedRevision !== undefined) {
      throw new KbError("This translation was deleted while you were editing. Save again to create it anew.", 409);
    }
    let slug = input.slug?.trim() || current?.slug || "";
    if (input.slug?.trim()) {
      if (!isValidSlug(slug)) throw new KbError("Use lower-case letters, digits and hyphens.", 400, "slug");
      if (await translationSlugTaken(tx, locale, slug, articleId)) throw new KbError("Another article already uses this address in this language.", 409, "slug");
    } else if (!slug) {
      const base = slugify(input.title);
      slug = base;
      for (let n = 2; (await translationSlugTaken(tx, locale, slug, articleId)) && n < 500; n++) slug = `${base.slice(0, 75)}-${n}`;
    }
    const at = now();
    if (!current) {
      const [row] = await tx
        .insert(kbArticleTranslations)
        .values({
          articleId,
          locale,
          slug,
          title: input.title,
          summary: input.summary,
          body: input.body,
          searchConfig,
          revision: 1,
          sourceRevision: article.revision,
          createdById: actor.id,
          updatedById: actor.id,
          createdAt: at,
          updatedAt: at,
        })
        .returning();
      return { translation: row!, created: true };
    }
    const changed = current.title !== input.title || current.summary !== input.summary || current.body !== input.body || current.slug !== slug;
    const [row] = await tx
      .update(kbArticleTranslations)
      .set({
        slug,
        title: input.title,
        summary: input.summary,
        body: input.body,
        searchConfig,
        revision: changed ? current.revision + 1 : current.revision,
        sourceRevision: article.revision,
        updatedById: actor.id,
        updatedAt: at,
      })
      .where(eq(kbArticleTranslations.id, current.id))
      .returning();
    return { translation: row!, created: false };
  };
  if (executor) return run(executor);
  return db().transaction((tx) => run(tx));
}

export async function deleteTranslation(articleId: string, locale: string): Promise<boolean> {
  const rows = await db()
    .delete(kbArticleTranslations)
    .where(and(eq(kbArticleTranslations.articleId, articleId), eq(kbArticleTranslations.locale, locale)))
    .returning({ id: kbArticleTranslations.id });
  return rows.length > 0;
}

/** The translation editor's data: the article (the original to translate from) and the translation if any. */
export async function translationForEdit(articleId: string, locale: string) {
  const [article] = await db()
    .select({ id: kbArticles.id, slug: kbArticles.slug, title: kbArticles.title, summary: kbArticles.summary, body: kbArticles.body, status: kbArticles.status, revision: kbArticles.revision })
    .from(kbArticles)
    .where(eq(kbArticles.id, articleId));
  if (!article) return null;
  const [translation] = await db()
    .select({
      id: kbArticleTranslations.id,
      slug: kbArticleTranslations.slug,
      title: kbArticleTranslations.title,
      summary: kbArticleTranslations.summary,
      body: kbArticleTranslations.body,
      revision: kbArticleTranslations.revision,
      sourceRevision: kbArticleTranslations.sourceRevision,
      updatedAt: kbArticleTranslations.updatedAt,
      updatedByName: users.name,
    })
    .from(kbArticleTranslations)
    .leftJoin(users, eq(users.id, kbArticleTranslations.updatedById))
    .where(and(eq(kbArticleTranslations.articleId, articleId), eq(kbArticleTranslations.locale, locale)));
  return { article, translation: translation ?? null };
}

/** Per article: its translations with whether the original changed since (source revision older). */
export async function translationsByArticle(articleIds: string[]): Promise<Map<string, { locale: string; outdated: boolean }[]>> {
  const out = new Map<string, { locale: string; outdated: boolean }[]>();
  if (!articleIds.length) return out;
  const rows = await db()
    .select({ articleId: kbArticleTranslations.articleId, locale: kbArticleTranslations.locale, sourceRevision: kbArticleTranslations.sourceRevision, revision: kbArticles.revision })
    .from(kbArticleTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleTranslations.articleId))
    .where(inArray(kbArticleTranslations.articleId, articleIds));
  for (const r of rows) {
    const list = out.get(r.articleId) ?? [];
    list.push({ locale: r.locale, outdated: r.sourceRevision < r.revision });
    out.set(r.articleId, list);
  }
  return out;
}

/** Per translation locale: how many published articles have a translation, of how many. */
export async function translationCoverage(): Promise<{ locale: HelpLocale; translated: number; outdated: number; published: number }[]> {
  const [published] = await db().select({ n: count() }).from(kbArticles).where(eq(kbArticles.status, "published"));
  const rows = await db()
    .select({
      locale: kbArticleTranslations.locale,
      n: count(),
      outdated: sql<number>`count(*) filter (where ${kbArticleTranslations.sourceRevision} < ${kbArticles.revision})`,
    })
    .from(kbArticleTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleTranslations.articleId))
    .where(eq(kbArticles.status, "published"))
    .groupBy(kbArticleTranslations.locale);
  return translationLocales.map((locale) => {
    const row = rows.find((r) => r.locale === locale);
    return { locale, translated: Number(row?.n ?? 0), outdated: Number(row?.outdated ?? 0), published: Number(published?.n ?? 0) };
  });
}

