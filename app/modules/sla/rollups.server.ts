// The SLA report's rollups (db/schema/sla-rollups.ts, migrations 0014, 0017–0021; docs/sla.md "Report rollups").
//
// Writes: none here. Triggers keep the four rollup tables in step in the
// transaction of every write to sla_timers, sla_cycle_results, csat_ratings and of every ticket
// move (priority, group, organization, assignee), merge or deletion: each subtracts the changed
// ticket's old contribution and adds its new one, so recomputeTicketSla needs no extra call.
// A row trigger on tickets appends the "breached now" deltas (sla_due_deltas), which the periodic
// task sla.due-counts folds into sla_due_counts (compactSlaDueCounts).
// rebuildSlaRollups() recomputes all of them from scratch (after a bulk load with triggers off).
//
// Reads: the dashboard, from the rollups only (docs/sla.md "Report rollups"). Unfiltered: one
// statement over per-dimension blocks of 2^level days (at most two per level), one over the
// histogram blocks, one for the exact values at the percentile ranks, and one for "at risk" and
// "breached now" (dueNowCounts: counters plus an hour of the open-ticket due index). Filtered by
// group or organization: the same over that group's or organization's day rows.
import { sql, type SQL } from "drizzle-orm";
import { db, rowsOf, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import type { SlaMetricName } from "./policy";
import type { BreakdownRow, ReportFilters, SlaReport } from "./reports.server";

/** Recomputes every rollup table from sla_timers, sla_cycle_results and csat_ratings, and the due counters from tickets. */
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

const DAY = 86_400_000;
const MAX_LEVEL = 9;

/** Splits [from, to] (inclusive days) into aligned blocks of 2^level days, largest first: at most two per level. */
export function blocksOf(from: string, to: string): { level: number; start: string }[] {
  const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY);
  const out: { level: number; start: string }[] = [];
  const last = dayNumber(to);
  for (let x = dayNumber(from); x <= last; ) {
    let level = MAX_LEVEL;
    while (level > 0 && (x % (1 << level) !== 0 || x + (1 << level) - 1 > last)) level--;
    out.push({ level, start: new Date(x * DAY).toISOString().slice(0, 10) });
    x += 1 << level;
  }
  return out;
}

/** Every day of [from, to] (YYYY-MM-DD): the keys of the level-0 'all' series. */
function daysOf(f: ReportFilters): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${f.from}T00:00:00Z`); t <= Date.parse(`${f.to}T00:00:00Z`); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const blockList = (f: ReportFilters) =>
  sql.join(
    blocksOf(f.from, f.to).map((b) => sql`(${b.level}::int, ${b.start}::date)`),
    sql`, `,
  );

const sums = sql`sum(r.fr_total)::int as fr_total, sum(r.fr_met)::int as fr_met, sum(r.nr_total)::int as nr_total, sum(r.nr_met)::int as nr_met,
  sum(r.res_total)::int as res_total, sum(r.res_met)::int as res_met, sum(r.csat_total)::int as csat_total, sum(r.csat_good)::int as csat_good`;

// grouping(priority, group_id, assignee_id, organization_id) over daily rows: 7 = priority, 11 = group, 13 = agent, 14 = organization.
const dimKind = sql`case grouping(r.priority, r.group_id, r.assignee_id, r.organization_id) when 7 then 'priority' when 11 then 'group' when 13 then 'agent' else 'organization' end`;
const dimKey = sql`case grouping(r.priority, r.group_id, r.assignee_id, r.organization_id) when 7 then r.priority when 11 then coalesce(r.group_id::text, '')
  when 13 then coalesce(r.assignee_id::text, '') else r.organization_id::text end`;
const dimSets = sql`grouping sets ((r.priority), (r.group_id), (r.assignee_id), (r.organization_id))`;

/**
 * (kind, key) aggregates for the range: kind 'week' (key: the Monday) and the four breakdown
 * dimensions (key: the priority, or the id as text, '' for none).
 */
function aggregatesSql(f: ReportFilters): SQL {
  // Each part is a materialized CTE, planned on its own: a UNION ALL of them made the planner
  // spread the parts over parallel workers (a Parallel Append under Gather Merge), whose start
  // cost 10-25 ms on a busy machine for ~2 ms of work.
  if (f.groupId || f.organizationId) {
    // Filtered: the day × ticket dimensions rows of one group and/or organization (index on either).
    return sql`
      with wk as materialized (
        select 'week' as kind, to_char(date_trunc('week', r.day), 'YYYY-MM-DD') as key, 0 as tickets, ${sums}
        from sla_daily_rollups r where ${rollupFilter(f)} and r.prev_day is null group by 2
      ), dm as materialized (
        select ${dimKind} as kind, ${dimKey} as key,
          coalesce(sum(r.tickets) filter (where r.prev_day is null or r.prev_day < ${f.from}::date), 0)::int as tickets, ${sums}
        from sla_daily_rollups r where ${rollupFilter(f)} group by ${dimSets}
      )
      select * from wk union all select * from dm`;
  }
  // Unfiltered: per-dimension blocks (two per level at most), the days of the 'all' series for
  // the weeks, and the tickets whose previous achievement day lies before the range start.
  return sql`
    with wk as materialized (
      select 'week' as kind, to_char(date_trunc('week', r.start), 'YYYY-MM-DD') as key, 0 as tickets, ${sums}
      from sla_rollup_blocks r where r.level = 0 and r.dim = 'all' and r.key = '' and r.start = any(${`{${daysOf(f).join(",")}}`}::date[])
      group by 2
    ), bl as materialized (
      select r.dim as kind, r.key, sum(r.tickets)::int as tickets, ${sums}
      from sla_rollup_blocks r join (values ${blockList(f)}) as w(level, start) on r.level = w.level and r.start = w.start
      where r.dim <> 'all' group by 1, 2
    ), gp as materialized (
      select ${dimKind} as kind, ${dimKey} as key, sum(r.tickets)::int as tickets, 0, 0, 0, 0, 0, 0, 0, 0
      from sla_daily_rollups r
      where r.prev_day is not null and daterange(r.prev_day, r.day, '(]') @> ${f.from}::date and r.day <= ${f.to}::date
      group by ${dimSets}
    )
    select * from wk union all select * from bl union all select * from gp`;
}

export async function slaReportFromRollups(f: ReportFilters, weeks: string[]): Promise<SlaReport> {
  const database = db();
  const at = now();
  // One statement: the aggregates, labelled by name (a few hundred primary-key lookups at most),
  // ordered by label; keys that share a label (the live report groups by label) are summed here,
  // adjacent in that order.
  const counters = ["tickets", "fr_total", "fr_met", "nr_total", "nr_met", "res_total", "res_met", "csat_total", "csat_good"] as const;
  // The three statements are independent: sent at once, they run side by side on the pool's connections.
  const percentilesPromise = rollupPercentiles(f);
  const livePromise = dueNowCounts(f, at);
  const labelled = rowsOf<Record<string, unknown>>(
    await database.execute(sql`
      with a as (${aggregatesSql(f)}),
      k as (
        select kind, key, sum(tickets)::int as tickets, sum(fr_total)::int as fr_total, sum(fr_met)::int as fr_met, sum(nr_total)::int as nr_total,
          sum(nr_met)::int as nr_met, sum(res_total)::int as res_total, sum(res_met)::int as res_met, sum(csat_total)::int as csat_total, sum(csat_good)::int as csat_good
        from a group by kind, key
      )
      select k.kind,
        case k.kind
          when 'group' then coalesce((select gr.name from groups gr where k.key <> '' and gr.id = nullif(k.key, '')::uuid), 'No group')
          when 'agent' then coalesce((select u.name from users u where k.key <> '' and u.id = nullif(k.key, '')::uuid), 'Unassigned')
          when 'organization' then (select o.name from organizations o where o.id = k.key::uuid)
          else k.key end as label,
        k.tickets, k.fr_total, k.fr_met, k.nr_total, k.nr_met, k.res_total, k.res_met, k.csat_total, k.csat_good
      from k order by 1, 2`),
  );
  const aggs: Agg[] = [];
  for (const r of labelled) {
    const prev = aggs[aggs.length - 1];
    if (prev && prev.kind === r.kind && prev.label === r.label) {
      for (const c of counters) prev[c] += Number(r[c]);
      continue;
    }
    const row = { kind: r.kind as string, label: r.label as string } as Agg;
    for (const c of counters) row[c] = Number(r[c]);
    aggs.push(row);
  }

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

  const [percentiles, live] = await Promise.all([percentilesPromise, livePromise]);
  return {
    weeks,
    weekly,
    breakdowns,
    percentiles,
    atRisk: live.atRisk,
    breached: live.breached,
    csat,
  };
}

const HOUR = 3_600_000;

/**
 * "At risk now" (open, unmerged tickets whose earliest due time lies within the next hour) and
 * "breached now" (due before `at`), exactly as slaReportLive counts them over tickets. At risk:
 * one range of tickets_open_due_idx (an hour of due times). Breached: the counters of the days
 * before today and of today's hours before this one (sla_due_counts, for the filter's dimension),
 * the deltas not yet folded in (sla_due_deltas), and the open tickets due in this hour so far
 * (tickets_open_due_idx again). Nothing visits every breached ticket.
 */
export async function dueNowCounts(f: ReportFilters, at: Date = now()): Promise<{ atRisk: number; breached: number }> {
  const due = sql`least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at)`;
  const open = sql`t.status in ('new', 'open', 'pending', 'on_hold') and t.merged_into_id is null`;
  const ticketDims = sql.join(
    [f.groupId ? sql`and t.group_id = ${f.groupId}::uuid` : sql``, f.organizationId ? sql`and t.organization_id = ${f.organizationId}::uuid` : sql``],
    sql` `,
  );
  const deltaDims = sql.join(
    [f.groupId ? sql`and d.group_id = ${f.groupId}::uuid` : sql``, f.organizationId ? sql`and d.organization_id = ${f.organizationId}::uuid` : sql``],
    sql` `,
  );
  const [dim, key] =
    f.groupId && f.organizationId ? ["pair", `${f.groupId}/${f.organizationId}`] : f.groupId ? ["group", f.groupId] : f.organizationId ? ["organization", f.organizationId] : ["all", ""];
  const hour = new Date(Math.floor(at.getTime() / HOUR) * HOUR);
  const day = new Date(Math.floor(at.getTime() / (24 * HOUR)) * 24 * HOUR);
  // sla_due_counts.start is the UTC hour or day as a timestamp without zone.
  const wall = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");
  const [row] = rowsOf<{ at_risk: number; breached: number }>(
    await db().execute(sql`
      select (select count(*) from tickets t where ${open} and ${due} >= ${at.toISOString()}::timestamptz and ${due} <= ${new Date(at.getTime() + HOUR).toISOString()}::timestamptz ${ticketDims})::int as at_risk,
        ((select coalesce(sum(c.n), 0) from sla_due_counts c where c.dim = ${dim} and c.key = ${key} and c.level = 1 and c.start < ${wall(day)}::timestamp)
          + (select coalesce(sum(c.n), 0) from sla_due_counts c where c.dim = ${dim} and c.key = ${key} and c.level = 0 and c.start >= ${wall(day)}::timestamp and c.start < ${wall(hour)}::timestamp)
          + (select coalesce(sum(d.n), 0) from sla_due_deltas d where d.due < ${hour.toISOString()}::timestamptz ${deltaDims})
          + (select count(*) from tickets t where ${open} and ${due} >= ${hour.toISOString()}::timestamptz and ${due} < ${at.toISOString()}::timestamptz ${ticketDims}))::int as breached`),
  );
  return { atRisk: Number(row?.at_risk ?? 0), breached: Number(row?.breached ?? 0) };
}

/**
 * Folds the ticket writes' due-time deltas into sla_due_counts (the periodic task "sla.due-counts",
 * app/modules/sla/jobs.server.ts). Returns how many deltas it folded (0 when another process is at it).
 */
export async function compactSlaDueCounts(tx: Executor = db()): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select sla_due_counts_compact() as n`));
  return Number(row?.n ?? 0);
}

/**
 * Median and 90th percentile of business minutes to first response and resolution, exact, in one
 * statement: the histogram (sla_elapsed_blocks, or a group's/organization's sla_elapsed_rollups)
 * gives each metric's count and the bucket each rank percentile_cont needs falls in (the ranks
 * computed in float8, as percentile_cont and JavaScript both do); the values at those ranks come
 * from sla_timers through sla_timers_elapsed_bucket_idx, for those buckets only. Unfiltered, a
 * bucket is read without ticket lookups when its clocks in the range are exactly the histogram's
 * count (no merged ticket's clock left among them); otherwise, and with a filter, joined with tickets.
 */
async function rollupPercentiles(f: ReportFilters): Promise<SlaReport["percentiles"]> {
  const database = db();
  const filtered = Boolean(f.groupId || f.organizationId);
  const hist = filtered
    ? sql`select r.metric, r.bucket, sum(r.n)::int as n from sla_elapsed_rollups r where ${rollupFilter(f)} group by 1, 2 having sum(r.n) <> 0`
    : sql`select r.metric, r.bucket, sum(r.n)::int as n
          from sla_elapsed_blocks r join (values ${blockList(f)}) as w(level, start) on r.level = w.level and r.start = w.start
          group by 1, 2 having sum(r.n) <> 0`;
  const inBucket = (b: SQL) => sql`s.metric = ${b}.metric and sla_elapsed_bucket(s.elapsed_minutes) = ${b}.bucket and s.achieved_at is not null
    and s.achieved_at >= ${f.from}::date and s.achieved_at < ${f.to}::date + 1`;
  const ticketFilters = sql.join(
    [sql`t.merged_into_id is null`, ...(f.groupId ? [sql`t.group_id = ${f.groupId}::uuid`] : []), ...(f.organizationId ? [sql`t.organization_id = ${f.organizationId}::uuid`] : [])],
    sql` and `,
  );
  // Offsets k0..k1 of a bucket's sorted values, through tickets (exact under any filter).
  const joined = (b: SQL) => sql`array(select s.elapsed_minutes from sla_timers s join tickets t on t.id = s.ticket_id
    where ${inBucket(b)} and ${ticketFilters} order by s.elapsed_minutes offset ${b}.k0 limit ${b}.k1 - ${b}.k0 + 1)`;
  // (b.bucket >= 0 inside the lateral: a one-time filter, so bucket -1 — exactly 0 — reads nothing.)
  const lookup = filtered
    ? sql`select null::int as cnt, ${joined(sql`b`)} as v where b.bucket >= 0`
    : sql`select count(*)::int as cnt, (array_agg(s.elapsed_minutes order by s.elapsed_minutes))[b.k0 + 1 : b.k1 + 1] as v
          from sla_timers s where b.bucket >= 0 and ${inBucket(sql`b`)}`;
  // A rank if it falls in the bucket (null otherwise): least/greatest skip the nulls.
  const inB = (r: string) => sql.raw(`case when ${r} >= start and ${r} < start + n then ${r} end`);
  type Row = { metric: SlaMetricName; bucket: number; n: number; start: number; total: number; k0: number; k1: number; cnt: number | null; v: number[] | null };
  const rows = rowsOf<Row>(
    await database.execute(sql`
      with h as materialized (${hist}),
      c as (
        select metric, bucket, n, (sum(n) over w - n)::int as start, (sum(n) over (partition by metric))::int as total
        from h window w as (partition by metric order by bucket)
      ), q as (
        select c.*, floor(0.5::float8 * (total - 1))::int as r1, ceil(0.5::float8 * (total - 1))::int as r2,
          floor(0.9::float8 * (total - 1))::int as r3, ceil(0.9::float8 * (total - 1))::int as r4
        from c
      ), b as (
        select * from (
          select metric, bucket, n, start, total,
            least(${inB("r1")}, ${inB("r2")}, ${inB("r3")}, ${inB("r4")}) - start as k0,
            greatest(${inB("r1")}, ${inB("r2")}, ${inB("r3")}, ${inB("r4")}) - start as k1
          from q
        ) z where k0 is not null
      )
      select b.*, x.cnt, x.v from b left join lateral (${lookup}) as x on true`),
  );
  const values = new Map<string, number>();
  const totals = new Map<SlaMetricName, number>();
  const setValues = (metric: SlaMetricName, first: number, v: unknown[]) => v.forEach((x, i) => values.set(`${metric}:${first + i}`, Number(x)));
  type Pending = { metric: SlaMetricName; bucket: number; first: number; k0: number; k1: number };
  const pending: Pending[] = [];
  for (const r of rows) {
    const [bucket, n, start, k0, k1] = [Number(r.bucket), Number(r.n), Number(r.start), Number(r.k0), Number(r.k1)];
    totals.set(r.metric, Number(r.total));
    if (bucket < 0) setValues(r.metric, start + k0, Array(k1 - k0 + 1).fill(0)); // bucket -1 holds exactly 0
    else if (r.v && (filtered || Number(r.cnt) === n)) setValues(r.metric, start + k0, r.v);
    else pending.push({ metric: r.metric, bucket, first: start + k0, k0, k1 });
  }
  if (pending.length) {
    // Unfiltered, a bucket holding clocks of merged tickets (merged without a recompute): through tickets.
    const list = sql.join(
      pending.map((p) => sql`(${p.metric}::text, ${p.bucket}::int, ${p.first}::int, ${p.k0}::int, ${p.k1}::int)`),
      sql`, `,
    );
    const found = rowsOf<{ metric: SlaMetricName; first: number; v: number[] }>(
      await database.execute(sql`select w.metric, w.first, ${joined(sql`w`)} as v from (values ${list}) as w(metric, bucket, first, k0, k1)`),
    );
    for (const r of found) setValues(r.metric, Number(r.first), r.v);
  }
  const out: SlaReport["percentiles"] = {};
  for (const [metric, n] of totals) {
    const valueAt = (rank: number) => {
      const v = values.get(`${metric}:${rank}`);
      if (v === undefined) throw new Error(`SLA rollups out of step with sla_timers (${metric}, rank ${rank}): run sla_rollups_rebuild()`);
      return v;
    };
    out[metric] = { median: percentileCont(0.5, n, valueAt), p90: percentileCont(0.9, n, valueAt), n };
  }
  return out;
}
