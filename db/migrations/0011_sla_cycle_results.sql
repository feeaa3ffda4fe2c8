CREATE TABLE "sla_cycle_results" (
	"ticket_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"cycle" integer NOT NULL,
	"target_minutes" double precision,
	"elapsed_minutes" double precision NOT NULL,
	"achieved_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sla_cycle_results_ticket_id_metric_cycle_pk" PRIMARY KEY("ticket_id","metric","cycle")
);
--> statement-breakpoint
ALTER TABLE "sla_cycle_results" ADD CONSTRAINT "sla_cycle_results_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sla_cycle_results_achieved_idx" ON "sla_cycle_results" USING btree ("achieved_at");--> statement-breakpoint
-- Keep what the report counted before: the last achieved next-response cycle of each ticket.
INSERT INTO "sla_cycle_results" ("ticket_id", "metric", "cycle", "target_minutes", "elapsed_minutes", "achieved_at")
SELECT "ticket_id", "metric", greatest("cycle", 1), "target_minutes", "elapsed_minutes", "achieved_at" FROM "sla_timers"
WHERE "metric" = 'nextResponse' AND "achieved_at" IS NOT NULL;
