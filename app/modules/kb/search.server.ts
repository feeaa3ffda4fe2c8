/**
 * Help-center search: websearch_to_tsquery over the stored, weighted tsvector (GIN index),
 * ordered by ts_rank, with ts_headline snippets whose highlights are rendered safely. Every
 * query is limited to what the reader may see. A word in more than SEARCH_RESULT_CAP readable
 * articles ranks a bounded candidate set (title matches first) and reports "1,000+".
 */
import { sql, type SQL } from "drizzle-orm";
import { compiledStatement } from "../../../db/client";
import { db, rowsOf } from "~/lib/db.server";
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
  /** The number of matches, at most SEARCH_RESULT_CAP. */
  total: number;
  /** More than SEARCH_RESULT_CAP articles match: show "1,000+", page through the first CAP. */
  totalIsCapped: boolean;
  hits: SearchHit[];
  page: number;
  pageSize: number;
}

const HEADLINE_OPTIONS = `StartSel="${HIGHLIGHT_START}", StopSel="${HIGHLIGHT_STOP}", MaxWords=32, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;

function visibilityArray(reader: KbReader) {
  return sql`array[${sql.join(readableVisibilities(reader).map((v) => sql`${v}`), sql`, `)}]::kb_visibility[]`;
}

/** The same array as placeholders v0, v1, … (a compiled statement's shape: how many there are). */
function visibilityPlaceholders(count: number) {
  return sql`array[${sql.join(Array.from({ length: count }, (_, i) => sql.placeholder(`v${i}`)), sql`, `)}]::kb_visibility[]`;
}

/**
 * The most results a search reports and pages through (100 pages of 10, the pager's limit). A
 * search matching more reports "1,000+" and ranks a bounded candidate set instead of every match:
 * the CAP most recently updated articles whose title matches, and — only while those are fewer
 * than CAP — the CAP most recently updated matches of any kind. A term found in half of 50,000
 * articles then costs a walk down two indexes instead of ranking 25,000 vectors. Up to CAP matches
 * (nearly every real search) every match is ranked, exactly as before.
 */
export const SEARCH_RESULT_CAP = 1000;

/** Where one kind of hit comes from: the articles themselves, or their translations in a locale. */
interface MatchSource {
  /** 0 for hits in the reader's language, 1 for default-language fallbacks (listed after). */
  fallback: 0 | 1;
  /** The query, inline (not a CTE) so that the planner estimates how common its words are. */
  query: SQL;
  /** Rows to search; `a` is always kb_articles (status and visibility are the article's). */
  from: SQL;
  vector: SQL;
  titleVector: SQL;
  updatedAt: SQL;
  /** The walk's tie-breaker after updated_at (the recency index's second column). */
  tieBreak: SQL;
  /** The translation's id, or null for an article hit. */
  tid: SQL;
  /** Conditions besides the reader's visibility and the query. */
  where: SQL;
}

// The sources are written with placeholders — q (the query), locale, config (the locale's text
// search configuration) — so that a search statement is built once per shape (pageStatement).
function articleSource(fallback: boolean): MatchSource {
  return {
    fallback: fallback ? 1 : 0,
    query: sql`websearch_to_tsquery('english', ${sql.placeholder("q")})`,
    from: sql`kb_articles a`,
    vector: sql`a.search_vector`,
    titleVector: sql`a.title_vector`,
    updatedAt: sql`a.updated_at`,
    tieBreak: sql`a.id`,
    tid: sql`null::uuid`,
    where: fallback
      ? sql`not exists (select 1 from kb_article_translations x where x.article_id = a.id and x.locale = ${sql.placeholder("locale")})`
      : sql`true`,
  };
}

function translationSource(): MatchSource {
  return {
    fallback: 0,
    query: sql`websearch_to_tsquery(${sql.placeholder("config")}::regconfig, ${sql.placeholder("q")})`,
    from: sql`kb_article_translations t join kb_articles a on a.id = t.article_id`,
    vector: sql`t.search_vector`,
    titleVector: sql`t.title_vector`,
    updatedAt: sql`t.updated_at`,
    tieBreak: sql`t.id`,
    tid: sql`t.id`,
    where: sql`t.locale = ${sql.placeholder("locale")}`,
  };
}

/**
 * The candidates of one source (CTEs named s<i>_titled, s<i>_recent, s<i>, s<i>_total): title
 * matches newest first, then (only when fewer than CAP) matches of any kind newest first, each
 * ranked as it is read; s<i>_total is the number of matches, or CAP + 1 when there are more.
 * The planner walks the recency index for a common word and reads the GIN index for a rare one.
 */
function sourceCandidates(source: MatchSource, i: number, vis: SQL): SQL {
  const n = sql.raw(`s${i}`);
  // Literals, not parameters: the planner needs the limit to cost the index walk against the GIN index.
  const cap = sql.raw(String(SEARCH_RESULT_CAP));
  const capPlusOne = sql.raw(String(SEARCH_RESULT_CAP + 1));
  const titled = sql.raw(`s${i}_titled`);
  const recent = sql.raw(`s${i}_recent`);
  const columns = sql`a.id, ${source.tid} as tid, ${source.updatedAt} as updated_at, ts_rank(${source.vector}, ${source.query}) as rank`;
  const readable = sql`a.status = 'published' and a.visibility = any(${vis}) and ${source.where}`;
  // "nulls last" as in the recency indexes (drizzle's .desc()); updated_at is never null anyway.
  const order = sql`order by ${source.updatedAt} desc nulls last, ${source.tieBreak}`;
  return sql`
    ${titled} as (
      select ${columns} from ${source.from}
      where ${source.titleVector} @@ ${source.query} and ${source.vector} @@ ${source.query} and ${readable}
      ${order} limit ${capPlusOne}
    ),
    ${recent} as (
      select ${columns} from ${source.from}
      where ${source.vector} @@ ${source.query} and ${readable}
      ${order} limit ${capPlusOne}
    ),
    ${n} as (
      select * from ${titled}
      union
      select * from ${recent} where (select count(*) from ${titled}) <= ${cap}
    ),
    ${sql.raw(`s${i}_total`)} as (
      select case when (select count(*) from ${titled}) > ${cap} then ${capPlusOne}
             else (select count(*) from ${recent}) end as n
    )`;
}

interface PageRow {
  id: string | null;
  slug: string;
  title: string;
  summary: string;
  category_name: string | null;
  updated_at: string | Date;
  rank: number;
  snippet: string;
  fallback: number;
  total: number | string;
}

/**
 * One page of ranked hits from the given sources, in one statement: candidates, their order
 * (hits in the reader's language first, then by rank, newest, id), the page, its snippets, and
 * the capped total — on a row of its own when the page is past the end. Placeholders: those of
 * the sources, v0… (the readable visibilities), limit and offset.
 */
function pageStatement(sources: MatchSource[], visibilities: number): SQL {
  const vis = visibilityPlaceholders(visibilities);
  return sql`
      with ${sql.join(
        sources.map((s, i) => sourceCandidates(s, i, vis)),
        sql`,`,
      )},
      page as (
        select * from (${sql.join(
          sources.map((s, i) => sql`select ${sql.raw(String(s.fallback))} as fallback, * from ${sql.raw(`s${i}`)}`),
          sql` union all `,
        )}) candidates
        order by fallback, rank desc, updated_at desc, id
        limit ${sql.placeholder("limit")} offset ${sql.placeholder("offset")}
      ),
      totals as (select ${sql.join(
        sources.map((_, i) => sql`(select n from ${sql.raw(`s${i}_total`)})`),
        sql` + `,
      )} as total)
      select totals.total, hit.* from totals left join (
        select p.id, p.fallback, p.rank, p.updated_at, c.name as category_name,
               coalesce(t.slug, a.slug) as slug, coalesce(t.title, a.title) as title,
               coalesce(nullif(t.summary, ''), a.summary) as summary,
               ts_headline(coalesce(t.search_config, 'english'::regconfig),
                 regexp_replace(coalesce(t.summary, a.summary) || ' ' || coalesce(t.body, a.body), '[#*\`>|_~]+|\\]\\([^)]*\\)|[\\[\\]]|[\\u0001-\\u0008]', ' ', 'g'),
                 case p.fallback ${sql.join(
                   sources.map((s) => sql`when ${sql.raw(String(s.fallback))} then ${s.query}`),
                   sql` `,
                 )} end, ${HEADLINE_OPTIONS}) as snippet
        from page p
        join kb_articles a on a.id = p.id
        left join kb_article_translations t on t.id = p.tid
        left join kb_categories c on c.id = a.category_id
      ) hit on true
      order by hit.fallback, hit.rank desc, hit.updated_at desc, hit.id
    `;
}

/**
 * The search statement of each shape — the default language or a translation locale, and how many
 * visibilities the reader may read — built once and run with the search's values (Drizzle's
 * building of this long statement was most of a search's JavaScript: compiledStatement).
 */
const pageStatements = new Map<string, (database: ReturnType<typeof db>, values: Record<string, unknown>) => Promise<PageRow[]>>();

function runPage(translated: boolean, visibilities: number, values: Record<string, unknown>): Promise<PageRow[]> {
  const key = `${translated ? "translation" : "default"}:${visibilities}`;
  let run = pageStatements.get(key);
  if (!run) {
    run = compiledStatement<PageRow>(() => pageStatement(translated ? [translationSource(), articleSource(true)] : [articleSource(false)], visibilities));
    pageStatements.set(key, run);
  }
  return run(db(), values);
}

async function rankedPage(reader: KbReader, query: string, locale: string, page: number, pageSize: number): Promise<SearchResult> {
  const visibilities = readableVisibilities(reader);
  const offset = (page - 1) * pageSize;
  const limit = Math.max(0, Math.min(pageSize, SEARCH_RESULT_CAP - offset));
  const translated = locale !== HELP_DEFAULT_LOCALE;
  const values: Record<string, unknown> = { q: query, limit, offset };
  visibilities.forEach((v, i) => (values[`v${i}`] = v));
  if (translated) {
    values.locale = locale;
    values.config = await searchConfigFor(locale);
  }
  const rows = await runPage(translated, visibilities.length, values);
  const count = Number(rows[0]?.total ?? 0);
  return {
    query,
    total: Math.min(count, SEARCH_RESULT_CAP),
    totalIsCapped: count > SEARCH_RESULT_CAP,
    page,
    pageSize,
    hits: rows
      .filter((r): r is PageRow & { id: string } => r.id !== null)
      .map((r) => {
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

/**
 * Runs a search for this reader. Page numbers start at 1. In a translation locale, the
 * translations in that locale come first (their own tsvector and the language's configuration),
 * then default-language articles without a translation in it; both limited to readable articles.
 */
export async function searchArticles(reader: KbReader, rawQuery: string, options: { page?: number; pageSize?: number; locale?: string } = {}): Promise<SearchResult> {
  const query = stripControl(rawQuery).trim().slice(0, 200);
  const pageSize = options.pageSize ?? 10;
  const page = Math.max(1, options.page ?? 1);
  const locale = options.locale ?? HELP_DEFAULT_LOCALE;
  if (!query) return { query, total: 0, totalIsCapped: false, hits: [], page, pageSize };
  return rankedPage(reader, query, locale, page, pageSize);
}

/**
 * How many articles this reader would find, counting at most `upTo` (a "did you mean" only asks
 * whether there is one: counting every match of a common word is what the cap avoids). In a
 * translation locale: the translations in it plus the untranslated default-language articles.
 */
export async function countMatches(reader: KbReader, query: string, locale: string = HELP_DEFAULT_LOCALE, upTo = Number.MAX_SAFE_INTEGER): Promise<number> {
  const vis = visibilityArray(reader);
  const articles = sql`
    select a.id from kb_articles a
    where a.search_vector @@ websearch_to_tsquery('english', ${query})
      and a.status = 'published' and a.visibility = any(${vis})`;
  const matches =
    locale === HELP_DEFAULT_LOCALE
      ? articles
      : sql`
        select a.id from kb_article_translations t join kb_articles a on a.id = t.article_id
        where t.locale = ${locale} and t.search_vector @@ websearch_to_tsquery(${await searchConfigFor(locale)}::regconfig, ${query})
          and a.status = 'published' and a.visibility = any(${vis})
        union all
        ${articles} and not exists (select 1 from kb_article_translations x where x.article_id = a.id and x.locale = ${locale})`;
  const [row] = rowsOf<{ n: number | string }>(await db().execute(sql`select count(*) as n from (${matches} limit ${upTo}) m`));
  return Number(row?.n ?? 0);
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
  return (await countMatches(reader, corrected, locale, 1)) > 0 ? corrected : null;
}
