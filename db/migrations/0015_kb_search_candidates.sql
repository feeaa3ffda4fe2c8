ALTER TABLE "kb_articles" ADD COLUMN "title_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce("kb_articles"."title", ''))) STORED;--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD COLUMN "title_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector("kb_article_translations"."search_config", coalesce("kb_article_translations"."title", ''))) STORED;--> statement-breakpoint
CREATE INDEX "kb_articles_title_search_idx" ON "kb_articles" USING gin ("title_vector");--> statement-breakpoint
CREATE INDEX "kb_articles_published_recent_idx" ON "kb_articles" USING btree ("updated_at" DESC NULLS LAST,"id") WHERE "kb_articles"."status" = 'published';--> statement-breakpoint
CREATE INDEX "kb_article_translations_title_search_idx" ON "kb_article_translations" USING gin ("title_vector");--> statement-breakpoint
CREATE INDEX "kb_article_translations_locale_recent_idx" ON "kb_article_translations" USING btree ("locale","updated_at" DESC NULLS LAST,"id");