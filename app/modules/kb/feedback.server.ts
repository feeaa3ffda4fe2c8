/** "Was this helpful?": one vote per person or browser, changeable, with an optional comment. */
import { and, eq, sql } from "drizzle-orm";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { kbArticles, kbFeedback } from "../../../db/schema";
import { stripControl } from "./search-text";

export interface Vote {
  helpful: boolean;
  comment: string | null;
}

export async function voteOf(articleId: string, voterKey: string | null): Promise<Vote | null> {
  if (!voterKey) return null;
  const [row] = await db()
    .select({ helpful: kbFeedback.helpful, comment: kbFeedback.comment })
    .from(kbFeedback)
    .where(and(eq(kbFeedback.articleId, articleId), eq(kbFeedback.voterKey, voterKey)));
  return row ?? null;
}

/**
 * Records or changes this voter's vote. A comment sent without a vote change keeps the vote;
 * the article's helpful/not-helpful counters are recounted in the same transaction.
 */
export async function castVote(input: { articleId: string; voterKey: string; userId: string | null; helpful: boolean; comment?: string | null }): Promise<Vote> {
  const comment = input.comment == null ? null : stripControl(input.comment).trim().slice(0, 2000) || null;
  return db().transaction(async (tx) => {
    const at = now();
    const [row] = await tx
      .insert(kbFeedback)
      .values({ articleId: input.articleId, voterKey: input.voterKey, userId: input.userId, helpful: input.helpful, comment, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [kbFeedback.articleId, kbFeedback.voterKey],
        set: {
          helpful: input.helpful,
          // Changing only the vote keeps an earlier comment; a new comment replaces it.
          comment: comment === null ? sql`${kbFeedback.comment}` : comment,
          updatedAt: at,
        },
      })
      .returning({ helpful: kbFeedback.helpful, comment: kbFeedback.comment });
    await tx
      .update(kbArticles)
      .set({
        helpfulCount: sql`(select count(*) from kb_feedback f where f.article_id = ${input.articleId} and f.helpful)`,
        notHelpfulCount: sql`(select count(*) from kb_feedback f where f.article_id = ${input.articleId} and not f.helpful)`,
      })
      .where(eq(kbArticles.id, input.articleId));
    return row!;
  });
}
