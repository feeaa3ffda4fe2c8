CREATE TYPE "public"."agreement_status" AS ENUM('draft', 'sent', 'signed');--> statement-breakpoint
CREATE TYPE "public"."case_study_consent" AS ENUM('none', 'logo', 'quote', 'full');--> statement-breakpoint
CREATE TYPE "public"."case_study_stage" AS ENUM('candidate', 'consented', 'interview', 'draft', 'approved', 'published');--> statement-breakpoint
CREATE TYPE "public"."deal_activity_kind" AS ENUM('note', 'call', 'meeting', 'email', 'task', 'edit');--> statement-breakpoint
CREATE TYPE "public"."deal_stage" AS ENUM('prospect', 'demo', 'agreement', 'onboarded', 'lost');--> statement-breakpoint
CREATE TYPE "public"."feedback_kind" AS ENUM('feedback', 'feature_request');--> statement-breakpoint
CREATE TYPE "public"."feedback_status" AS ENUM('new', 'planned', 'in_progress', 'shipped', 'declined');--> statement-breakpoint
CREATE TABLE "agreements" (
	"deal_id" uuid PRIMARY KEY NOT NULL,
	"status" "agreement_status" DEFAULT 'draft' NOT NULL,
	"terms" text DEFAULT '' NOT NULL,
	"sent_on" date,
	"signed_on" date,
	"beta_starts_on" date,
	"beta_ends_on" date,
	"price_after_beta" text,
	"feedback_obligations" text,
	"case_study_consent" "case_study_consent" DEFAULT 'none' NOT NULL,
	"document_name" text,
	"document_size" integer,
	"document_sha256" text,
	"document_data" "bytea",
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beta_deals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"company" text NOT NULL,
	"website" text,
	"source" text,
	"notes" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"stage" "deal_stage" DEFAULT 'prospect' NOT NULL,
	"stage_entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"next_step" text,
	"next_step_due_at" timestamp with time zone,
	"demo_at" timestamp with time zone,
	"demo_attendees" text,
	"lost_reason" text,
	"lost_note" text,
	"organization_id" uuid,
	"onboarded_at" timestamp with time zone,
	"case_study_stage" "case_study_stage",
	"version" integer DEFAULT 1 NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beta_programs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"target" integer NOT NULL,
	"minimum" integer NOT NULL,
	"starts_on" date NOT NULL,
	"deadline" date NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deal_id" uuid NOT NULL,
	"kind" "deal_activity_kind" NOT NULL,
	"body" text NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"template_key" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deal_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"role" text,
	"user_id" uuid,
	"invited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_stage_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deal_id" uuid NOT NULL,
	"from_stage" "deal_stage",
	"to_stage" "deal_stage" NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "feedback_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid,
	"created_by_id" uuid,
	"ticket_id" uuid,
	"kind" "feedback_kind" DEFAULT 'feedback' NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" "feedback_status" DEFAULT 'new' NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"shipped_at" timestamp with time zone,
	"shipped_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_votes" (
	"feedback_item_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_votes_feedback_item_id_organization_id_pk" PRIMARY KEY("feedback_item_id","organization_id")
);
--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_deal_id_beta_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."beta_deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_deals" ADD CONSTRAINT "beta_deals_program_id_beta_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."beta_programs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_deals" ADD CONSTRAINT "beta_deals_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beta_deals" ADD CONSTRAINT "beta_deals_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_activities" ADD CONSTRAINT "deal_activities_deal_id_beta_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."beta_deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_activities" ADD CONSTRAINT "deal_activities_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contacts" ADD CONSTRAINT "deal_contacts_deal_id_beta_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."beta_deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contacts" ADD CONSTRAINT "deal_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stage_events" ADD CONSTRAINT "deal_stage_events_deal_id_beta_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."beta_deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stage_events" ADD CONSTRAINT "deal_stage_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_votes" ADD CONSTRAINT "feedback_votes_feedback_item_id_feedback_items_id_fk" FOREIGN KEY ("feedback_item_id") REFERENCES "public"."feedback_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_votes" ADD CONSTRAINT "feedback_votes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_votes" ADD CONSTRAINT "feedback_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "beta_deals_program_stage_idx" ON "beta_deals" USING btree ("program_id","stage");--> statement-breakpoint
CREATE INDEX "beta_deals_owner_idx" ON "beta_deals" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "beta_deals_organization_idx" ON "beta_deals" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "beta_programs_one_active" ON "beta_programs" USING btree ("active") WHERE "beta_programs"."active";--> statement-breakpoint
CREATE INDEX "deal_activities_deal_idx" ON "deal_activities" USING btree ("deal_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "deal_activities_template_key" ON "deal_activities" USING btree ("deal_id","template_key") WHERE "deal_activities"."template_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deal_contacts_deal_email_key" ON "deal_contacts" USING btree ("deal_id","email");--> statement-breakpoint
CREATE INDEX "deal_stage_events_deal_idx" ON "deal_stage_events" USING btree ("deal_id","at");--> statement-breakpoint
CREATE INDEX "deal_stage_events_at_idx" ON "deal_stage_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "feedback_items_org_idx" ON "feedback_items" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_items_ticket_key" ON "feedback_items" USING btree ("ticket_id") WHERE "feedback_items"."ticket_id" is not null;