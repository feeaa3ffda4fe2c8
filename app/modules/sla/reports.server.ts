// SLA reports (/desk/reports/sla): compliance per metric and week, breakdowns, business-time
// percentiles, at-risk and breached counts now, CSAT; CSV export of the underlying tickets.
// Source: sla_timers (the last computed clock per ticket and metric: achieved_at, elapsed, target),
// and sla_cycle_results for every achieved next-response cycle.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { slaMetrics, type SlaMetricName } from "./policy";
import { slaReportFromRollups } from "./rollups.server";

export interface ReportFilters {
  from: string; // YYYY-MM-DD, inclusive
  to: string; // YYYY-MM-DD, inclusive
  groupId?: string;
  organizationId?: string;
}

const DAY = 86_400_000;

/** Default range: the last 12 full weeks up to today (Monday-aligned start). */
export function defaultRange(at: Date = now()): { from: string; to: string } {
  const today = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
  const from = new Date(monday.getTime() - 11 * 7 * DAY);
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

function ticketFilter(f: ReportFilters): SQL {
  const parts: SQL[] = [sql`t.merged_into_id is null`];
  if (f.groupId) parts.push(sql`t.group_id = ${f.groupId}::uuid`);
  if (f.organizationId) parts.push(sql`t.organization_id = ${f.organizationId}::uuid`);
  return sql.join(parts, sql` and `);
}

const range = (f: ReportFilters, column: SQL) => sql`${column} >= ${f.from}::date and ${column} < ${f.to}::date + 1`;

export interface WeekPoint {
  week: string;
  metric: SlaMetricName;
  met: number;
  total: number;
}

export interface BreakdownRow {
  key: string;
  label: string;
  tickets: number;
  firstResponse: { met: number; total: number };
  resolution: { met: number; total: number };
  csat: { good: number; total: number };
}

export type SlaReport = Awaited<ReturnType<typeof slaReportLive>>;

/** The dashboard, from the rollups (app/modules/sla/rollups.server.ts): index ranges only, no scan of tickets. */
export async function slaReport(f: ReportFilters): Promise<SlaReport> {
  return slaReportFromRollups(f, weeksOf(f));
}

function weeksOf(f: ReportFilters): string[] {
  const weeks: string[] = [];
  const start = new Date(`${f.from}T00:00:00Z`);
  const firstMonday = new Date(start.getTime() - ((start.getUTCDay() + 6) % 7) * DAY);
  for (let t = firstMonday.getTime(); t <= new Date(`${f.to}T00:00:00Z`).getTime() && weeks.length < 60; t += 7 * DAY) weeks.push(new Date(t).toISOString().slice(0, 10));
  return weeks;
}

/**
 * The same report computed live from sla_timers, sla_cycle_results and csat_ratings joined with
 * tickets (what the dashboard ran before the rollups: 0.6–2 s per statement at 100k tickets).
 * Kept as the reference the rollups are tested against (tests/integration/sla-reports-rollups.test.ts).
 */
export async function slaReportLive(f: ReportFilters) {
  const database = db();
  const at = now();
  const weekly = rowsOf<{ week: string; metric: SlaMetricName; met: number; total: number }>(
    await database.execute(sql`
      select to_char(date_trunc('week', s.achieved_at at time zone 'UTC'), 'YYYY-MM-DD') as week, s.metric,
             count(*) filter (where s.elapsed_minutes <= s.target_minutes)::int as met, count(*)::int as total
      from (
        -- first response and resolution from the ticket's clocks; next response from every achieved cycle
        select ticket_id, metric, elapsed_minutes, target_minutes, achieved_at from sla_timers where metric <> 'nextResponse'
        union all
        select ticket_id, metric, elapsed_minutes, target_minutes, achieved_at from sla_cycle_results
      ) s join tickets t on t.id = s.ticket_id
      where s.achieved_at is not null and s.target_minutes is not null and ${range(f, sql`s.achieved_at`)} and ${ticketFilter(f)}
      group by 1, 2 order by 1`),
  );
  const weeks = weeksOf(f);

  const dims: Record<string, SQL> = {
    priority: sql`t.priority::text`,
    group: sql`coalesce(g.name, 'No group')`,
    agent: sql`coalesce(a.name, 'Unassigned')`,
    organization: sql`o.name`,
  };
  const breakdowns: Record<string, BreakdownRow[]> = {};
  for (const [dim, expr] of Object.entries(dims)) {
    const rows = rowsOf<{ label: string; tickets: number; fr_met: number; fr_total: number; res_met: number; res_total: number }>(
      await database.execute(sql`
        select ${expr} as label, count(distinct t.id)::int as tickets,
          count(*) filter (where s.metric = 'firstResponse' and s.elapsed_minutes <= s.target_minutes)::int as fr_met,
          count(*) filter (where s.metric = 'firstResponse')::int as fr_total,
          count(*) filter (where s.metric = 'resolution' and s.elapsed_minutes <= s.target_minutes)::int as res_met,
          count(*) filter (where s.metric = 'resolution')::int as res_total
        from sla_timers s join tickets t on t.id = s.ticket_id join organizations o on o.id = t.organization_id
          left join groups g on g.id = t.group_id left join users a on a.id = t.assignee_id
        where s.achieved_at is not null and s.target_minutes is not null and ${range(f, sql`s.achieved_at`)} and ${ticketFilter(f)}
        group by 1 order by 1`),
    );
    const ratings = rowsOf<{ label: string; good: number; rated: number }>(
      await database.execute(sql`
        select ${expr} as label, count(*) filter (where c.rating = 'good')::int as good, count(*)::int as rated
        from csat_ratings c join tickets t on t.id = c.ticket_id join organizations o on o.id = t.organization_id
          left join groups g on g.id = t.group_id left join users a on a.id = t.assignee_id
        where ${range(f, sql`c.created_at`)} and ${ticketFilter(f)}
        group by 1`),
    );
    const byLabel = new Map(ratings.map((r) => [r.label, r]));
    for (const r of ratings) if (!rows.some((x) => x.label === r.label)) rows.push({ label: r.label, tickets: 0, fr_met: 0, fr_total: 0, res_met: 0, res_total: 0 });
    breakdowns[dim] = rows.map((r) => ({
      key: r.label,
      label: r.label,
      tickets: Number(r.tickets),
      firstResponse: { met: Number(r.fr_met), total: Number(r.fr_total) },
      resolution: { met: Number(r.res_met), total: Number(r.res_total) },
      csat: { good: Number(byLabel.get(r.label)?.good ?? 0), total: Number(byLabel.get(r.label)?.rated ?? 0) },
    }));
  }

  const percentiles = rowsOf<{ metric: SlaMetricName; median: number | null; p90: number | null; n: number }>(
    await database.execute(sql`
      select s.metric, percentile_cont(0.5) within group (order by s.elapsed_minutes) as median,
             percentile_cont(0.9) within group (order by s.elapsed_minutes) as p90, count(*)::int as n
      from sla_timers s join tickets t on t.id = s.ticket_id
      where s.achieved_at is not null and s.metric in ('firstResponse', 'resolution') and ${range(f, sql`s.achieved_at`)} and ${ticketFilter(f)}
      group by 1`),
  );
  const live = await liveDueCounts(f, at);
  const [csat] = rowsOf<{ good: number; total: number }>(
    await database.execute(sql`
      select count(*) filter (where c.rating = 'good')::int as good, count(*)::int as total
      from csat_ratings c join tickets t on t.id = c.ticket_id where ${range(f, sql`c.created_at`)} and ${ticketFilter(f)}`),
  );
  return {
    weeks,
    weekly: weekly.map((w) => ({ week: w.week, metric: w.metric, met: Number(w.met), total: Number(w.total) })),
    breakdowns,
    percentiles: Object.fromEntries(percentiles.map((p) => [p.metric, { median: p.median === null ? null : Number(p.median), p90: p.p90 === null ? null : Number(p.p90), n: Number(p.n) }])) as Partial<
      Record<SlaMetricName, { median: number | null; p90: number | null; n: number }>
    >,
    ...live,
    csat: { good: Number(csat?.good ?? 0), total: Number(csat?.total ?? 0) },
  };
}

/**
 * What "at risk now" and "breached now" mean: open, unmerged tickets whose earliest cached due time
 * lies within the next hour, resp. before `at` (every open ticket visited; the dashboard reads
 * counters instead: dueNowCounts in rollups.server.ts).
 */
export async function liveDueCounts(f: ReportFilters, at: Date = now()): Promise<{ atRisk: number; breached: number }> {
  const due = sql`least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at)`;
  const [live] = rowsOf<{ at_risk: number; breached: number }>(
    await db().execute(sql`
      select count(*) filter (where ${due} >= ${at.toISOString()}::timestamptz and ${due} <= ${new Date(at.getTime() + 3600_000).toISOString()}::timestamptz)::int as at_risk,
             count(*) filter (where ${due} < ${at.toISOString()}::timestamptz)::int as breached
      from tickets t where t.status in ('new', 'open', 'pending', 'on_hold') and ${ticketFilter(f)}`),
  );
  return { atRisk: Number(live?.at_risk ?? 0), breached: Number(live?.breached ?? 0) };
}

/**
 * The report form's choices: the groups (a handful: a <select>) and the organization chosen by id
 * (a link or bookmark) or typed by name (organizations run to hundreds: a text field, not a
 * 500-option <select> on every page). A name matches exactly (ignoring case), else as the unique
 * start of one organization's name; otherwise `error` says why and no organization is chosen.
 */
export async function reportFilterOptions(choice: { organizationId?: string; organizationName?: string }): Promise<{
  groups: { id: string; name: string }[];
  organization: { id: string; name: string } | null;
  error?: string;
}> {
  const database = db();
  const typed = choice.organizationName?.trim().slice(0, 200) ?? "";
  const groupsQuery = database.execute(sql`select id, name from groups order by name`);
  const orgQuery = typed
    ? database.execute(sql`
        select id, name, lower(name) = lower(${typed}) as exact from organizations
        where lower(name) like lower(${`${typed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}) order by lower(name) = lower(${typed}) desc, name limit 6`)
    : choice.organizationId
      ? database.execute(sql`select id, name, true as exact from organizations where id = ${choice.organizationId}::uuid`)
      : null;
  const [groupRows, orgRows] = await Promise.all([groupsQuery, orgQuery]);
  const groups = rowsOf<{ id: string; name: string }>(groupRows);
  const matches = orgRows ? rowsOf<{ id: string; name: string; exact: boolean }>(orgRows) : [];
  if (!typed) return { groups, organization: matches[0] ? { id: matches[0].id, name: matches[0].name } : null };
  const exact = matches.filter((m) => m.exact);
  const pick = exact.length === 1 ? exact[0] : exact.length === 0 && matches.length === 1 ? matches[0] : undefined;
  if (pick) return { groups, organization: { id: pick.id, name: pick.name } };
  if (matches.length === 0) return { groups, organization: null, error: `No organization’s name starts with “${typed}”.` };
  const names = matches.slice(0, 5).map((m) => m.name);
  return { groups, organization: null, error: `“${typed}” matches ${matches.length > 5 ? "more than 5" : matches.length} organizations (${names.join(", ")}${matches.length > 5 ? ", …" : ""}): type more of the name.` };
}

/** A CSV cell that a spreadsheet will not run: a leading = + - @ tab or CR gets a quote prefix. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The tickets behind the report (created in the range), one row each with every metric. */
export async function slaReportCsv(f: ReportFilters): Promise<string> {
  const rows = rowsOf<Record<string, unknown>>(
    await db().execute(sql`
      select t.number, t.subject, o.name as organization, t.priority, t.status, g.name as "group", a.name as assignee,
        to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created,
        ${sql.join(
          slaMetrics.map(
            (m) => sql`(select target_minutes from sla_timers s where s.ticket_id = t.id and s.metric = ${m}) as ${sql.identifier(`${m}_target`)},
                      (select round(elapsed_minutes::numeric, 1) from sla_timers s where s.ticket_id = t.id and s.metric = ${m}) as ${sql.identifier(`${m}_elapsed`)},
                      (select state from sla_timers s where s.ticket_id = t.id and s.metric = ${m}) as ${sql.identifier(`${m}_state`)}`,
          ),
          sql`, `,
        )},
        (select rating from csat_ratings c where c.ticket_id = t.id) as csat
      from tickets t join organizations o on o.id = t.organization_id left join groups g on g.id = t.group_id left join users a on a.id = t.assignee_id
      where ${range(f, sql`t.created_at`)} and ${ticketFilter(f)}
      order by t.number
      limit 50000`),
  );
  const header = ["number", "subject", "organization", "priority", "status", "group", "assignee", "created"];
  for (const m of slaMetrics) header.push(`${m} target (min)`, `${m} business minutes`, `${m} state`);
  header.push("csat");
  const keys = ["number", "subject", "organization", "priority", "status", "group", "assignee", "created", ...slaMetrics.flatMap((m) => [`${m}_target`, `${m}_elapsed`, `${m}_state`]), "csat"];
  return toCsv([header, ...rows.map((r) => keys.map((k) => r[k]))]);
}
