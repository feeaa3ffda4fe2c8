CREATE TABLE "sla_daily_rollups" (
	"day" date NOT NULL,
	"prev_day" date,
	"priority" text NOT NULL,
	"group_id" uuid,
	"organization_id" uuid NOT NULL,
	"assignee_id" uuid,
	"fr_total" integer DEFAULT 0 NOT NULL,
	"fr_met" integer DEFAULT 0 NOT NULL,
	"nr_total" integer DEFAULT 0 NOT NULL,
	"nr_met" integer DEFAULT 0 NOT NULL,
	"res_total" integer DEFAULT 0 NOT NULL,
	"res_met" integer DEFAULT 0 NOT NULL,
	"csat_total" integer DEFAULT 0 NOT NULL,
	"csat_good" integer DEFAULT 0 NOT NULL,
	"tickets" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_daily_rollups_key" UNIQUE NULLS NOT DISTINCT("day","prev_day","priority","group_id","organization_id","assignee_id")
);
--> statement-breakpoint
CREATE TABLE "sla_elapsed_rollups" (
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"bucket" integer NOT NULL,
	"group_id" uuid,
	"organization_id" uuid NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_elapsed_rollups_key" UNIQUE NULLS NOT DISTINCT("day","metric","bucket","group_id","organization_id")
);
--> statement-breakpoint
CREATE INDEX "sla_daily_rollups_group_idx" ON "sla_daily_rollups" USING btree ("group_id","day");--> statement-breakpoint
CREATE INDEX "sla_daily_rollups_org_idx" ON "sla_daily_rollups" USING btree ("organization_id","day");--> statement-breakpoint
CREATE INDEX "sla_elapsed_rollups_group_idx" ON "sla_elapsed_rollups" USING btree ("group_id","day");--> statement-breakpoint
CREATE INDEX "sla_elapsed_rollups_org_idx" ON "sla_elapsed_rollups" USING btree ("organization_id","day");--> statement-breakpoint
-- SLA report rollups (db/schema/sla-rollups.ts, docs/sla.md "Report rollups"): kept in step by
-- triggers in the transaction of every write, and backfilled here from the existing data.
CREATE FUNCTION "sla_elapsed_bucket"(m double precision) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT floor(ln(1 + greatest(m, 0)) / ln(1.05))::integer $$;--> statement-breakpoint
CREATE INDEX "sla_timers_elapsed_bucket_idx" ON "sla_timers" ("metric", sla_elapsed_bucket("elapsed_minutes"), "achieved_at") WHERE "achieved_at" IS NOT NULL;--> statement-breakpoint
-- One contribution of one ticket: a clock (sla_timers), a next-response cycle (sla_cycle_results)
-- or a CSAT rating, with the ticket dimensions it counts under and a sign (+1 add, -1 subtract).
CREATE TYPE "sla_rollup_item" AS (
  sign integer, ticket_id uuid, priority text, group_id uuid, organization_id uuid, assignee_id uuid,
  src text, metric text, at timestamptz, elapsed double precision, target double precision, good boolean
);--> statement-breakpoint
-- Adds signed items to both rollup tables. Every ticket's items with the same sign must come in
-- one call (the `tickets` counter needs all of a ticket's achievement days).
CREATE FUNCTION "sla_rollup_apply"(items sla_rollup_item[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF items IS NULL OR cardinality(items) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO sla_daily_rollups AS r (day, prev_day, priority, group_id, organization_id, assignee_id,
    fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets)
  WITH i AS (
    SELECT x.*, (x.at AT TIME ZONE 'UTC')::date AS day FROM unnest(items) x WHERE x.at IS NOT NULL
  ), tdays AS (
    SELECT DISTINCT sign, ticket_id, priority, group_id, organization_id, assignee_id, day
    FROM i WHERE src = 'timer' AND target IS NOT NULL
  ), tk AS (
    SELECT *, lag(day) OVER (PARTITION BY sign, ticket_id ORDER BY day) AS prev_day FROM tdays
  ), c AS (
    SELECT day, NULL::date AS prev_day, priority, group_id, organization_id, assignee_id,
      sum(sign) FILTER (WHERE src = 'timer' AND metric = 'firstResponse' AND target IS NOT NULL) AS fr_total,
      sum(sign) FILTER (WHERE src = 'timer' AND metric = 'firstResponse' AND elapsed <= target) AS fr_met,
      sum(sign) FILTER (WHERE src = 'cycle' AND metric = 'nextResponse' AND target IS NOT NULL) AS nr_total,
      sum(sign) FILTER (WHERE src = 'cycle' AND metric = 'nextResponse' AND elapsed <= target) AS nr_met,
      sum(sign) FILTER (WHERE src = 'timer' AND metric = 'resolution' AND target IS NOT NULL) AS res_total,
      sum(sign) FILTER (WHERE src = 'timer' AND metric = 'resolution' AND elapsed <= target) AS res_met,
      sum(sign) FILTER (WHERE src = 'csat') AS csat_total,
      sum(sign) FILTER (WHERE src = 'csat' AND good) AS csat_good,
      0::bigint AS tickets
    FROM i GROUP BY 1, 2, 3, 4, 5, 6
    UNION ALL
    SELECT day, prev_day, priority, group_id, organization_id, assignee_id, 0, 0, 0, 0, 0, 0, 0, 0, sum(sign)
    FROM tk GROUP BY 1, 2, 3, 4, 5, 6
  ), s AS (
    SELECT day, prev_day, priority, group_id, organization_id, assignee_id,
      coalesce(sum(fr_total), 0) AS fr_total, coalesce(sum(fr_met), 0) AS fr_met,
      coalesce(sum(nr_total), 0) AS nr_total, coalesce(sum(nr_met), 0) AS nr_met,
      coalesce(sum(res_total), 0) AS res_total, coalesce(sum(res_met), 0) AS res_met,
      coalesce(sum(csat_total), 0) AS csat_total, coalesce(sum(csat_good), 0) AS csat_good,
      coalesce(sum(tickets), 0) AS tickets
    FROM c GROUP BY 1, 2, 3, 4, 5, 6
  )
  SELECT * FROM s
  WHERE (fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (day, prev_day, priority, group_id, organization_id, assignee_id) DO UPDATE SET
    fr_total = r.fr_total + excluded.fr_total, fr_met = r.fr_met + excluded.fr_met,
    nr_total = r.nr_total + excluded.nr_total, nr_met = r.nr_met + excluded.nr_met,
    res_total = r.res_total + excluded.res_total, res_met = r.res_met + excluded.res_met,
    csat_total = r.csat_total + excluded.csat_total, csat_good = r.csat_good + excluded.csat_good,
    tickets = r.tickets + excluded.tickets;

  INSERT INTO sla_elapsed_rollups AS r (day, metric, bucket, group_id, organization_id, n)
  SELECT (x.at AT TIME ZONE 'UTC')::date, x.metric, sla_elapsed_bucket(x.elapsed), x.group_id, x.organization_id, sum(x.sign)
  FROM unnest(items) x
  WHERE x.src = 'timer' AND x.metric IN ('firstResponse', 'resolution') AND x.at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.sign) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (day, metric, bucket, group_id, organization_id) DO UPDATE SET n = r.n + excluded.n;
END $$;--> statement-breakpoint
-- Everything one ticket contributes now, under the given dimensions.
CREATE FUNCTION "sla_rollup_ticket_items"(p_sign integer, p_ticket uuid, p_priority text, p_group uuid, p_org uuid, p_assignee uuid)
RETURNS SETOF sla_rollup_item LANGUAGE sql STABLE AS $$
  SELECT p_sign, p_ticket, p_priority, p_group, p_org, p_assignee, 'timer'::text, s.metric, s.achieved_at, s.elapsed_minutes, s.target_minutes, NULL::boolean
  FROM sla_timers s WHERE s.ticket_id = p_ticket AND s.achieved_at IS NOT NULL
  UNION ALL
  SELECT p_sign, p_ticket, p_priority, p_group, p_org, p_assignee, 'cycle'::text, c.metric, c.achieved_at, c.elapsed_minutes, c.target_minutes, NULL::boolean
  FROM sla_cycle_results c WHERE c.ticket_id = p_ticket
  UNION ALL
  SELECT p_sign, p_ticket, p_priority, p_group, p_org, p_assignee, 'csat'::text, NULL::text, r.created_at, NULL::double precision, NULL::double precision, r.rating = 'good'
  FROM csat_ratings r WHERE r.ticket_id = p_ticket
$$;--> statement-breakpoint
-- A ticket moves (priority, group, organization, assignee) or is merged / unmerged: its whole
-- contribution leaves the old dimensions and joins the new ones.
CREATE FUNCTION "sla_rollup_tickets_trg"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.merged_into_id IS NULL THEN
      PERFORM sla_rollup_apply(array(SELECT x FROM sla_rollup_ticket_items(-1, OLD.id, OLD.priority::text, OLD.group_id, OLD.organization_id, OLD.assignee_id) x));
    END IF;
    RETURN OLD;
  END IF;
  PERFORM sla_rollup_apply(array(
    SELECT x FROM sla_rollup_ticket_items(-1, OLD.id, OLD.priority::text, OLD.group_id, OLD.organization_id, OLD.assignee_id) x WHERE OLD.merged_into_id IS NULL
    UNION ALL
    SELECT x FROM sla_rollup_ticket_items(1, NEW.id, NEW.priority::text, NEW.group_id, NEW.organization_id, NEW.assignee_id) x WHERE NEW.merged_into_id IS NULL));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "sla_rollup_tickets_update" AFTER UPDATE ON "tickets" FOR EACH ROW
  WHEN (OLD.priority IS DISTINCT FROM NEW.priority OR OLD.group_id IS DISTINCT FROM NEW.group_id
    OR OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
    OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id)
  EXECUTE FUNCTION sla_rollup_tickets_trg();--> statement-breakpoint
-- Before the row goes (its children are deleted by the cascade afterwards, when it is gone and
-- their triggers find no ticket to count under).
CREATE TRIGGER "sla_rollup_tickets_delete" BEFORE DELETE ON "tickets" FOR EACH ROW EXECUTE FUNCTION sla_rollup_tickets_trg();--> statement-breakpoint
-- Clocks: per statement, for the tickets whose achieved clocks changed, subtract the contribution
-- of their clocks before the statement (the old rows plus the untouched ones) and add the current.
-- The sweeper's updates (warn_at, due_at) and running clocks (achieved_at null) change nothing.
CREATE FUNCTION "sla_rollup_timers_trg"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  olds sla_timers[] := '{}';
  news sla_timers[] := '{}';
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT coalesce(array_agg(o), '{}') INTO olds FROM old_rows o;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    SELECT coalesce(array_agg(n), '{}') INTO news FROM new_rows n;
  END IF;
  PERFORM sla_rollup_apply(array(
    WITH o AS (SELECT * FROM unnest(olds)), n AS (SELECT * FROM unnest(news)),
    changed AS (
      SELECT DISTINCT coalesce(n.ticket_id, o.ticket_id) AS ticket_id
      FROM n FULL JOIN o ON o.ticket_id = n.ticket_id AND o.metric = n.metric
      WHERE (o.achieved_at IS NOT NULL OR n.achieved_at IS NOT NULL)
        AND (o.ticket_id IS NULL OR n.ticket_id IS NULL
          OR (o.achieved_at, o.elapsed_minutes, o.target_minutes) IS DISTINCT FROM (n.achieved_at, n.elapsed_minutes, n.target_minutes))
    ), t AS (
      SELECT tk.id, tk.priority::text AS priority, tk.group_id, tk.organization_id, tk.assignee_id
      FROM tickets tk WHERE tk.id IN (SELECT ticket_id FROM changed) AND tk.merged_into_id IS NULL
    ), cur AS (
      SELECT s.ticket_id, s.metric, s.achieved_at, s.elapsed_minutes, s.target_minutes FROM sla_timers s WHERE s.ticket_id IN (SELECT id FROM t)
    ), before AS (
      SELECT * FROM cur WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.ticket_id = cur.ticket_id AND n.metric = cur.metric)
      UNION ALL
      SELECT o.ticket_id, o.metric, o.achieved_at, o.elapsed_minutes, o.target_minutes FROM o WHERE o.ticket_id IN (SELECT id FROM t)
    ), signed AS (
      SELECT -1 AS sign, * FROM before UNION ALL SELECT 1, * FROM cur
    )
    SELECT ROW(s.sign, t.id, t.priority, t.group_id, t.organization_id, t.assignee_id, 'timer', s.metric, s.achieved_at, s.elapsed_minutes, s.target_minutes, NULL)::sla_rollup_item
    FROM signed s JOIN t ON t.id = s.ticket_id WHERE s.achieved_at IS NOT NULL));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "sla_rollup_timers_insert" AFTER INSERT ON "sla_timers" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_timers_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_timers_update" AFTER UPDATE ON "sla_timers" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_timers_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_timers_delete" AFTER DELETE ON "sla_timers" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_timers_trg();--> statement-breakpoint
-- Next-response cycles and CSAT ratings count one by one: old rows out, new rows in.
CREATE FUNCTION "sla_rollup_rows_trg"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  items sla_rollup_item[] := '{}';
  part sla_rollup_item[];
BEGIN
  IF TG_TABLE_NAME = 'sla_cycle_results' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      SELECT coalesce(array_agg(ROW(-1, t.id, t.priority::text, t.group_id, t.organization_id, t.assignee_id, 'cycle', o.metric, o.achieved_at, o.elapsed_minutes, o.target_minutes, NULL)::sla_rollup_item), '{}')
        INTO part FROM old_rows o JOIN tickets t ON t.id = o.ticket_id AND t.merged_into_id IS NULL;
      items := items || part;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      SELECT coalesce(array_agg(ROW(1, t.id, t.priority::text, t.group_id, t.organization_id, t.assignee_id, 'cycle', n.metric, n.achieved_at, n.elapsed_minutes, n.target_minutes, NULL)::sla_rollup_item), '{}')
        INTO part FROM new_rows n JOIN tickets t ON t.id = n.ticket_id AND t.merged_into_id IS NULL;
      items := items || part;
    END IF;
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      SELECT coalesce(array_agg(ROW(-1, t.id, t.priority::text, t.group_id, t.organization_id, t.assignee_id, 'csat', NULL, o.created_at, NULL, NULL, o.rating = 'good')::sla_rollup_item), '{}')
        INTO part FROM old_rows o JOIN tickets t ON t.id = o.ticket_id AND t.merged_into_id IS NULL;
      items := items || part;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      SELECT coalesce(array_agg(ROW(1, t.id, t.priority::text, t.group_id, t.organization_id, t.assignee_id, 'csat', NULL, n.created_at, NULL, NULL, n.rating = 'good')::sla_rollup_item), '{}')
        INTO part FROM new_rows n JOIN tickets t ON t.id = n.ticket_id AND t.merged_into_id IS NULL;
      items := items || part;
    END IF;
  END IF;
  PERFORM sla_rollup_apply(items);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "sla_rollup_cycles_insert" AFTER INSERT ON "sla_cycle_results" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_cycles_update" AFTER UPDATE ON "sla_cycle_results" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_cycles_delete" AFTER DELETE ON "sla_cycle_results" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_csat_insert" AFTER INSERT ON "csat_ratings" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_csat_update" AFTER UPDATE ON "csat_ratings" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
CREATE TRIGGER "sla_rollup_csat_delete" AFTER DELETE ON "csat_ratings" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sla_rollup_rows_trg();--> statement-breakpoint
-- Recomputes both rollup tables from the data (a backfill; bench/seed.ts after its bulk load with
-- triggers off). Sixteen batches by ticket id keep the item arrays small on large databases.
CREATE FUNCTION "sla_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  h text;
BEGIN
  DELETE FROM sla_daily_rollups;
  DELETE FROM sla_elapsed_rollups;
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
END $$;--> statement-breakpoint
-- (The backfill runs once, in 0017, with the final sla_rollup_apply.)
SELECT 1;
