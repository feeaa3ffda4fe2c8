/**
 * Deflection journal and analytics: suggestions shown beside the ticket form, suggested
 * articles opened, tickets filed anyway; the rule itself is the pure evaluateDeflections().
 */
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { db, rowsOf } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { kbArticles, kbDeflectionEvents, kbSearches, tickets } from "../../../db/schema";
import { DEFLECTION_WINDOW_MS, evaluateDeflections, type DeflectionEvent } from "./deflection";
import { suggestArticles, type Suggestion } from "./search.server";
import type { KbReader } from "./visibility";

export type DeflectionKind = "suggested" | "opened" | "ticket_filed";

/** The same suggestions shown to the same visitor within this window are recorded once. */
const SHOWN_DEDUPE_MS = 10 * 60 * 1000;

export async function recordSuggestionsShown(input: { visitorKey: string; userId: string | null; articleIds: string[]; query: string }): Promise<boolean> {
  if (!input.articleIds.length) return false;
  const ids = [...input.articleIds].sort();
  const since = new Date(now().getTime() - SHOWN_DEDUPE_MS);
  const [same] = await db()
    .select({ id: kbDeflectionEvents.id })
    .from(kbDeflectionEvents)
    .where(
      and(
        eq(kbDeflectionEvents.visitorKey, input.visitorKey),
        eq(kbDeflectionEvents.kind, "suggested"),
        gte(kbDeflectionEvents.at, since),
        sql`${kbDeflectionEvents.articleIds} = ${JSON.stringify(ids)}::jsonb`,
      ),
    )
    .limit(1);
  if (same) return false;
  await db().insert(kbDeflectionEvents).values({ kind: "suggested", visitorKey: input.visitorKey, userId: input.userId, articleIds: ids, query: input.query.slice(0, 500), at: now() });
  return true;
}

export async function recordSuggestionOpened(input: { visitorKey: string; userId: string | null; articleId: string; query?: string }): Promise<void> {
  await db().insert(kbDeflectionEvents).values({ kind: "opened", visitorKey: input.visitorKey, userId: input.userId, articleId: input.articleId, query: (input.query ?? "").slice(0, 500), at: now() });
}

/** Call after a ticket is created from the portal form (it ends an open journey as "filed anyway"). */
export async function recordTicketFiled(input: { userId: string; ticketId?: string | null }): Promise<void> {
  await db().insert(kbDeflectionEvents).values({ kind: "ticket_filed", visitorKey: `u:${input.userId}`, userId: input.userId, ticketId: input.ticketId ?? null, at: now() });
}

/**
 * Deflection figures since `since`. Tickets created by a signed-in visitor count as "filed"
 * even when the form did not call recordTicketFiled (read from the tickets table).
 */
export async function deflectionSummary(since: Date) {
  const at = now();
  const events = await db()
    .select({ kind: kbDeflectionEvents.kind, visitorKey: kbDeflectionEvents.visitorKey, at: kbDeflectionEvents.at, articleId: kbDeflectionEvents.articleId, userId: kbDeflectionEvents.userId })
    .from(kbDeflectionEvents)
    .where(gte(kbDeflectionEvents.at, since));
  const userIds = [...new Set(events.filter((e) => e.kind === "opened" && e.userId).map((e) => e.userId!))];
  const filed: DeflectionEvent[] = [];
  if (userIds.length) {
    const rows = await db()
      .select({ requesterId: tickets.requesterId, createdAt: tickets.createdAt })
      .from(tickets)
      .where(and(inArray(tickets.requesterId, userIds), gte(tickets.createdAt, since)));
    for (const r of rows) filed.push({ kind: "ticket_filed", visitorKey: `u:${r.requesterId}`, at: r.createdAt });
  }
  const all: DeflectionEvent[] = [...events.map((e) => ({ kind: e.kind, visitorKey: e.visitorKey, at: e.at, articleId: e.articleId })), ...filed];
  const summary = evaluateDeflections(all, at, DEFLECTION_WINDOW_MS);
  const shown = events.filter((e) => e.kind === "suggested").length;
  const opened = events.filter((e) => e.kind === "opened").length;
  return { shown, opened, deflected: summary.deflected, filedAnyway: summary.filedAnyway, pending: summary.pending };
}

/** The /desk/kb analytics: views, helpful %, deflections and the top searches that found nothing. */
export async function kbAnalytics(options: { days?: number } = {}) {
  const days = options.days ?? 30;
  const since = new Date(now().getTime() - days * 86_400_000);
  const [totals] = rowsOf<{ views: string | number; helpful: string | number; not_helpful: string | number; published: string | number }>(
    await db().execute(sql`
      select coalesce(sum(view_count), 0) as views, coalesce(sum(helpful_count), 0) as helpful,
             coalesce(sum(not_helpful_count), 0) as not_helpful,
             count(*) filter (where status = 'published') as published
      from kb_articles`),
  );
  const helpful = Number(totals?.helpful ?? 0);
  const notHelpful = Number(totals?.not_helpful ?? 0);
  const noResults = await db()
    .select({ query: sql<string>`min(${kbSearches.query})`, normalized: kbSearches.normalized, searches: sql<number>`count(*)::int`, lastAt: sql<Date>`max(${kbSearches.createdAt})` })
    .from(kbSearches)
    .where(and(eq(kbSearches.resultCount, 0), gte(kbSearches.createdAt, since)))
    .groupBy(kbSearches.normalized)
    .orderBy(desc(sql`count(*)`), desc(sql`max(${kbSearches.createdAt})`))
    .limit(15);
  const [searchTotals] = await db()
    .select({ searches: sql<number>`count(*)::int`, empty: sql<number>`(count(*) filter (where ${kbSearches.resultCount} = 0))::int` })
    .from(kbSearches)
    .where(gte(kbSearches.createdAt, since));
  const topArticles = await db()
    .select({ id: kbArticles.id, slug: kbArticles.slug, title: kbArticles.title, views: kbArticles.viewCount, helpful: kbArticles.helpfulCount, notHelpful: kbArticles.notHelpfulCount })
    .from(kbArticles)
    .orderBy(desc(kbArticles.viewCount))
    .limit(10);
  const deflection = await deflectionSummary(since);
  return {
    days,
    views: Number(totals?.views ?? 0),
    published: Number(totals?.published ?? 0),
    votes: helpful + notHelpful,
    helpfulPercent: helpful + notHelpful ? Math.round((helpful / (helpful + notHelpful)) * 100) : null,
    searches: searchTotals?.searches ?? 0,
    emptySearches: searchTotals?.empty ?? 0,
    noResults: noResults.map((r) => ({ query: r.query, searches: Number(r.searches), lastAt: new Date(r.lastAt).toISOString() })),
    topArticles: topArticles.map((a) => ({ ...a, helpfulPercent: a.helpful + a.notHelpful ? Math.round((a.helpful / (a.helpful + a.notHelpful)) * 100) : null })),
    deflection,
  };
}

/**
 * The no-JavaScript "check these first" step of the ticket form. Call it in the form's action
 * before creating the ticket: it answers the suggestions to show (and records them as shown),
 * or null to go ahead and file — when nothing matches, or when the reader already saw them
 * (the form sent `kbSuggestionsSeen=1`, which <ArticleSuggestions /> adds once JavaScript runs,
 * or `kbCheckedFirst=1`, the hidden field of the "File the ticket anyway" button).
 */
export async function checkFirstSuggestions(
  reader: NonNullable<KbReader>,
  input: { subject: string; description: string; form?: FormData },
): Promise<Suggestion[] | null> {
  const seen = input.form && (input.form.get("kbSuggestionsSeen") === "1" || input.form.get("kbCheckedFirst") === "1");
  if (seen) return null;
  const text = `${input.subject} ${input.description}`;
  const suggestions = await suggestArticles(reader, text, 5);
  if (!suggestions.length) return null;
  await recordSuggestionsShown({ visitorKey: `u:${reader.id}`, userId: reader.id, articleIds: suggestions.map((s) => s.id), query: text });
  return suggestions;
}
