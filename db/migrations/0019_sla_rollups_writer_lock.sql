-- Custom SQL migration file, put your code below! ---- SLA report rollups: serialize their writers (see sla_rollup_apply).
CREATE OR REPLACE FUNCTION "sla_rollup_apply"(items sla_rollup_item[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  touched bigint;
BEGIN
  IF items IS NULL OR cardinality(items) = 0 THEN
    RETURN;
  END IF;
  -- Writers of the rollups take turns until they commit: every one of them updates a few shared
  -- rows (the day's 'all' row, the large blocks), and one lock taken first cannot deadlock on them.
  PERFORM pg_advisory_xact_lock(hashtext('sla_rollups'));
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
  ), nz AS (
    SELECT * FROM s
    WHERE (fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
  ), daily AS (
    INSERT INTO sla_daily_rollups AS r (day, prev_day, priority, group_id, organization_id, assignee_id,
      fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets)
    SELECT * FROM nz ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, prev_day, priority, group_id, organization_id, assignee_id) DO UPDATE SET
      fr_total = r.fr_total + excluded.fr_total, fr_met = r.fr_met + excluded.fr_met,
      nr_total = r.nr_total + excluded.nr_total, nr_met = r.nr_met + excluded.nr_met,
      res_total = r.res_total + excluded.res_total, res_met = r.res_met + excluded.res_met,
      csat_total = r.csat_total + excluded.csat_total, csat_good = r.csat_good + excluded.csat_good,
      tickets = r.tickets + excluded.tickets
    RETURNING 1
  ), keyed AS (
    SELECT nz.day, k.dim, k.key, nz.fr_total, nz.fr_met, nz.nr_total, nz.nr_met, nz.res_total, nz.res_met, nz.csat_total, nz.csat_good, nz.tickets
    FROM nz CROSS JOIN LATERAL (VALUES
      ('all', ''), ('priority', nz.priority), ('group', coalesce(nz.group_id::text, '')),
      ('agent', coalesce(nz.assignee_id::text, '')), ('organization', nz.organization_id::text)) AS k(dim, key)
    WHERE nz.prev_day IS NULL
  ), blk AS (
    SELECT l.lvl AS level, sla_block_start(keyed.day, l.lvl) AS start, keyed.dim, keyed.key,
      sum(fr_total) AS fr_total, sum(fr_met) AS fr_met, sum(nr_total) AS nr_total, sum(nr_met) AS nr_met,
      sum(res_total) AS res_total, sum(res_met) AS res_met, sum(csat_total) AS csat_total, sum(csat_good) AS csat_good, sum(tickets) AS tickets
    FROM keyed CROSS JOIN generate_series(0, 9) AS l(lvl)
    WHERE keyed.dim <> 'all' OR l.lvl = 0
    GROUP BY 1, 2, 3, 4
  ), blocks AS (
    INSERT INTO sla_rollup_blocks AS r (level, start, dim, key, fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets)
    SELECT * FROM blk
    WHERE (fr_total, fr_met, nr_total, nr_met, res_total, res_met, csat_total, csat_good, tickets) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, start, dim, key) DO UPDATE SET
      fr_total = r.fr_total + excluded.fr_total, fr_met = r.fr_met + excluded.fr_met,
      nr_total = r.nr_total + excluded.nr_total, nr_met = r.nr_met + excluded.nr_met,
      res_total = r.res_total + excluded.res_total, res_met = r.res_met + excluded.res_met,
      csat_total = r.csat_total + excluded.csat_total, csat_good = r.csat_good + excluded.csat_good,
      tickets = r.tickets + excluded.tickets
    RETURNING 1
  ), h AS (
    SELECT day, metric, sla_elapsed_bucket(elapsed) AS bucket, group_id, organization_id, sum(sign) AS n
    FROM i WHERE src = 'timer' AND metric IN ('firstResponse', 'resolution')
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
  ), hist AS (
    INSERT INTO sla_elapsed_rollups AS r (day, metric, bucket, group_id, organization_id, n)
    SELECT * FROM h ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (day, metric, bucket, group_id, organization_id) DO UPDATE SET n = r.n + excluded.n
    RETURNING 1
  ), hb AS (
    INSERT INTO sla_elapsed_blocks AS r (level, start, metric, bucket, n)
    SELECT l.lvl, sla_block_start(h.day, l.lvl), h.metric, h.bucket, sum(h.n)
    FROM h CROSS JOIN generate_series(0, 9) AS l(lvl)
    GROUP BY 1, 2, 3, 4 HAVING sum(h.n) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, start, metric, bucket) DO UPDATE SET n = r.n + excluded.n
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM daily) + (SELECT count(*) FROM blocks) + (SELECT count(*) FROM hist) + (SELECT count(*) FROM hb) INTO touched;
END $$;
