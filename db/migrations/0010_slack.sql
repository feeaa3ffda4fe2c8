CREATE TABLE "slack_channels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel_id" text NOT NULL,
	"channel_name" text DEFAULT '' NOT NULL,
	"organization_id" uuid NOT NULL,
	"fallback_requester_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"team_id" text,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"outcome" text,
	"ticket_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "slack_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_message_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text,
	"thread_ts" text NOT NULL,
	"slack_user_id" text,
	"posted_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"bot_token" text,
	"signing_secret" text,
	"team_id" text,
	"team_name" text,
	"bot_user_id" text,
	"bot_id" text,
	"tested_at" timestamp with time zone,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_settings_single_row" CHECK ("slack_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "slack_threads" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"thread_ts" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "slack_channels" ADD CONSTRAINT "slack_channels_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_channels" ADD CONSTRAINT "slack_channels_fallback_requester_id_users_id_fk" FOREIGN KEY ("fallback_requester_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_events" ADD CONSTRAINT "slack_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_messages" ADD CONSTRAINT "slack_messages_ticket_message_id_ticket_messages_id_fk" FOREIGN KEY ("ticket_message_id") REFERENCES "public"."ticket_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_settings" ADD CONSTRAINT "slack_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_threads" ADD CONSTRAINT "slack_threads_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "slack_channels_channel_key" ON "slack_channels" USING btree ("channel_id");--> statement-breakpoint
CREATE INDEX "slack_channels_org_idx" ON "slack_channels" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "slack_events_received_idx" ON "slack_events" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "slack_messages_ticket_message_key" ON "slack_messages" USING btree ("ticket_message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "slack_messages_channel_ts_key" ON "slack_messages" USING btree ("channel_id","ts") WHERE "slack_messages"."ts" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "slack_threads_channel_ts_key" ON "slack_threads" USING btree ("channel_id","thread_ts");