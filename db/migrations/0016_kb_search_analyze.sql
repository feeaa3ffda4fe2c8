-- Statistics for the new title_vector columns (0015): without them the planner guesses how many
-- titles a word is in (0.5 %) and reads the GIN index for a word in half of them instead of walking
-- the newest-first index. A table rewritten by ADD COLUMN is not re-analyzed until autovacuum
-- counts enough changes, which a mostly-read table may not see for weeks.
ANALYZE "kb_articles";--> statement-breakpoint
ANALYZE "kb_article_translations";
