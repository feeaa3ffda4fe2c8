import { Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/reports-sla";
import { requirePermission } from "~/modules/auth/guard.server";
import { defaultRange, reportFilterOptions, slaReport, slaReportCsv, type BreakdownRow } from "~/modules/sla/reports.server";
import { formatTargetMinutes, slaMetricLabels, slaMetrics, type SlaMetricName } from "~/modules/sla/policy";

export const meta: Route.MetaFunction = () => [{ title: "SLA reports · Desk · Support Portal" }];

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(v)));

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "read:sla-reports");
  const defaults = defaultRange();
  const q = Object.fromEntries(url.searchParams);
  const errors: Record<string, string> = {};
  const from = q.from ? (date.safeParse(q.from).success ? q.from : ((errors.from = "Enter a date as YYYY-MM-DD."), defaults.from)) : defaults.from;
  let to = q.to ? (date.safeParse(q.to).success ? q.to : ((errors.to = "Enter a date as YYYY-MM-DD."), defaults.to)) : defaults.to;
  if (to < from) {
    errors.to = "The end must not be before the start.";
    to = from;
  }
  const groupId = z.uuid().safeParse(q.groupId).success ? q.groupId : undefined;
  // The organization: typed by name in the form (?organization=, looked up first), or by id from a
  // link (?organizationId=, its name read beside the report).
  const typed = q.organization?.trim() ? q.organization : undefined;
  const typedChoice = typed ? await reportFilterOptions({ organizationName: typed }) : null;
  const organizationId = typedChoice ? typedChoice.organization?.id : z.uuid().safeParse(q.organizationId).success ? q.organizationId : undefined;
  const filters = { from, to, groupId, organizationId };
  if (q.format === "csv") {
    const csv = await slaReportCsv(filters);
    return new Response(csv, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="sla-tickets-${from}-to-${to}.csv"`, "cache-control": "no-store" },
    });
  }
  const [full, choice] = await Promise.all([slaReport(filters), typedChoice ?? reportFilterOptions({ organizationId })]);
  if (choice.error) errors.organization = choice.error;
  // Agents and organizations can run to hundreds of rows: the page shows the busiest ones unless
  // asked for all (?all=agent|organization); the numbers of the rows shown are the same either way.
  const all = q.all === "agent" || q.all === "organization" ? q.all : null;
  const breakdownSizes = Object.fromEntries(Object.entries(full.breakdowns).map(([k, rows]) => [k, rows.length]));
  const breakdowns = Object.fromEntries(Object.entries(full.breakdowns).map(([k, rows]) => [k, TOP[k] && k !== all ? topRows(rows, TOP[k]) : rows]));
  const report = { ...full, breakdowns };
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  return { filters, errors, report, breakdownSizes, all, query: query.toString(), organization: choice.organization, typedOrganization: choice.error ? (q.organization ?? "") : null, groups: choice.groups, csvHref: `${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), format: "csv" } as Record<string, string>).toString()}` };
}

/** Breakdowns shown as their busiest rows by default (most tickets first, then by name). */
const TOP: Record<string, number> = { agent: 10, organization: 10 };
function topRows(rows: BreakdownRow[], n: number): BreakdownRow[] {
  return [...rows].sort((a, b) => b.tickets - a.tickets || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)).slice(0, n);
}

const colors: Record<SlaMetricName, string> = { firstResponse: "#3b5bdb", nextResponse: "#c77700", resolution: "#2b8a3e" };
const pct = (met: number, total: number) => (total ? `${Math.round((100 * met) / total)} %` : "—");

function ComplianceChart({ weeks, weekly }: { weeks: string[]; weekly: { week: string; metric: SlaMetricName; met: number; total: number }[] }) {
  const w = 720;
  const h = 240;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const x = (i: number) => left + (weeks.length <= 1 ? 0 : (i * (w - left - 10)) / (weeks.length - 1));
  const y = (v: number) => top + (1 - v) * (h - top - bottom);
  const series = slaMetrics.map((m) => ({
    metric: m,
    points: weeks.map((wk, i) => {
      const p = weekly.find((r) => r.week === wk && r.metric === m);
      return p && p.total ? { i, v: p.met / p.total, p } : null;
    }),
  }));
  const summary = series
    .map((s) => `${slaMetricLabels[s.metric]}: ${s.points.filter(Boolean).map((p) => `${weeks[p!.i]} ${Math.round(p!.v * 100)}%`).join(", ") || "no data"}`)
    .join(". ");
  return (
    <figure>
      <svg className="sla-chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Compliance per week. ${summary}`}>
        {[0, 0.25, 0.5, 0.75, 1].map((v) => (
          <g key={v}>
            <line x1={left} x2={w - 10} y1={y(v)} y2={y(v)} stroke="#d9dde3" strokeDasharray={v === 0 || v === 1 ? undefined : "3 3"} />
            <text x={left - 6} y={y(v) + 4} textAnchor="end">
              {v * 100}%
            </text>
          </g>
        ))}
        {weeks.map((wk, i) =>
          i % 2 === 0 || weeks.length <= 8 ? (
            <text key={wk} x={x(i)} y={h - 10} textAnchor="middle">
              {wk.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => {
          const pts = s.points.filter(Boolean) as { i: number; v: number }[];
          return (
            <g key={s.metric} stroke={colors[s.metric]} fill={colors[s.metric]}>
              {pts.length > 1 ? <polyline fill="none" strokeWidth={2} points={pts.map((p) => `${x(p.i)},${y(p.v)}`).join(" ")} /> : null}
              {pts.map((p) => (
                <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={3.5}>
                  <title>{`${slaMetricLabels[s.metric]}, week of ${weeks[p.i]}: ${Math.round(p.v * 100)} %`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="sla-legend">
        {slaMetrics.map((m) => (
          <span key={m} style={{ color: colors[m] }}>
            <span style={{ color: "var(--text)" }}>{slaMetricLabels[m]}</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function Breakdown({ title, rows, size, expand }: { title: string; rows: BreakdownRow[]; size?: number; expand?: { all: string; less: string } }) {
  const partial = size !== undefined && size > rows.length;
  return (
    <section className="card" aria-label={`By ${title}`}>
      <h2 className="card-title">By {title}</h2>
      {partial && expand ? (
        <p className="muted small">
          The {rows.length} with the most tickets of {size}. <Link to={expand.all}>Show all {size}</Link>
        </p>
      ) : expand && size !== undefined && size > (TOP[title] ?? Infinity) ? (
        <p className="muted small">
          All {size}. <Link to={expand.less}>Show the busiest {TOP[title]}</Link>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">No data in this range.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{title[0]!.toUpperCase() + title.slice(1)}</th>
                <th scope="col" className="num">
                  Tickets
                </th>
                <th scope="col" className="num">
                  First response met
                </th>
                <th scope="col" className="num">
                  Resolution met
                </th>
                <th scope="col" className="num">
                  CSAT good
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{r.tickets}</td>
                  <td className="num">
                    {pct(r.firstResponse.met, r.firstResponse.total)} <span className="muted small">({r.firstResponse.total})</span>
                  </td>
                  <td className="num">
                    {pct(r.resolution.met, r.resolution.total)} <span className="muted small">({r.resolution.total})</span>
                  </td>
                  <td className="num">
                    {pct(r.csat.good, r.csat.total)} <span className="muted small">({r.csat.total})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const minutesText = (m: number | null | undefined) => (m === null || m === undefined ? "—" : formatTargetMinutes(m));

export default function SlaReports({ loaderData }: Route.ComponentProps) {
  const { report, filters, errors } = loaderData;
  const totals = slaMetrics.map((m) => {
    const rows = report.weekly.filter((r) => r.metric === m);
    return { m, met: rows.reduce((s, r) => s + r.met, 0), total: rows.reduce((s, r) => s + r.total, 0) };
  });
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk">Desk</Link> <span aria-hidden="true">/</span> <span>SLA reports</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>SLA reports</h1>
          <p>Compliance is the share of clocks that ended (were achieved) within their target, by the week they ended. Business time follows each policy’s calendar.</p>
        </div>
        <a className="btn btn-secondary" href={loaderData.csvHref} download>
          Export tickets (CSV)
        </a>
      </div>
      <Form method="get" className="card filters" aria-label="Report filters">
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="r-from">From</label>
            <input id="r-from" type="date" name="from" defaultValue={filters.from} aria-invalid={errors.from ? true : undefined} />
            {errors.from ? <span className="error">{errors.from}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="r-to">To</label>
            <input id="r-to" type="date" name="to" defaultValue={filters.to} aria-invalid={errors.to ? true : undefined} />
            {errors.to ? <span className="error">{errors.to}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="r-group">Group</label>
            <select id="r-group" name="groupId" defaultValue={filters.groupId ?? ""}>
              <option value="">All groups</option>
              {loaderData.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="r-org">Organization</label>
            <input
              id="r-org"
              type="search"
              name="organization"
              defaultValue={loaderData.typedOrganization ?? loaderData.organization?.name ?? ""}
              placeholder="All organizations"
              autoComplete="off"
              maxLength={200}
              aria-describedby={errors.organization ? "r-org-help r-org-error" : "r-org-help"}
              aria-invalid={errors.organization ? true : undefined}
            />
            <span id="r-org-help" className="muted small">
              A name or its start; empty for all.
            </span>
            {errors.organization ? (
              <span id="r-org-error" className="error">
                {errors.organization}
              </span>
            ) : null}
          </div>
        </div>
        <div className="actions">
          <button className="btn" type="submit">
            Apply
          </button>
        </div>
      </Form>

      <div className="sla-stats" role="list" aria-label="Summary">
        {totals.map((t) => (
          <div key={t.m} className="sla-stat" role="listitem">
            {slaMetricLabels[t.m]} met <strong>{pct(t.met, t.total)}</strong>
            <span className="muted small">{t.total} ended</span>
          </div>
        ))}
        <div className="sla-stat" role="listitem">
          At risk now (due within 1 h) <strong>{report.atRisk}</strong>
          <Link className="small" to="/desk/views/breaching-soon">
            View
          </Link>
        </div>
        <div className="sla-stat" role="listitem">
          Breached now <strong>{report.breached}</strong>
          <Link className="small" to="/desk/views/breached">
            View
          </Link>
        </div>
        <div className="sla-stat" role="listitem">
          CSAT good <strong>{pct(report.csat.good, report.csat.total)}</strong>
          <span className="muted small">{report.csat.total} ratings</span>
        </div>
      </div>

      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title" className="card-title">
          Compliance per week
        </h2>
        <ComplianceChart weeks={report.weeks} weekly={report.weekly} />
      </section>

      <section className="card sla-report" aria-labelledby="times-title">
        <h2 id="times-title" className="card-title">
          Business time to first response and resolution
        </h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="num">
                  Median
                </th>
                <th scope="col" className="num">
                  90th percentile
                </th>
                <th scope="col" className="num">
                  Tickets
                </th>
              </tr>
            </thead>
            <tbody>
              {(["firstResponse", "resolution"] as const).map((m) => (
                <tr key={m}>
                  <th scope="row">{slaMetricLabels[m]}</th>
                  <td className="num">{minutesText(report.percentiles[m]?.median)}</td>
                  <td className="num">{minutesText(report.percentiles[m]?.p90)}</td>
                  <td className="num">{report.percentiles[m]?.n ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="sla-breakdowns sla-report">
        <Breakdown title="priority" rows={report.breakdowns.priority ?? []} />
        <Breakdown title="group" rows={report.breakdowns.group ?? []} />
        {(["agent", "organization"] as const).map((dim) => (
          <Breakdown
            key={dim}
            title={dim}
            rows={report.breakdowns[dim] ?? []}
            size={loaderData.breakdownSizes[dim]}
            expand={{ all: `?${loaderData.query}${loaderData.query ? "&" : ""}all=${dim}`, less: `?${loaderData.query}` }}
          />
        ))}
      </div>
    </>
  );
}
