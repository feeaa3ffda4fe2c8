CREATE TABLE "sla_due_counts" (
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"level" integer NOT NULL,
	"start" timestamp NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_due_counts_dim_key_level_start_pk" PRIMARY KEY("dim","key","level","start")
);
--> statement-breakpoint
CREATE TABLE "sla_due_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sla_due_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"due" timestamp with time zone NOT NULL,
	"group_id" uuid,
	"organization_id" uuid NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sla_due_deltas_due_idx" ON "sla_due_deltas" USING btree ("due");--> statement-breakpoint
CREATE INDEX "tickets_created_at_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
-- "Breached now" as counters (db/schema/sla-rollups.ts, docs/sla.md "Report rollups"): open,
-- unmerged tickets by the UTC hour and day of their earliest cached due time, per dimension.
-- Ticket writes append deltas (no shared row to wait on); sla_due_counts_compact() folds them in.
CREATE INDEX "sla_due_counts_zero_idx" ON "sla_due_counts" ("dim") WHERE "n" = 0;--> statement-breakpoint
CREATE FUNCTION "sla_due_open"(p_status text, p_merged uuid, d1 timestamptz, d2 timestamptz, d3 timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p_merged IS NULL AND p_status IN ('new', 'open', 'pending', 'on_hold') THEN least(d1, d2, d3) END $$;--> statement-breakpoint
-- A ticket's due time (as the dashboard counts it) or dimensions changed: -1 where it counted, +1 where it counts.
CREATE FUNCTION "sla_due_counts_trg"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  od timestamptz;
  nd timestamptz;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    od := sla_due_open(OLD.status::text, OLD.merged_into_id, OLD.first_response_due_at, OLD.next_response_due_at, OLD.resolution_due_at);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    nd := sla_due_open(NEW.status::text, NEW.merged_into_id, NEW.first_response_due_at, NEW.next_response_due_at, NEW.resolution_due_at);
  END IF;
  -- The same hour under the same dimensions: both sides fall in the same counter rows.
  IF TG_OP = 'UPDATE' AND OLD.group_id IS NOT DISTINCT FROM NEW.group_id AND OLD.organization_id = NEW.organization_id
    AND date_trunc('hour', od AT TIME ZONE 'UTC') IS NOT DISTINCT FROM date_trunc('hour', nd AT TIME ZONE 'UTC') THEN
    RETURN NULL;
  END IF;
  IF od IS NOT NULL THEN
    INSERT INTO sla_due_deltas (due, group_id, organization_id, n) VALUES (od, OLD.group_id, OLD.organization_id, -1);
  END IF;
  IF nd IS NOT NULL THEN
    INSERT INTO sla_due_deltas (due, group_id, organization_id, n) VALUES (nd, NEW.group_id, NEW.organization_id, 1);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "sla_due_counts_insert" AFTER INSERT ON "tickets" FOR EACH ROW
  WHEN (NEW.merged_into_id IS NULL AND least(NEW.first_response_due_at, NEW.next_response_due_at, NEW.resolution_due_at) IS NOT NULL)
  EXECUTE FUNCTION sla_due_counts_trg();--> statement-breakpoint
CREATE TRIGGER "sla_due_counts_update" AFTER UPDATE ON "tickets" FOR EACH ROW
  WHEN ((OLD.status, OLD.merged_into_id, OLD.group_id, OLD.organization_id, least(OLD.first_response_due_at, OLD.next_response_due_at, OLD.resolution_due_at))
    IS DISTINCT FROM (NEW.status, NEW.merged_into_id, NEW.group_id, NEW.organization_id, least(NEW.first_response_due_at, NEW.next_response_due_at, NEW.resolution_due_at)))
  EXECUTE FUNCTION sla_due_counts_trg();--> statement-breakpoint
CREATE TRIGGER "sla_due_counts_delete" AFTER DELETE ON "tickets" FOR EACH ROW
  WHEN (OLD.merged_into_id IS NULL AND least(OLD.first_response_due_at, OLD.next_response_due_at, OLD.resolution_due_at) IS NOT NULL)
  EXECUTE FUNCTION sla_due_counts_trg();--> statement-breakpoint
-- Folds the deltas into the counters (one statement: readers see them before or after, never
-- both). One folder at a time; a second returns at once. Returns how many deltas it folded.
CREATE FUNCTION "sla_due_counts_compact"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('sla_due_counts')) THEN
    RETURN 0;
  END IF;
  WITH d AS (
    DELETE FROM sla_due_deltas RETURNING due, group_id, organization_id, n
  ), k AS (
    SELECT x.dim, x.key, l.level,
      CASE l.level WHEN 0 THEN date_trunc('hour', d.due AT TIME ZONE 'UTC') ELSE date_trunc('day', d.due AT TIME ZONE 'UTC') END AS start,
      sum(d.n) AS n
    FROM d CROSS JOIN (VALUES (0), (1)) AS l(level)
      CROSS JOIN LATERAL (VALUES ('all', ''), ('group', coalesce(d.group_id::text, '')), ('organization', d.organization_id::text),
        ('pair', coalesce(d.group_id::text, '') || '/' || d.organization_id::text)) AS x(dim, key)
    GROUP BY 1, 2, 3, 4 HAVING sum(d.n) <> 0
  ), up AS (
    INSERT INTO sla_due_counts AS c (dim, key, level, start, n)
    SELECT dim, key, level, start, n FROM k ORDER BY 1, 2, 3, 4
    ON CONFLICT (dim, key, level, start) DO UPDATE SET n = c.n + excluded.n
    RETURNING 1
  )
  SELECT count(*) INTO folded FROM d;
  DELETE FROM sla_due_counts WHERE n = 0;
  RETURN folded;
END $$;--> statement-breakpoint
-- Recomputes the counters from tickets (the deltas go in the same statement that reads tickets,
-- so a ticket write committed in between is counted once: in the snapshot, or as its delta).
CREATE FUNCTION "sla_due_counts_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('sla_due_counts'));
  DELETE FROM sla_due_counts;
  WITH gone AS (
    DELETE FROM sla_due_deltas RETURNING 1
  ), t AS (
    SELECT sla_due_open(status::text, merged_into_id, first_response_due_at, next_response_due_at, resolution_due_at) AS due, group_id, organization_id
    FROM tickets WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL
  )
  INSERT INTO sla_due_counts (dim, key, level, start, n)
  SELECT x.dim, x.key, l.level,
    CASE l.level WHEN 0 THEN date_trunc('hour', t.due AT TIME ZONE 'UTC') ELSE date_trunc('day', t.due AT TIME ZONE 'UTC') END,
    count(*)
  FROM t CROSS JOIN (VALUES (0), (1)) AS l(level)
    CROSS JOIN LATERAL (VALUES ('all', ''), ('group', coalesce(t.group_id::text, '')), ('organization', t.organization_id::text),
      ('pair', coalesce(t.group_id::text, '') || '/' || t.organization_id::text)) AS x(dim, key)
  WHERE t.due IS NOT NULL
  GROUP BY 1, 2, 3, 4;
END $$;--> statement-breakpoint
-- The rebuild of every report rollup (bench:seed after its bulk load, rebuildSlaRollups()) also
-- rebuilds the due counters: as in 0017, plus the last line.
CREATE OR REPLACE FUNCTION "sla_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  h text;
BEGIN
  DELETE FROM sla_daily_rollups;
  DELETE FROM sla_elapsed_rollups;
  DELETE FROM sla_rollup_blocks;
  DELETE FROM sla_elapsed_blocks;
  FOREACH h IN ARRAY string_to_array('0 1 2 3 4 5 6 7 8 9 a b c d e f', ' ') LOOP
    PERFORM sla_rollup_apply(array(
      WITH t AS (
        SELECT id, priority::text AS priority, group_id, organization_id, assignee_id FROM tickets
        WHERE merged_into_id IS NULL AND id >= (h || '0000000-0000-0000-0000-000000000000')::uuid
          AND (h = 'f' OR id < ((CASE h WHEN '9' THEN 'a' ELSE chr(ascii(h) + 1) END) || '0000000-0000-0000-0000-000000000000')::uuid)
      )
      SELECT ROW(1, t.id, t.priority, t.group_id, t.organization_id, t.assignee_id, 'timer', s.metric, s.achieved_at, s.elapsed_minutes, s.target_minutes, NULL)::sla_rollup_item
      FROM t JOIN sla_timers s ON s.ticket_id = t.id WHERE s.achieved_at IS NOT NULL
      UNION ALL
      SELECT ROW(1, t.id, t.priority, t.group_id, t.organization_id, t.assignee_id, 'cycle', c.metric, c.achieved_at, c.elapsed_minutes, c.target_minutes, NULL)::sla_rollup_item
      FROM t JOIN sla_cycle_results c ON c.ticket_id = t.id
      UNION ALL
      SELECT ROW(1, t.id, t.priority, t.group_id, t.organization_id, t.assignee_id, 'csat', NULL, r.created_at, NULL, NULL, r.rating = 'good')::sla_rollup_item
      FROM t JOIN csat_ratings r ON r.ticket_id = t.id));
  END LOOP;
  PERFORM sla_due_counts_rebuild();
END $$;--> statement-breakpoint
SELECT sla_due_counts_rebuild();--> statement-breakpoint
ANALYZE "sla_due_counts";
