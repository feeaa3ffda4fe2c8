/**
 * Help-center search: websearch_to_tsquery over the stored, weighted tsvector (GIN index),
 * ordered by ts_rank, with ts_headline snippets whose highlights are rendered safely. Every
 * query is limited to what the reader may see.
 */
import { sql } from "drizzle-orm";
import { db, rowsOf } from "~/lib/db.server";
import { kbSearches } from "../../../db/schema";
import { articlePath, HELP_DEFAULT_LOCALE } from "./locales";
import { searchConfigFor } from "./translations.server";
import { readableVisibilities, type KbReader } from "./visibility";
import {
  applyCorrections,
  correctableWords,
  correctWords,
  HIGHLIGHT_START,
  HIGHLIGHT_STOP,
  highlightToHtml,
  normalizeQuery,
  SIMILARITY_THRESHOLD,
  stripControl,
} from "./search-text";

export interface SearchHit {
  id: string;
  slug: string;
  title: string;
  summary: string;
  categoryName: string | null;
  updatedAt: string;
  rank: number;
  /** Escaped text with <mark> around matches: safe to insert as HTML. */
  snippetHtml: string;
  /** The language of the version found (the default language for a fallback hit). */
  locale: string;
  /** The canonical path of that version. */
  href: string;
}

export interface SearchResult {
  query: string;
  total: number;
  hits: SearchHit[];
  page: number;
  pageSize: number;
}

const HEADLINE_OPTIONS = `StartSel="${HIGHLIGHT_START}", StopSel="${HIGHLIGHT_STOP}", MaxWords=32, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;

function visibilityArray(reader: KbReader) {
  return sql`array[${sql.join(readableVisibilities(reader).map((v) => sql`${v}`), sql`, `)}]::kb_visibility[]`;
}

/** Runs a search for this reader. Page numbers start at 1. */
export async function searchArticles(reader: KbReader, rawQuery: string, options: { page?: number; pageSize?: number; locale?: string } = {}): Promise<SearchResult> {
  const query = stripControl(rawQuery).trim().slice(0, 200);
  const pageSize = options.pageSize ?? 10;
  const page = Math.max(1, options.page ?? 1);
  if (!query) return { query, total: 0, hits: [], page, pageSize };
  if (options.locale && options.locale !== HELP_DEFAULT_LOCALE) return searchTranslated(reader, query, options.locale, page, pageSize);
  const vis = visibilityArray(reader);
  const rows = rowsOf<{
    id: string;
    slug: string;
    title: string;
    summary: string;
    category_name: string | null;
    updated_at: string | Date;
    rank: number;
    snippet: string;
    total: number | string;
  }>(
    await db().execute(sql`
      with q as (select websearch_to_tsquery('english', ${query}) as query),
      page as (
        -- One pass over the matches: rank, total (window count) and the page, without the bodies.
        select a.id, ts_rank(a.search_vector, q.query) as rank, a.updated_at, count(*) over () as total, q.query as query
        from kb_articles a, q
        where a.search_vector @@ q.query
          and a.status = 'published'
          and a.visibility = any(${vis})
        order by rank desc, a.updated_at desc, a.id
        limit ${pageSize} offset ${(page - 1) * pageSize}
      )
      select p.id, a.slug, a.title, a.summary, c.name as category_name, p.updated_at, p.rank, p.total,
             ts_headline('english',
               regexp_replace(a.summary || ' ' || a.body, '[#*\`>|_~]+|\\]\\([^)]*\\)|[\\[\\]]|[\\u0001-\\u0008]', ' ', 'g'),
               p.query, ${HEADLINE_OPTIONS}) as snippet
      from page p
      join kb_articles a on a.id = p.id
      left join kb_categories c on c.id = a.category_id
      order by p.rank desc, p.updated_at desc, p.id
    `),
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && page > 1) total = await countMatches(reader, query);
  return {
    query,
    total,
    page,
    pageSize,
    hits: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      summary: r.summary,
      categoryName: r.category_name,
      updatedAt: new Date(r.updated_at).toISOString(),
      rank: Number(r.rank),
      snippetHtml: highlightToHtml(r.snippet),
      locale: HELP_DEFAULT_LOCALE,
      href: articlePath(r.slug),
    })),
  };
}

/**
 * The matches of a search in a translation locale: the translations in that locale (their own
 * tsvector, the language's configuration), then default-language articles that have no
 * translation in it (english configuration) as a fallback. Both limited to readable articles.
 */
async function translatedMatches(reader: KbReader, query: string, locale: string) {
  const config = await searchConfigFor(locale);
  const vis = visibilityArray(reader);
  return sql`
    with qt as (select websearch_to_tsquery(${config}::regconfig, ${query}) as query),
    qd as (select websearch_to_tsquery('english', ${query}) as query),
    matches as (
      select a.id, t.id as tid, ts_rank(t.search_vector, qt.query) as rank, t.updated_at, 0 as fallback, qt.query as query
      from kb_article_translations t
      join kb_articles a on a.id = t.article_id, qt
      where t.locale = ${locale} and t.search_vector @@ qt.query
        and a.status = 'published' and a.visibility = any(${vis})
      union all
      select a.id, null::uuid as tid, ts_rank(a.search_vector, qd.query) as rank, a.updated_at, 1 as fallback, qd.query as query
      from kb_articles a, qd
      where a.search_vector @@ qd.query
        and a.status = 'published' and a.visibility = any(${vis})
        and not exists (select 1 from kb_article_translations x where x.article_id = a.id and x.locale = ${locale})
    )`;
}

async function searchTranslated(reader: KbReader, query: string, locale: string, page: number, pageSize: number): Promise<SearchResult> {
  const rows = rowsOf<{
    id: string;
    slug: string;
    title: string;
    summary: string;
    category_name: string | null;
    updated_at: string | Date;
    rank: number;
    snippet: string;
    total: number | string;
    fallback: number;
  }>(
    await db().execute(sql`
      ${await translatedMatches(reader, query, locale)},
      page as (
        select m.id, m.tid, m.rank, m.updated_at, m.fallback, m.query, count(*) over () as total
        from matches m
        order by m.fallback, m.rank desc, m.updated_at desc, m.id
        limit ${pageSize} offset ${(page - 1) * pageSize}
      )
      select p.id, coalesce(t.slug, a.slug) as slug, coalesce(t.title, a.title) as title, coalesce(nullif(t.summary, ''), a.summary) as summary,
             c.name as category_name, p.updated_at, p.rank, p.total, p.fallback,
             ts_headline(coalesce(t.search_config, 'english'::regconfig),
               regexp_replace(coalesce(t.summary, a.summary) || ' ' || coalesce(t.body, a.body), '[#*\`>|_~]+|\\]\\([^)]*\\)|[\\[\\]]|[\\u0001-\\u0008]', ' ', 'g'),
               p.query, ${HEADLINE_OPTIONS}) as snippet
      from page p
      join kb_articles a on a.id = p.id
      left join kb_article_translations t on t.id = p.tid
      left join kb_categories c on c.id = a.category_id
      order by p.fallback, p.rank desc, p.updated_at desc, p.id
    `),
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && page > 1) total = await countMatches(reader, query, locale);
  return {
    query,
    total,
    page,
    pageSize,
    hits: rows.map((r) => {
      const hitLocale = Number(r.fallback) ? HELP_DEFAULT_LOCALE : locale;
      return {
        id: r.id,
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        categoryName: r.category_name,
        updatedAt: new Date(r.updated_at).toISOString(),
        rank: Number(r.rank),
        snippetHtml: highlightToHtml(r.snippet),
        locale: hitLocale,
        href: articlePath(r.slug, hitLocale),
      };
    }),
  };
}

export async function countMatches(reader: KbReader, query: string, locale: string = HELP_DEFAULT_LOCALE): Promise<number> {
  if (locale !== HELP_DEFAULT_LOCALE) {
    const [row] = rowsOf<{ n: number | string }>(await db().execute(sql`${await translatedMatches(reader, query, locale)} select count(*) as n from matches`));
    return Number(row?.n ?? 0);
  }
  const [row] = rowsOf<{ n: number | string }>(
    await db().execute(sql`
      select count(*) as n from kb_articles a
      where a.search_vector @@ websearch_to_tsquery('english', ${query})
        and a.status = 'published' and a.visibility = any(${visibilityArray(reader)})
    `),
  );
  return Number(row?.n ?? 0);
}

/** Logs a search run on /help/search (analytics: no-result searches are the articles to write next). */
export async function logSearch(reader: KbReader, query: string, resultCount: number): Promise<void> {
  const normalized = normalizeQuery(query);
  if (!normalized) return;
  await db()
    .insert(kbSearches)
    .values({ query: stripControl(query).slice(0, 200), normalized, resultCount, userId: reader?.id ?? null });
}

export interface Suggestion {
  id: string;
  slug: string;
  title: string;
  summary: string;
  url: string;
}

/**
 * As-you-type suggestions for the ticket form: the words of a subject/description matched with
 * OR semantics (any word may match, the best ranked first). Not logged as searches.
 */
export async function suggestArticles(reader: KbReader, text: string, limit = 5): Promise<Suggestion[]> {
  const words = [
    ...new Set(
      stripControl(text)
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 3),
    ),
  ].slice(0, 24);
  if (!words.length) return [];
  const rows = rowsOf<{ id: string; slug: string; title: string; summary: string }>(
    await db().execute(sql`
      with q as (select websearch_to_tsquery('english', ${words.join(" or ")}) as query)
      select a.id, a.slug, a.title, a.summary
      from kb_articles a, q
      where a.search_vector @@ q.query
        and a.status = 'published' and a.visibility = any(${visibilityArray(reader)})
      order by ts_rank(a.search_vector, q.query) desc, a.view_count desc
      limit ${limit}
    `),
  );
  return rows.map((r) => ({ ...r, url: `/help/articles/${r.slug}` }));
}

// --- "Did you mean" -----------------------------------------------------------------------

const trgmState = globalThis as { __kbTrgm?: { db: unknown; available: Promise<boolean> } };

/** Whether pg_trgm is installed in this database (asked once per database handle). */
export function hasTrigramExtension(): Promise<boolean> {
  const handle = db();
  if (trgmState.__kbTrgm?.db !== handle) {
    trgmState.__kbTrgm = {
      db: handle,
      available: handle
        .execute(sql`select 1 as ok from pg_extension where extname = 'pg_trgm'`)
        .then((r) => rowsOf(r).length > 0)
        .catch(() => false),
    };
  }
  return trgmState.__kbTrgm.available;
}

/**
 * A corrected query for a search that found nothing, built from words of the titles, summaries and tags
 * of articles this reader may see: pg_trgm similarity where the extension exists, the same
 * trigram measure in JavaScript otherwise (PGlite). Only offered when it finds something.
 */
export async function didYouMean(reader: KbReader, rawQuery: string, locale: string = HELP_DEFAULT_LOCALE): Promise<string | null> {
  const query = stripControl(rawQuery).trim().slice(0, 200);
  const words = correctableWords(query).slice(0, 6);
  if (!words.length) return null;
  const vis = visibilityArray(reader);
  const vocabulary = sql`
    select distinct w from (
      select regexp_split_to_table(lower(title || ' ' || summary), '[^[:alnum:]]+') as w from kb_articles
      where status = 'published' and visibility = any(${vis})
      union all
      select lower(unnest(tags)) from kb_articles where status = 'published' and visibility = any(${vis})
      union all
      select regexp_split_to_table(lower(t.title || ' ' || t.summary), '[^[:alnum:]]+') from kb_article_translations t
      join kb_articles a on a.id = t.article_id
      where t.locale = ${locale} and a.status = 'published' and a.visibility = any(${vis})
    ) words where length(w) >= 3`;
  const corrections = new Map<string, string>();
  if (await hasTrigramExtension()) {
    for (const word of words) {
      const [row] = rowsOf<{ w: string; s: number }>(
        await db().execute(sql`
          select w, similarity(w, ${word}) as s from (${vocabulary}) v
          where similarity(w, ${word}) >= ${SIMILARITY_THRESHOLD}
          order by (w = ${word}) desc, s desc, w limit 1`),
      );
      if (row && row.w !== word) corrections.set(word, row.w);
    }
  } else {
    const rows = rowsOf<{ w: string }>(await db().execute(sql`${vocabulary} limit 20000`));
    for (const [k, v] of correctWords(words, rows.map((r) => r.w))) corrections.set(k, v);
  }
  if (!corrections.size) return null;
  const corrected = applyCorrections(query, corrections);
  if (corrected === query) return null;
  return (await countMatches(reader, corrected, locale)) > 0 ? corrected : null;
}
