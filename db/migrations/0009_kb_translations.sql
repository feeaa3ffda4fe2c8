CREATE TABLE "kb_article_translations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"article_id" uuid NOT NULL,
	"locale" text NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"search_config" "regconfig" DEFAULT 'simple'::regconfig NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"source_revision" integer DEFAULT 1 NOT NULL,
	"created_by_id" uuid,
	"updated_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector("kb_article_translations"."search_config", coalesce("kb_article_translations"."title", '')), 'A') || setweight(to_tsvector("kb_article_translations"."search_config", coalesce("kb_article_translations"."summary", '') || ' ' || coalesce("kb_article_translations"."body", '')), 'B')) STORED
);
--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD CONSTRAINT "kb_article_translations_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD CONSTRAINT "kb_article_translations_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD CONSTRAINT "kb_article_translations_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "kb_article_translations_article_locale_key" ON "kb_article_translations" USING btree ("article_id","locale");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_article_translations_locale_slug_key" ON "kb_article_translations" USING btree ("locale","slug");--> statement-breakpoint
CREATE INDEX "kb_article_translations_search_idx" ON "kb_article_translations" USING gin ("search_vector");