/**
 * Help-center articles and categories: what readers see (always filtered by visibility) and
 * what authors change (revisions, slug redirects, restore), each change in one transaction.
 */
import { and, asc, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { kbArticles, kbCategories, kbFeedback, kbRevisions, kbSlugRedirects, ticketMessages, tickets, users } from "../../../db/schema";
import { readableVisibilities, type KbReader, type KbStatus, type KbVisibility } from "./visibility";
import { isValidSlug, slugify } from "./slug";

export class KbError extends Error {
  constructor(
    message: string,
    public status = 400,
    public field?: string,
  ) {
    super(message);
  }
}

/** The published articles this reader may see (the one filter every reader-facing query uses). */
export function readableBy(reader: KbReader) {
  return and(eq(kbArticles.status, "published"), inArray(kbArticles.visibility, readableVisibilities(reader)));
}

const listColumns = {
  id: kbArticles.id,
  slug: kbArticles.slug,
  title: kbArticles.title,
  summary: kbArticles.summary,
  updatedAt: kbArticles.updatedAt,
  visibility: kbArticles.visibility,
  viewCount: kbArticles.viewCount,
};

export type ArticleListItem = { id: string; slug: string; title: string; summary: string; updatedAt: Date; visibility: KbVisibility; viewCount: number };

export interface CategoryWithCount {
  id: string;
  slug: string;
  name: string;
  description: string;
  parentId: string | null;
  position: number;
  /** Readable articles in this category and its subcategories. */
  articleCount: number;
  children: CategoryWithCount[];
}

/** Categories in order, children nested under parents, with counts of articles this reader may see. */
export async function categoriesWithCounts(reader: KbReader, executor: Executor = db()): Promise<CategoryWithCount[]> {
  const [cats, counts] = await Promise.all([
    executor.select().from(kbCategories).orderBy(asc(kbCategories.position), asc(kbCategories.name)),
    executor
      .select({ categoryId: kbArticles.categoryId, n: count() })
      .from(kbArticles)
      .where(readableBy(reader))
      .groupBy(kbArticles.categoryId),
  ]);
  const own = new Map(counts.map((c) => [c.categoryId, Number(c.n)]));
  const nodes = new Map<string, CategoryWithCount>(
    cats.map((c) => [c.id, { id: c.id, slug: c.slug, name: c.name, description: c.description, parentId: c.parentId, position: c.position, articleCount: own.get(c.id) ?? 0, children: [] }]),
  );
  const roots: CategoryWithCount[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent && !parent.parentId) parent.children.push(node);
    else roots.push(node);
  }
  for (const root of roots) root.articleCount += root.children.reduce((s, c) => s + c.articleCount, 0);
  return roots;
}

export async function popularArticles(reader: KbReader, limit = 6): Promise<ArticleListItem[]> {
  return db().select(listColumns).from(kbArticles).where(readableBy(reader)).orderBy(desc(kbArticles.viewCount), asc(kbArticles.title)).limit(limit);
}

export async function recentArticles(reader: KbReader, limit = 6): Promise<ArticleListItem[]> {
  return db().select(listColumns).from(kbArticles).where(readableBy(reader)).orderBy(desc(kbArticles.updatedAt)).limit(limit);
}

export async function countReadableArticles(reader: KbReader): Promise<number> {
  const [row] = await db().select({ n: count() }).from(kbArticles).where(readableBy(reader));
  return Number(row?.n ?? 0);
}

export async function categoryPage(reader: KbReader, slug: string) {
  const [category] = await db().select().from(kbCategories).where(eq(kbCategories.slug, slug));
  if (!category) return null;
  const children = await db().select().from(kbCategories).where(eq(kbCategories.parentId, category.id)).orderBy(asc(kbCategories.position), asc(kbCategories.name));
  const ids = [category.id, ...children.map((c) => c.id)];
  const articles = await db()
    .select({ ...listColumns, categoryId: kbArticles.categoryId })
    .from(kbArticles)
    .where(and(readableBy(reader), inArray(kbArticles.categoryId, ids)))
    .orderBy(asc(kbArticles.position), asc(kbArticles.title));
  const parent = category.parentId ? ((await db().select().from(kbCategories).where(eq(kbCategories.id, category.parentId)))[0] ?? null) : null;
  return { category, parent, children, articles };
}

export type ReaderArticle = Awaited<ReturnType<typeof loadArticle>>;

async function loadArticle(where: ReturnType<typeof and>) {
  const [row] = await db()
    .select({
      id: kbArticles.id,
      slug: kbArticles.slug,
      title: kbArticles.title,
      summary: kbArticles.summary,
      body: kbArticles.body,
      status: kbArticles.status,
      visibility: kbArticles.visibility,
      tags: kbArticles.tags,
      isFaq: kbArticles.isFaq,
      categoryId: kbArticles.categoryId,
      updatedAt: kbArticles.updatedAt,
      helpfulCount: kbArticles.helpfulCount,
      notHelpfulCount: kbArticles.notHelpfulCount,
      categoryName: kbCategories.name,
      categorySlug: kbCategories.slug,
    })
    .from(kbArticles)
    .leftJoin(kbCategories, eq(kbCategories.id, kbArticles.categoryId))
    .where(where);
  return row ?? null;
}

/**
 * An article by slug for this reader: `{ article }`, `{ redirectTo }` for an old slug of a
 * readable article, or null (missing and not readable look the same).
 */
export async function findArticleForReader(reader: KbReader, slug: string): Promise<{ article: NonNullable<ReaderArticle> } | { redirectTo: string } | null> {
  if (!isValidSlug(slug)) return null;
  const article = await loadArticle(and(eq(kbArticles.slug, slug), readableBy(reader)));
  if (article) return { article };
  const [moved] = await db()
    .select({ slug: kbArticles.slug })
    .from(kbSlugRedirects)
    .innerJoin(kbArticles, eq(kbArticles.id, kbSlugRedirects.articleId))
    .where(and(eq(kbSlugRedirects.slug, slug), readableBy(reader)));
  return moved ? { redirectTo: moved.slug } : null;
}

/** A readable article by id (the translation pages load their article this way). */
export async function findArticleByIdForReader(reader: KbReader, id: string): Promise<NonNullable<ReaderArticle> | null> {
  return loadArticle(and(eq(kbArticles.id, id), readableBy(reader)));
}

export async function recordView(articleId: string): Promise<void> {
  await db()
    .update(kbArticles)
    .set({ viewCount: sql`${kbArticles.viewCount} + 1` })
    .where(eq(kbArticles.id, articleId));
}

/** Same category first, then shared tags; only what the reader may see. */
export async function relatedArticles(reader: KbReader, article: { id: string; categoryId: string | null; tags: string[] }, limit = 5): Promise<ArticleListItem[]> {
  const tags = sql`array[${sql.join((article.tags.length ? article.tags : [""]).map((t) => sql`${t}`), sql`, `)}]::text[]`;
  return db()
    .select(listColumns)
    .from(kbArticles)
    .where(and(readableBy(reader), ne(kbArticles.id, article.id), sql`(${article.categoryId ? sql`${kbArticles.categoryId} = ${article.categoryId}` : sql`false`} or ${kbArticles.tags} && ${tags})`))
    .orderBy(
      desc(sql`(${article.categoryId ? sql`${kbArticles.categoryId} = ${article.categoryId}` : sql`false`})::int + cardinality(array(select unnest(${kbArticles.tags}) intersect select unnest(${tags})))`),
      desc(kbArticles.viewCount),
    )
    .limit(limit);
}

/** FAQ entries the reader may see, grouped by category in category order. */
export async function faqForReader(reader: KbReader) {
  const rows = await db()
    .select({
      id: kbArticles.id,
      slug: kbArticles.slug,
      title: kbArticles.title,
      body: kbArticles.body,
      categoryId: kbArticles.categoryId,
      categoryName: kbCategories.name,
      categorySlug: kbCategories.slug,
      categoryPosition: kbCategories.position,
    })
    .from(kbArticles)
    .leftJoin(kbCategories, eq(kbCategories.id, kbArticles.categoryId))
    .where(and(readableBy(reader), eq(kbArticles.isFaq, true)))
    .orderBy(sql`${kbCategories.position} nulls last`, asc(kbCategories.name), asc(kbArticles.position), asc(kbArticles.title));
  const groups: { categoryName: string; categorySlug: string | null; entries: typeof rows }[] = [];
  for (const row of rows) {
    const name = row.categoryName ?? "General";
    let group = groups.find((g) => g.categoryName === name);
    if (!group) groups.push((group = { categoryName: name, categorySlug: row.categorySlug, entries: [] }));
    group.entries.push(row);
  }
  return groups;
}

/** Public, published articles for /sitemap.xml (signed-out visibility, nothing else). */
export async function sitemapArticles() {
  return db()
    .select({ id: kbArticles.id, slug: kbArticles.slug, updatedAt: kbArticles.updatedAt })
    .from(kbArticles)
    .where(readableBy(null))
    .orderBy(asc(kbArticles.slug));
}

// ---------------------------------------------------------------------------------------
// Authoring (agents and admins; routes check manage:kb)

export interface ArticleInput {
  title: string;
  slug?: string | null;
  summary: string;
  body: string;
  categoryId: string | null;
  tags: string[];
  status: KbStatus;
  visibility: KbVisibility;
  isFaq: boolean;
  position?: number;
  note?: string;
}

async function slugTaken(executor: Executor, slug: string, exceptArticleId?: string): Promise<boolean> {
  const [a] = await executor
    .select({ id: kbArticles.id })
    .from(kbArticles)
    .where(exceptArticleId ? and(eq(kbArticles.slug, slug), ne(kbArticles.id, exceptArticleId)) : eq(kbArticles.slug, slug));
  if (a) return true;
  const [r] = await executor
    .select({ articleId: kbSlugRedirects.articleId })
    .from(kbSlugRedirects)
    .where(exceptArticleId ? and(eq(kbSlugRedirects.slug, slug), ne(kbSlugRedirects.articleId, exceptArticleId)) : eq(kbSlugRedirects.slug, slug));
  return !!r;
}

async function uniqueSlug(executor: Executor, base: string): Promise<string> {
  for (let n = 1; n < 500; n++) {
    const candidate = n === 1 ? base : `${base.slice(0, 75)}-${n}`;
    if (!(await slugTaken(executor, candidate))) return candidate;
  }
  throw new KbError("Could not find a free address for this article; give it a slug.", 400, "slug");
}

async function assertCategory(executor: Executor, categoryId: string | null) {
  if (!categoryId) return;
  const [c] = await executor.select({ id: kbCategories.id }).from(kbCategories).where(eq(kbCategories.id, categoryId));
  if (!c) throw new KbError("Choose an existing category.", 400, "categoryId");
}

export async function createArticle(actor: { id: string }, input: ArticleInput, executor: Executor = db()) {
  const run = async (tx: Executor) => {
    await assertCategory(tx, input.categoryId);
    let slug: string;
    if (input.slug) {
      if (!isValidSlug(input.slug)) throw new KbError("Use lower-case letters, digits and hyphens.", 400, "slug");
      if (await slugTaken(tx, input.slug)) throw new KbError("Another article already uses this address.", 409, "slug");
      slug = input.slug;
    } else {
      slug = await uniqueSlug(tx, slugify(input.title));
    }
    const at = now();
    const [article] = await tx
      .insert(kbArticles)
      .values({
        slug,
        title: input.title,
        summary: input.summary,
        body: input.body,
        categoryId: input.categoryId,
        tags: input.tags,
        status: input.status,
        visibility: input.visibility,
        isFaq: input.isFaq,
        position: input.position ?? 0,
        authorId: actor.id,
        updatedById: actor.id,
        createdAt: at,
        updatedAt: at,
        publishedAt: input.status === "published" ? at : null,
        revision: 1,
      })
      .returning();
    await tx.insert(kbRevisions).values({ articleId: article!.id, number: 1, title: input.title, summary: input.summary, body: input.body, authorId: actor.id, note: input.note || "Created", createdAt: at });
    return article!;
  };
  return executor === db() ? db().transaction((tx) => run(tx)) : run(executor);
}

/**
 * Saves an edit as a new revision. `expectedRevision` is the revision the author started from:
 * a save based on an older one is refused (409). A changed slug keeps the old one redirecting.
 */
export async function updateArticle(actor: { id: string }, articleId: string, input: ArticleInput & { expectedRevision: number }) {
  return db().transaction(async (tx) => {
    const [current] = await tx.select().from(kbArticles).where(eq(kbArticles.id, articleId)).for("update");
    if (!current) throw new KbError("That article does not exist.", 404);
    if (current.revision !== input.expectedRevision) {
      throw new KbError("Someone else saved this article while you were editing. Reload to see their version, then apply your change again.", 409);
    }
    await assertCategory(tx, input.categoryId);
    const slug = input.slug?.trim() || current.slug;
    if (slug !== current.slug) {
      if (!isValidSlug(slug)) throw new KbError("Use lower-case letters, digits and hyphens.", 400, "slug");
      if (await slugTaken(tx, slug, articleId)) throw new KbError("Another article already uses this address.", 409, "slug");
      await tx.delete(kbSlugRedirects).where(eq(kbSlugRedirects.slug, slug));
      await tx.insert(kbSlugRedirects).values({ slug: current.slug, articleId }).onConflictDoNothing();
    }
    const at = now();
    const contentChanged = current.title !== input.title || current.body !== input.body || current.summary !== input.summary;
    const revision = contentChanged ? current.revision + 1 : current.revision;
    const [article] = await tx
      .update(kbArticles)
      .set({
        slug,
        title: input.title,
        summary: input.summary,
        body: input.body,
        categoryId: input.categoryId,
        tags: input.tags,
        status: input.status,
        visibility: input.visibility,
        isFaq: input.isFaq,
        position: input.position ?? current.position,
        updatedById: actor.id,
        updatedAt: at,
        publishedAt: input.status === "published" ? (current.publishedAt ?? at) : current.publishedAt,
        revision,
      })
      .where(eq(kbArticles.id, articleId))
      .returning();
    if (contentChanged) {
      await tx.insert(kbRevisions).values({ articleId, number: revision, title: input.title, summary: input.summary, body: input.body, authorId: actor.id, note: input.note ?? "", createdAt: at });
    }
    return article!;
  });
}

/** Restoring a revision writes its content as a new revision (history is never rewritten). */
export async function restoreRevision(actor: { id: string }, articleId: string, number: number) {
  return db().transaction(async (tx) => {
    const [current] = await tx.select().from(kbArticles).where(eq(kbArticles.id, articleId)).for("update");
    if (!current) throw new KbError("That article does not exist.", 404);
    const [rev] = await tx.select().from(kbRevisions).where(and(eq(kbRevisions.articleId, articleId), eq(kbRevisions.number, number)));
    if (!rev) throw new KbError("That revision does not exist.", 404);
    const at = now();
    const next = current.revision + 1;
    await tx
      .update(kbArticles)
      .set({ title: rev.title, summary: rev.summary, body: rev.body, revision: next, updatedAt: at, updatedById: actor.id })
      .where(eq(kbArticles.id, articleId));
    await tx.insert(kbRevisions).values({ articleId, number: next, title: rev.title, summary: rev.summary, body: rev.body, authorId: actor.id, note: `Restored revision ${number}`, createdAt: at });
    return { revision: next };
  });
}

export async function articleForEdit(articleId: string) {
  const [article] = await db().select().from(kbArticles).where(eq(kbArticles.id, articleId));
  if (!article) return null;
  const redirects = await db().select({ slug: kbSlugRedirects.slug }).from(kbSlugRedirects).where(eq(kbSlugRedirects.articleId, articleId)).orderBy(asc(kbSlugRedirects.slug));
  return { ...article, redirects: redirects.map((r) => r.slug) };
}

export async function listRevisions(articleId: string) {
  return db()
    .select({ number: kbRevisions.number, title: kbRevisions.title, note: kbRevisions.note, createdAt: kbRevisions.createdAt, authorName: users.name })
    .from(kbRevisions)
    .leftJoin(users, eq(users.id, kbRevisions.authorId))
    .where(eq(kbRevisions.articleId, articleId))
    .orderBy(desc(kbRevisions.number));
}

export async function getRevision(articleId: string, number: number) {
  const [rev] = await db()
    .select({ number: kbRevisions.number, title: kbRevisions.title, summary: kbRevisions.summary, body: kbRevisions.body, note: kbRevisions.note, createdAt: kbRevisions.createdAt, authorName: users.name })
    .from(kbRevisions)
    .leftJoin(users, eq(users.id, kbRevisions.authorId))
    .where(and(eq(kbRevisions.articleId, articleId), eq(kbRevisions.number, number)));
  return rev ?? null;
}

export async function listArticlesForDesk(filters: { status?: KbStatus | "all"; q?: string }) {
  const conditions = [];
  if (filters.status && filters.status !== "all") conditions.push(eq(kbArticles.status, filters.status));
  if (filters.q) conditions.push(sql`(${kbArticles.title} ilike ${"%" + filters.q.replace(/[\\%_]/g, "\\$&") + "%"} or ${kbArticles.slug} ilike ${"%" + filters.q.replace(/[\\%_]/g, "\\$&") + "%"})`);
  return db()
    .select({
      id: kbArticles.id,
      slug: kbArticles.slug,
      title: kbArticles.title,
      status: kbArticles.status,
      visibility: kbArticles.visibility,
      isFaq: kbArticles.isFaq,
      updatedAt: kbArticles.updatedAt,
      viewCount: kbArticles.viewCount,
      helpfulCount: kbArticles.helpfulCount,
      notHelpfulCount: kbArticles.notHelpfulCount,
      categoryName: kbCategories.name,
    })
    .from(kbArticles)
    .leftJoin(kbCategories, eq(kbCategories.id, kbArticles.categoryId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(kbArticles.updatedAt))
    .limit(500);
}

export async function allCategories() {
  return db().select().from(kbCategories).orderBy(asc(kbCategories.position), asc(kbCategories.name));
}

export interface CategoryInput {
  name: string;
  slug?: string | null;
  description: string;
  parentId: string | null;
  position: number;
}

export async function saveCategory(input: CategoryInput & { id?: string }, executor: Executor = db()) {
  const slug = input.slug?.trim() || slugify(input.name);
  if (!isValidSlug(slug)) throw new KbError("Use lower-case letters, digits and hyphens.", 400, "slug");
  if (input.parentId) {
    if (input.parentId === input.id) throw new KbError("A category cannot be its own parent.", 400, "parentId");
    const [parent] = await executor.select().from(kbCategories).where(eq(kbCategories.id, input.parentId));
    if (!parent) throw new KbError("Choose an existing parent category.", 400, "parentId");
    if (parent.parentId) throw new KbError("Categories nest one level deep: choose a top-level parent.", 400, "parentId");
    if (input.id) {
      const [child] = await executor.select({ id: kbCategories.id }).from(kbCategories).where(eq(kbCategories.parentId, input.id)).limit(1);
      if (child) throw new KbError("This category has subcategories, so it must stay at the top level.", 400, "parentId");
    }
  }
  const [clash] = await executor.select({ id: kbCategories.id }).from(kbCategories).where(eq(kbCategories.slug, slug));
  if (clash && clash.id !== input.id) throw new KbError("Another category already uses this slug.", 409, "slug");
  const values = { name: input.name, slug, description: input.description, parentId: input.parentId, position: input.position };
  if (input.id) {
    const [row] = await executor.update(kbCategories).set(values).where(eq(kbCategories.id, input.id)).returning();
    if (!row) throw new KbError("That category does not exist.", 404);
    return row;
  }
  const [row] = await executor.insert(kbCategories).values(values).returning();
  return row!;
}

export async function deleteCategory(id: string) {
  await db().delete(kbCategories).where(eq(kbCategories.id, id));
}

export async function feedbackComments(articleId: string, limit = 20) {
  return db()
    .select({ helpful: kbFeedback.helpful, comment: kbFeedback.comment, updatedAt: kbFeedback.updatedAt })
    .from(kbFeedback)
    .where(and(eq(kbFeedback.articleId, articleId), sql`${kbFeedback.comment} is not null and ${kbFeedback.comment} <> ''`))
    .orderBy(desc(kbFeedback.updatedAt))
    .limit(limit);
}

/**
 * "Turn a good reply into an article": the prefill of /desk/kb/new?fromMessage=<id> — the
 * ticket's subject as the title and the public reply as the body (never an internal note).
 */
export async function draftFromTicketMessage(messageId: string): Promise<{ title: string; body: string } | null> {
  const [row] = await db()
    .select({ subject: tickets.subject, body: ticketMessages.body, visibility: ticketMessages.visibility })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(eq(ticketMessages.id, messageId));
  if (!row || row.visibility !== "public") return null;
  return { title: row.subject, body: row.body };
}
