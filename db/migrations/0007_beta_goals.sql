CREATE TYPE "public"."beta_exit_outcome" AS ENUM('converted', 'churned');--> statement-breakpoint
CREATE TYPE "public"."beta_goal_metric" AS ENUM('onboarded', 'paying');--> statement-breakpoint
CREATE TABLE "beta_exit_decisions" (
	"deal_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid,
	"outcome" "beta_exit_outcome" NOT NULL,
	"plan" "organization_plan",
	"decided_on" date NOT NULL,
	"price" text,
	"churn_reason" text,
	"note" text,
	"decided_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beta_goal_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"starts_on" date NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beta_goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"metric" "beta_goal_metric" NOT NULL,
	"label" text NOT NULL,
	"minimum" integer,
	"target" integer NOT NULL,
	"by_month" integer NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beta_weekly_summaries" (
	"week_of" date PRIMARY KEY NOT NULL,
	"recipients" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "converted_on" date;--> statement-breakpoint
ALTER TABLE "beta_exit_decisions" ADD CONSTRAINT "beta_exit_decisions_deal_id_beta_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."beta_deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_exit_decisions" ADD CONSTRAINT "beta_exit_decisions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_exit_decisions" ADD CONSTRAINT "beta_exit_decisions_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_goal_settings" ADD CONSTRAINT "beta_goal_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_goals" ADD CONSTRAINT "beta_goals_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "beta_exit_decisions_outcome_idx" ON "beta_exit_decisions" USING btree ("outcome","decided_on");--> statement-breakpoint
CREATE UNIQUE INDEX "beta_goals_metric_month_key" ON "beta_goals" USING btree ("metric","by_month");