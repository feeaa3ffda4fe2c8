import { Link } from "react-router";
import type { Route } from "./+types/reports";
import { BarChart } from "~/components/beta-charts";
import { requirePermission } from "~/modules/auth/guard.server";
import { getActiveProgram } from "~/modules/beta/deals.server";
import { pipelineStages, stageLabels } from "~/modules/beta/model";
import { reportData } from "~/modules/beta/pipeline.server";
import { churnReasonCounts, conversionSummary } from "~/modules/beta/exit.server";
import { formatRate } from "~/modules/beta/goals";

export const meta: Route.MetaFunction = () => [{ title: "Reports · Beta program · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  const program = await getActiveProgram();
  if (!program) return { program: null, report: null, conversion: null, churnReasons: [] };
  const [report, conversion, churnReasons] = await Promise.all([reportData(program), conversionSummary({ programId: program.id }), churnReasonCounts({ programId: program.id })]);
  return { program: { name: program.name }, report, conversion, churnReasons };
}

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)} %`);
const days = (v: number | null) => (v === null ? "—" : `${Math.round(v * 10) / 10} days`);

export default function BetaReports({ loaderData }: Route.ComponentProps) {
  const { program, report, conversion, churnReasons } = loaderData;
  if (!program || !report || !conversion) return <p className="empty">No active beta program.</p>;
  return (
    <div className="beta-reports">
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / Reports
      </p>
      <div className="page-header">
        <div>
          <h1>Reports</h1>
          <p>
            {program.name}: {report.deals} deals, {report.backwardMoves} backward {report.backwardMoves === 1 ? "move" : "moves"}.
          </p>
        </div>
        <div className="actions">
          <a href="/beta/reports/deals.csv" className="btn btn-secondary btn-sm" download>
            Export CSV
          </a>
          <Link to="/beta/import" className="btn btn-secondary btn-sm">
            Import CSV
          </Link>
        </div>
      </div>
      <div className="grid-2 beta-report-grid">
        <section className="card" aria-labelledby="funnel-h">
          <h2 id="funnel-h" className="card-title">
            Funnel
          </h2>
          <BarChart title="Deals that reached each stage" bars={report.funnel.map((s) => ({ label: stageLabels[s.stage], value: s.reached }))} />
          <table className="table small">
            <caption className="visually-hidden">Stage-to-stage conversion</caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Reached</th>
                <th scope="col">Skipped</th>
                <th scope="col">To next</th>
              </tr>
            </thead>
            <tbody>
              {report.funnel.map((s) => (
                <tr key={s.stage}>
                  <th scope="row">{stageLabels[s.stage]}</th>
                  <td>{s.reached}</td>
                  <td>{s.skipped}</td>
                  <td>{pct(s.conversionToNext)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            A deal reached a stage when it entered it or any later one (a skipped stage counts as passed); it counts once however often it moved back and forth;
            lost deals count for the stages they reached.
          </p>
        </section>
        <section className="card" aria-labelledby="time-h">
          <h2 id="time-h" className="card-title">
            Median time in stage
          </h2>
          <BarChart title="Median days in each stage" unit=" d" bars={pipelineStages.slice(0, 3).map((s) => ({ label: stageLabels[s], value: report.medianDays[s] }))} />
          <p>
            Velocity, prospect to onboarded: <strong>{days(report.velocity.medianDays)}</strong> median over {report.velocity.deals}{" "}
            {report.velocity.deals === 1 ? "deal" : "deals"} (mean {days(report.velocity.meanDays)}).
          </p>
          <p className="muted small">Only finished visits count (a deal still in a stage is left out of that stage&apos;s median); repeated visits add up.</p>
        </section>
        <section className="card" aria-labelledby="conversion-h">
          <h2 id="conversion-h" className="card-title">
            Beta exit: conversion rate
          </h2>
          <p>
            <strong className="beta-big-number">{formatRate(conversion.rate)}</strong>{" "}
            {conversion.decided === 0 ? "No beta exit decided yet." : `${conversion.converted} converted of ${conversion.decided} decided.`}
          </p>
          {churnReasons.length ? <BarChart title="Churned beta customers by reason" bars={churnReasons.map((r) => ({ label: r.reason, value: r.count }))} /> : null}
          <table className="table small">
            <caption className="visually-hidden">Beta exit decisions</caption>
            <tbody>
              <tr>
                <th scope="row">Converted</th>
                <td>{conversion.converted}</td>
              </tr>
              <tr>
                <th scope="row">Churned</th>
                <td>{conversion.churned}</td>
              </tr>
              {churnReasons.map((r) => (
                <tr key={r.reason}>
                  <th scope="row">Churned: {r.reason}</th>
                  <td>{r.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Conversion rate = converted / decided (converted + churned) among this program&apos;s deals; customers still in their beta are not counted.{" "}
            <Link to="/beta/goals">Goals</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="lost-h">
          <h2 id="lost-h" className="card-title">
            Lost reasons
          </h2>
          {report.lostReasons.length === 0 ? (
            <p className="muted">No lost deals.</p>
          ) : (
            <>
              <BarChart title="Lost deals by reason" bars={report.lostReasons.map((r) => ({ label: r.reason, value: r.count }))} />
              <ul className="visually-hidden">
                {report.lostReasons.map((r) => (
                  <li key={r.reason}>
                    {r.reason}: {r.count}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
