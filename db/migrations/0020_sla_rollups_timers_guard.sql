-- Custom SQL migration file, put your code below! ---- SLA report rollups: the clocks trigger returns at once when no row of the statement is achieved.
CREATE OR REPLACE FUNCTION "sla_rollup_timers_trg"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  olds sla_timers[] := '{}';
  news sla_timers[] := '{}';
BEGIN
  -- Nothing achieved on either side (the sweep's warn_at/due_at claims, running clocks): nothing to do.
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE achieved_at IS NOT NULL) THEN RETURN NULL; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM old_rows WHERE achieved_at IS NOT NULL) THEN RETURN NULL; END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM new_rows WHERE achieved_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM old_rows WHERE achieved_at IS NOT NULL) THEN
    RETURN NULL;
  END IF;
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
END $$;
