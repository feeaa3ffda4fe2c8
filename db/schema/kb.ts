import { sql, type SQL } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./orgs";

/** Postgres full-text vector (drizzle has no built-in type; same shape as tickets.ts). */
const kbTsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const kbArticleStatusEnum = pgEnum("kb_article_status", ["draft", "published", "archived"]);
/** Who may read an article: everyone, signed-in customers (and staff), or staff only. */
export const kbVisibilityEnum = pgEnum("kb_visibility", ["public", "customers", "internal"]);
export const kbDeflectionKindEnum = pgEnum("kb_deflection_kind", ["suggested", "opened", "ticket_filed"]);

/** Help-center sections: ordered, one level of nesting (a child's parent has no parent). */
export const kbCategories = pgTable(
  "kb_categories",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    parentId: uuid().references((): AnyPgColumn => kbCategories.id, { onDelete: "set null" }),
    position: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("kb_categories_slug_key").on(t.slug), index("kb_categories_parent_idx").on(t.parentId, t.position)],
);

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stable and unique; a rename keeps the old slug as a redirect (kb_slug_redirects). */
    slug: text().notNull(),
    title: text().notNull(),
    /** Meta description and list teaser. */
    summary: text().notNull().default(""),
    /** Markdown (rendered with raw HTML disabled). */
    body: text().notNull(),
    categoryId: uuid().references(() => kbCategories.id, { onDelete: "set null" }),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    status: kbArticleStatusEnum().notNull().default("draft"),
    visibility: kbVisibilityEnum().notNull().default("public"),
    /** Listed on /help/faq as a question (the title) with its answer (the body). */
    isFaq: boolean().notNull().default(false),
    position: integer().notNull().default(0),
    viewCount: integer().notNull().default(0),
    helpfulCount: integer().notNull().default(0),
    notHelpfulCount: integer().notNull().default(0),
    /** The latest revision number; saving bumps it (optimistic locking for two authors). */
    revision: integer().notNull().default(1),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedById: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp({ withTimezone: true }),
    /** Title (weight A) ranks above summary and body (B). (array_to_string is not immutable, so tags stay out.) */
    searchVector: kbTsvector().generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('english', coalesce(${kbArticles.title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${kbArticles.summary}, '') || ' ' || coalesce(${kbArticles.body}, '')), 'B')`,
    ),
    /**
     * The title alone: a search matching more articles than the result cap ranks the most recent
     * title matches (found by its own GIN index, with statistics of their own) before body matches.
     */
    titleVector: kbTsvector().generatedAlwaysAs((): SQL => sql`to_tsvector('english', coalesce(${kbArticles.title}, ''))`),
  },
  (t) => [
    uniqueIndex("kb_articles_slug_key").on(t.slug),
    index("kb_articles_search_idx").using("gin", t.searchVector),
    index("kb_articles_title_search_idx").using("gin", t.titleVector),
    /** Help search walks published articles newest first when a term matches more than the cap. */
    index("kb_articles_published_recent_idx").on(t.updatedAt.desc(), t.id).where(sql`${t.status} = 'published'`),
    index("kb_articles_listing_idx").on(t.status, t.visibility, t.updatedAt.desc()),
    index("kb_articles_category_idx").on(t.categoryId, t.position),
    index("kb_articles_popular_idx").on(t.status, t.viewCount.desc()),
  ],
);

/** Old slugs of renamed articles: /help/articles/<old> answers 301 to the current slug. */
export const kbSlugRedirects = pgTable(
  "kb_slug_redirects",
  {
    slug: text().primaryKey(),
    articleId: uuid()
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("kb_slug_redirects_article_idx").on(t.articleId)],
);

/** Every saved version of an article, with its author; restoring writes a new revision. */
export const kbRevisions = pgTable(
  "kb_revisions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    articleId: uuid()
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    number: integer().notNull(),
    title: text().notNull(),
    summary: text().notNull().default(""),
    body: text().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    note: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("kb_revisions_article_number_key").on(t.articleId, t.number)],
);

/** "Was this helpful?": one vote per person (user id) or browser (anonymous cookie id), changeable. */
export const kbFeedback = pgTable(
  "kb_feedback",
  {
    id: uuid().primaryKey().defaultRandom(),
    articleId: uuid()
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    /** "u:<user id>" or "a:<browser id>". */
    voterKey: text().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    helpful: boolean().notNull(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("kb_feedback_article_voter_key").on(t.articleId, t.voterKey), index("kb_feedback_article_idx").on(t.articleId, t.updatedAt.desc())],
);

/** Searches run on /help/search (not the as-you-type suggestions), with how many results they found. */
export const kbSearches = pgTable(
  "kb_searches",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    query: text().notNull(),
    /** Lower-cased, whitespace-collapsed: what analytics groups by. */
    normalized: text().notNull(),
    resultCount: integer().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("kb_searches_no_results_idx").on(t.normalized, t.createdAt).where(sql`${t.resultCount} = 0`),
    index("kb_searches_created_idx").on(t.createdAt),
  ],
);

/**
 * Deflection journal: suggestions shown beside the ticket form, a suggested article opened,
 * a ticket filed anyway. The deflection rule (app/modules/kb/deflection.ts) reads it.
 */
export const kbDeflectionEvents = pgTable(
  "kb_deflection_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    kind: kbDeflectionKindEnum().notNull(),
    /** "u:<user id>" or "a:<browser id>". */
    visitorKey: text().notNull(),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    articleId: uuid().references(() => kbArticles.id, { onDelete: "set null" }),
    articleIds: jsonb().$type<string[]>().notNull().default([]),
    query: text().notNull().default(""),
    ticketId: uuid(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("kb_deflection_events_visitor_idx").on(t.visitorKey, t.at), index("kb_deflection_events_kind_idx").on(t.kind, t.at)],
);
