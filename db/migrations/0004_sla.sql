CREATE TABLE "business_calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"hours" jsonb NOT NULL,
	"holidays" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_calendars_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "escalation_firings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"cycle" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"metric" text NOT NULL,
	"trigger" text NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"ticket_id" uuid,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sla_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"kind" text NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"plans" text[] DEFAULT '{}'::text[] NOT NULL,
	"organization_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"priorities" text[] DEFAULT '{}'::text[] NOT NULL,
	"group_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"targets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"calendar_id" uuid NOT NULL,
	"pause_statuses" text[] DEFAULT '{pending,on_hold}'::text[] NOT NULL,
	"warn_fraction" double precision DEFAULT 0.8 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_timers" (
	"ticket_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"policy_id" uuid,
	"target_minutes" double precision,
	"warn_at" timestamp (3) with time zone,
	"due_at" timestamp (3) with time zone,
	"state" text DEFAULT 'inactive' NOT NULL,
	"elapsed_minutes" double precision DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"achieved_at" timestamp with time zone,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_timers_ticket_id_metric_pk" PRIMARY KEY("ticket_id","metric")
);
--> statement-breakpoint
ALTER TABLE "escalation_firings" ADD CONSTRAINT "escalation_firings_rule_id_escalation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."escalation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_firings" ADD CONSTRAINT "escalation_firings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_business_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."business_calendars"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_timers" ADD CONSTRAINT "sla_timers_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_timers" ADD CONSTRAINT "sla_timers_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_firings_once_key" ON "escalation_firings" USING btree ("rule_id","ticket_id","metric","cycle");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "sla_events_once_key" ON "sla_events" USING btree ("ticket_id","metric","kind","cycle");--> statement-breakpoint
CREATE INDEX "sla_events_at_idx" ON "sla_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sla_policies_position_idx" ON "sla_policies" USING btree ("position");--> statement-breakpoint
CREATE INDEX "sla_timers_warn_idx" ON "sla_timers" USING btree ("warn_at") WHERE "sla_timers"."warn_at" is not null;--> statement-breakpoint
CREATE INDEX "sla_timers_due_idx" ON "sla_timers" USING btree ("due_at") WHERE "sla_timers"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "sla_timers_achieved_idx" ON "sla_timers" USING btree ("achieved_at") WHERE "sla_timers"."achieved_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_idx" ON "tickets" USING btree ("first_response_due_at") WHERE "tickets"."first_response_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_next_response_due_idx" ON "tickets" USING btree ("next_response_due_at") WHERE "tickets"."next_response_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" USING btree ("resolution_due_at") WHERE "tickets"."resolution_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_sla_due_idx" ON "tickets" USING btree (least("first_response_due_at", "next_response_due_at", "resolution_due_at"),"number");