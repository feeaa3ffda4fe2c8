-- Custom SQL migration file, put your code below! ---- The percentile lookups read a bucket's minutes from the index alone (index-only scan).
DROP INDEX IF EXISTS "sla_timers_elapsed_bucket_idx";--> statement-breakpoint
CREATE INDEX "sla_timers_elapsed_bucket_idx" ON "sla_timers" ("metric", sla_elapsed_bucket("elapsed_minutes"), "achieved_at") INCLUDE ("elapsed_minutes") WHERE "achieved_at" IS NOT NULL;--> statement-breakpoint
ANALYZE "sla_daily_rollups";--> statement-breakpoint
ANALYZE "sla_elapsed_rollups";--> statement-breakpoint
ANALYZE "sla_rollup_blocks";--> statement-breakpoint
ANALYZE "sla_elapsed_blocks";
