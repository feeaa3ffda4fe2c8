// The SLA report's rollups (db/schema/sla-rollups.ts, migration 0014; docs/sla.md "Report rollups").
//
// Writes: none here. Triggers keep sla_daily_rollups and sla_elapsed_rollups in step in the
// transaction of every write to sla_timers, sla_cycle_results, csat_ratings and of every ticket
// move (priority, group, organization, assignee), merge or deletion: each subtracts the changed
// ticket's old contribution and adds its new one, so recomputeTicketSla needs no extra call.
// rebuildSlaRollups() recomputes them from scratch (after a bulk load with triggers off).
//
// Reads: the dashboard, from the rollups only — one grouping-sets pass over the days in range,
// one histogram read, the exact values of the (at most four) histogram buckets the percentiles
// fall in, and the two live counts over the open-ticket due index.
import { sql, type SQL } from "drizzle-orm";
import { db, rowsOf, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import type { SlaMetricName } from "./policy";
import type { BreakdownRow, ReportFilters, SlaReport } from "./reports.server";

/** Recomputes both rollup tables from sla_timers, sla_cycle_results and csat_ratings. */
export async function rebuildSlaRollups(tx: Executor = db()): Promise<void> {
  await tx.execute(sql`select sla_rollups_rebuild()`);
}

function rollupFilter(f: ReportFilters): SQL {
  const parts: SQL[] = [sql`r.day >= ${f.from}::date and r.day <= ${f.to}::date`];
  if (f.groupId) parts.push(sql`r.group_id = ${f.groupId}::uuid`);
  if (f.organizationId) parts.push(sql`r.organization_id = ${f.organizationId}::uuid`);
  return sql.join(parts, sql` and `);
}

type Agg = {
  kind: string;
  label: string;
  tickets: number;
  fr_total: number;
  fr_met: number;
  nr_total: number;
  nr_met: number;
  res_total: number;
  res_met: number;
  csat_total: number;
  csat_good: number;
};

/** percentile_cont as Postgres computes it, given a way to read the value of a 0-based rank. */
function percentileCont(p: number, n: number, valueAt: (rank: number) => number): number {
  const h = p * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = valueAt(lo);
  if (lo === hi) return a;
  return a + (valueAt(hi) - a) * (h - lo);
}

export async function slaReportFromRollups(f: ReportFilters, weeks: string[]): Promise<SlaReport> {
  const database = db();
  const at = now();
  const where = rollupFilter(f);
  // One pass over the rollup rows in range: totals per week, and per priority, group, agent and
  // organization (labelled by name after the aggregation: at most a few hundred key lookups).
  // grouping(week, priority, group_id, assignee_id, organization_id): 15 = week, 23 = priority, …
  const aggs = rowsOf<Agg>(
    await database.execute(sql`
      with a as (
        select grouping(date_trunc('week', r.day), r.priority, r.group_id, r.assignee_id, r.organization_id) as g,
          to_char(date_trunc('week', r.day), 'YYYY-MM-DD') as week, r.priority, r.group_id, r.assignee_id, r.organization_id,
          coalesce(sum(r.tickets) filter (where r.prev_day is null or r.prev_day < ${f.from}::date), 0)::int as tickets,
          sum(r.fr_total)::int as fr_total, sum(r.fr_met)::int as fr_met, sum(r.nr_total)::int as nr_total, sum(r.nr_met)::int as nr_met,
          sum(r.res_total)::int as res_total, sum(r.res_met)::int as res_met, sum(r.csat_total)::int as csat_total, sum(r.csat_good)::int as csat_good
        from sla_daily_rollups r
        where ${where}
        group by grouping sets ((date_trunc('week', r.day)), (r.priority), (r.group_id), (r.assignee_id), (r.organization_id))
      ), l as (
        select case a.g when 15 then 'week' when 23 then 'priority' when 27 then 'group' when 29 then 'agent' else 'organization' end as kind,
          case a.g when 15 then a.week when 23 then a.priority when 27 then coalesce(gr.name, 'No group') when 29 then coalesce(u.name, 'Unassigned') else o.name end as label,
          a.tickets, a.fr_total, a.fr_met, a.nr_total, a.nr_met, a.res_total, a.res_met, a.csat_total, a.csat_good
        from a
          left join groups gr on a.g = 27 and gr.id = a.group_id
          left join users u on a.g = 29 and u.id = a.assignee_id
          left join organizations o on a.g = 30 and o.id = a.organization_id
      )
      select kind, label, sum(tickets)::int as tickets, sum(fr_total)::int as fr_total, sum(fr_met)::int as fr_met, sum(nr_total)::int as nr_total,
        sum(nr_met)::int as nr_met, sum(res_total)::int as res_total, sum(res_met)::int as res_met, sum(csat_total)::int as csat_total, sum(csat_good)::int as csat_good
      from l group by kind, label order by kind, label`),
  ).map((r) => ({ ...r, ...Object.fromEntries(Object.entries(r).filter(([k]) => k !== "kind" && k !== "label").map(([k, v]) => [k, Number(v)])) }) as Agg);

  const weekly: SlaReport["weekly"] = [];
  const csat = { good: 0, total: 0 };
  for (const w of aggs.filter((r) => r.kind === "week")) {
    csat.good += w.csat_good;
    csat.total += w.csat_total;
    const metrics: [SlaMetricName, number, number][] = [
      ["firstResponse", w.fr_met, w.fr_total],
      ["nextResponse", w.nr_met, w.nr_total],
      ["resolution", w.res_met, w.res_total],
    ];
    for (const [metric, met, total] of metrics) if (total > 0) weekly.push({ week: w.label, metric, met, total });
  }
  const breakdowns: Record<string, BreakdownRow[]> = {};
  for (const dim of ["priority", "group", "agent", "organization"]) {
    const rows = aggs.filter((r) => r.kind === dim);
    // Labels with an achieved clock first (by label), then labels with CSAT ratings only.
    breakdowns[dim] = [...rows.filter((r) => r.tickets > 0), ...rows.filter((r) => r.tickets === 0 && r.csat_total > 0)].map((r) => ({
      key: r.label,
      label: r.label,
      tickets: r.tickets,
      firstResponse: { met: r.fr_met, total: r.fr_total },
      resolution: { met: r.res_met, total: r.res_total },
      csat: { good: r.csat_good, total: r.csat_total },
    }));
  }

  const percentiles = await rollupPercentiles(f);
  const due = sql`least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at)`;
  const open = sql`t.status in ('new', 'open', 'pending', 'on_hold') and t.merged_into_id is null`;
  const ticketDims = sql.join(
    [f.groupId ? sql`and t.group_id = ${f.groupId}::uuid` : sql``, f.organizationId ? sql`and t.organization_id = ${f.organizationId}::uuid` : sql``],
    sql` `,
  );
  // Two ranges of the open-ticket due index (tickets_open_due_idx).
  const [live] = rowsOf<{ at_risk: number; breached: number }>(
    await database.execute(sql`
      select (select count(*) from tickets t where ${open} and ${due} >= ${at.toISOString()}::timestamptz and ${due} <= ${new Date(at.getTime() + 3600_000).toISOString()}::timestamptz ${ticketDims})::int as at_risk,
             (select count(*) from tickets t where ${open} and ${due} < ${at.toISOString()}::timestamptz ${ticketDims})::int as breached`),
  );
  return {
    weeks,
    weekly,
    breakdowns,
    percentiles,
    atRisk: Number(live?.at_risk ?? 0),
    breached: Number(live?.breached ?? 0),
    csat,
  };
}

/**
 * Median and 90th percentile of business minutes to first response and resolution, exact:
 * the histogram (sla_elapsed_rollups) gives the count and the bucket each needed rank falls in;
 * the values of those buckets in the range come from sla_timers by sla_timers_elapsed_bucket_idx.
 */
async function rollupPercentiles(f: ReportFilters): Promise<SlaReport["percentiles"]> {
  const database = db();
  const hist = rowsOf<{ metric: SlaMetricName; bucket: number; n: number }>(
    await database.execute(sql`
      select r.metric, r.bucket, sum(r.n)::int as n from sla_elapsed_rollups r
      where ${rollupFilter(f)} group by 1, 2 having sum(r.n) <> 0 order by 1, 2`),
  ).map((r) => ({ metric: r.metric, bucket: Number(r.bucket), n: Number(r.n) }));
  const byMetric = new Map<SlaMetricName, { bucket: number; n: number; start: number }[]>();
  for (const r of hist) {
    const list = byMetric.get(r.metric) ?? [];
    const prev = list[list.length - 1];
    list.push({ bucket: r.bucket, n: r.n, start: prev ? prev.start + prev.n : 0 });
    byMetric.set(r.metric, list);
  }
  const locate = (metric: SlaMetricName, rank: number) => byMetric.get(metric)!.find((b) => rank >= b.start && rank < b.start + b.n)!;
  const wanted = new Map<string, { metric: SlaMetricName; bucket: number }>();
  for (const [metric, list] of byMetric) {
    const n = list.reduce((s, b) => s + b.n, 0);
    for (const p of [0.5, 0.9]) {
      const h = p * (n - 1);
      for (const rank of [Math.floor(h), Math.ceil(h)]) {
        const b = locate(metric, rank);
        wanted.set(`${metric}:${b.bucket}`, { metric, bucket: b.bucket });
      }
    }
  }
  const values = new Map<string, number[]>();
  if (wanted.size) {
    const filters: SQL[] = [sql`t.merged_into_id is null`];
    if (f.groupId) filters.push(sql`t.group_id = ${f.groupId}::uuid`);
    if (f.organizationId) filters.push(sql`t.organization_id = ${f.organizationId}::uuid`);
    const rows = rowsOf<{ metric: SlaMetricName; bucket: number; v: number[] }>(
      await database.execute(sql`
        select w.metric, w.bucket, array(
          select s.elapsed_minutes from sla_timers s join tickets t on t.id = s.ticket_id
          where s.metric = w.metric and sla_elapsed_bucket(s.elapsed_minutes) = w.bucket and s.achieved_at is not null
            and s.achieved_at >= ${f.from}::date and s.achieved_at < ${f.to}::date + 1 and ${sql.join(filters, sql` and `)}
          order by s.elapsed_minutes) as v
        from (values ${sql.join(
          [...wanted.values()].map((w) => sql`(${w.metric}::text, ${w.bucket}::int)`),
          sql`, `,
        )}) as w(metric, bucket)`),
    );
    for (const r of rows) values.set(`${r.metric}:${Number(r.bucket)}`, r.v.map(Number));
  }
  const out: SlaReport["percentiles"] = {};
  for (const [metric, list] of byMetric) {
    const n = list.reduce((s, b) => s + b.n, 0);
    const valueAt = (rank: number) => {
      const b = locate(metric, rank);
      const v = values.get(`${metric}:${b.bucket}`)?.[rank - b.start];
      if (v === undefined) throw new Error(`SLA rollups out of step with sla_timers (${metric}, bucket ${b.bucket}): run sla_rollups_rebuild()`);
      return v;
    };
    out[metric] = { median: percentileCont(0.5, n, valueAt), p90: percentileCont(0.9, n, valueAt), n };
  }
  return out;
}
