import { sql, type SQL } from "drizzle-orm";
import { customType, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { kbArticles } from "./kb";
import { users } from "./orgs";

const kbTsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
/** A text-search configuration name ('german', 'simple', …); chosen by the app from the locale. */
const regconfig = customType<{ data: string }>({ dataType: () => "regconfig" });

/**
 * One translation of a help article (the kb_articles row is the default language, english).
 * Status and visibility are the article's: a translation is shown exactly when its article is.
 * The slug is the version's own address, unique per locale (/help/articles/<slug>?lang=<locale>).
 */
export const kbArticleTranslations = pgTable(
  "kb_article_translations",
  {
    id: uuid().primaryKey().defaultRandom(),
    articleId: uuid()
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    /** A supported help-center locale other than the default (app/modules/kb/locales.ts). */
    locale: text().notNull(),
    slug: text().notNull(),
    title: text().notNull(),
    /** Meta description and list teaser. */
    summary: text().notNull().default(""),
    /** Markdown (rendered like the article body). */
    body: text().notNull(),
    /** The language's text-search configuration, or 'simple' (where the language has none or the database lacks it). */
    searchConfig: regconfig().notNull().default(sql`'simple'::regconfig`),
    /** Bumped on every saved change. */
    revision: integer().notNull().default(1),
    /** The article's revision this translation was last saved against: older means the original changed since. */
    sourceRevision: integer().notNull().default(1),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Title (A) above summary and body (B), stemmed with the row's own configuration. */
    searchVector: kbTsvector().generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector(${kbArticleTranslations.searchConfig}, coalesce(${kbArticleTranslations.title}, '')), 'A') || setweight(to_tsvector(${kbArticleTranslations.searchConfig}, coalesce(${kbArticleTranslations.summary}, '') || ' ' || coalesce(${kbArticleTranslations.body}, '')), 'B')`,
    ),
    /** The title alone (see kb_articles.title_vector). */
    titleVector: kbTsvector().generatedAlwaysAs((): SQL => sql`to_tsvector(${kbArticleTranslations.searchConfig}, coalesce(${kbArticleTranslations.title}, ''))`),
  },
  (t) => [
    uniqueIndex("kb_article_translations_article_locale_key").on(t.articleId, t.locale),
    uniqueIndex("kb_article_translations_locale_slug_key").on(t.locale, t.slug),
    index("kb_article_translations_search_idx").using("gin", t.searchVector),
    index("kb_article_translations_title_search_idx").using("gin", t.titleVector),
    index("kb_article_translations_locale_recent_idx").on(t.locale, t.updatedAt.desc(), t.id),
  ],
);
