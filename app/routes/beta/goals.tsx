import { Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/goals";
import { BurnUpChart, BurnUpLegend } from "~/components/beta-burnup";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { DealError } from "~/modules/beta/deals.server";
import { goalsFormSchema } from "~/modules/beta/goal-forms";
import { formatRate, goalStatusLabels, type GoalStatus } from "~/modules/beta/goals";
import { goalsOverview, listGoals, saveGoals } from "~/modules/beta/goals.server";

export const meta: Route.MetaFunction = () => [{ title: "Goals · Beta program · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "manage:beta");
  const overview = await goalsOverview();
  return { ...overview, canEdit: can(user, "manage:beta-goals") };
}

/** Admins edit the start date, the company time zone and each goal's numbers. */
export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:beta-goals");
  const form = await readForm(request);
  const goals = await listGoals();
  const parsed = parseForm(form, goalsFormSchema(goals.map((g) => g.id)));
  if (!parsed.success) return parsed.response;
  const v = parsed.data as Record<string, unknown>;
  try {
    await saveGoals(
      { id: user.id, name: user.name },
      {
        startsOn: v.startsOn as string,
        timeZone: v.timeZone as string,
        goals: goals.map((g) => ({ id: g.id, minimum: v[`minimum-${g.id}`] as number | null, target: v[`target-${g.id}`] as number, byMonth: v[`byMonth-${g.id}`] as number })),
      },
    );
  } catch (e) {
    if (e instanceof DealError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.message, e.status);
    throw e;
  }
  return redirect("/beta/goals?saved=1");
}

const statusTone: Record<GoalStatus, string> = { met: "badge-success", "met-minimum": "badge-warning", "on-track": "badge-success", behind: "badge-warning", missed: "badge-danger" };

export default function BetaGoals({ loaderData, actionData }: Route.ComponentProps) {
  const { today, settings, goals, metrics, risks, conversion, canEdit } = loaderData;
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const value = (name: string, fallback: string | number | null) => failure?.values[name] ?? (fallback === null ? "" : String(fallback));
  return (
    <div className="beta-goals">
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / Goals
      </p>
      <div className="page-header">
        <div>
          <h1>Goals</h1>
          <p>
            The company&apos;s program goals as dated targets, months counted from <strong>{settings.startsOn}</strong>. Progress comes from the data: deals onboarded,
            and beta organizations converted to a paid plan. A summary goes to sales and admins on Mondays at 08:00 ({settings.timeZone}).
          </p>
        </div>
        <div className="actions">
          <Link to="/beta/reports" className="btn btn-secondary btn-sm">
            Reports
          </Link>
          <Link to="/beta/programs" className="btn btn-ghost btn-sm">
            Programs
          </Link>
        </div>
      </div>
      <div aria-live="polite">
        {params.get("saved") && !failure ? (
          <div className="alert alert-success" role="status">
            Goals saved.
          </div>
        ) : null}
      </div>
      <section className="card beta-conversion" aria-labelledby="conversion-h">
        <h2 id="conversion-h" className="card-title">
          Beta conversion rate
        </h2>
        <p>
          <strong className="beta-big-number">{formatRate(conversion.rate)}</strong>{" "}
          {conversion.decided === 0
            ? "No beta exit decided yet."
            : `${conversion.converted} converted of ${conversion.decided} decided (${conversion.churned} churned).`}
        </p>
      </section>
      <div className="grid-2 beta-goal-grid">
        {metrics.map((m) => (
          <section key={m.metric} className="card" aria-labelledby={`goal-${m.metric}-h`}>
            <h2 id={`goal-${m.metric}-h`} className="card-title">
              {m.label}: {m.current}
            </h2>
            <table className="table small">
              <caption className="visually-hidden">{m.label}: goals and progress</caption>
              <thead>
                <tr>
                  <th scope="col">Goal</th>
                  <th scope="col">By</th>
                  <th scope="col">Now</th>
                  <th scope="col">Expected today</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {m.progress.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      {p.minimum !== null ? `${p.minimum}–` : ""}
                      {p.target} by month {p.byMonth}
                    </th>
                    <td>{p.dueOn}</td>
                    <td>
                      {p.daysLeft < 0 ? p.byDue : p.current} of {p.target}
                    </td>
                    <td>{p.daysLeft < 0 ? "—" : p.expectedNow}</td>
                    <td>
                      <span className={`badge ${statusTone[p.status]}`}>{goalStatusLabels[p.status]}</span>
                      {p.daysLeft >= 0 && p.remaining > 0 ? <span className="muted small"> {p.remaining} more in {p.daysLeft} days</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {m.chart ? (
              <>
                <BurnUpChart
                  title={`${m.label}: burn-up against the target`}
                  description={`${m.current} so far; target ${m.progress.map((p) => `${p.target} by ${p.dueOn}`).join(", ")}. The table below lists the same numbers.`}
                  data={m.chart}
                  today={today}
                />
                <BurnUpLegend minimum={!!m.chart.minimum} />
                <details>
                  <summary>Chart data as a table</summary>
                  <table className="table small">
                    <caption>{m.label}, cumulative by date</caption>
                    <thead>
                      <tr>
                        <th scope="col">Date</th>
                        <th scope="col">Actual</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.chart.actual.map((p) => (
                        <tr key={p.day}>
                          <th scope="row">{p.day}</th>
                          <td>{p.value}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table className="table small">
                    <caption>{m.label}, target line</caption>
                    <thead>
                      <tr>
                        <th scope="col">Date</th>
                        <th scope="col">Target</th>
                        {m.chart.minimum ? <th scope="col">Minimum</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {m.chart.target.map((p, i) => (
                        <tr key={p.day}>
                          <th scope="row">{p.day}</th>
                          <td>{p.value}</td>
                          {m.chart!.minimum ? <td>{m.chart!.minimum[i]?.value ?? "—"}</td> : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </>
            ) : (
              <p className="muted">No goal of this kind.</p>
            )}
            <h3 className="beta-risk-h">What puts it at risk</h3>
            {m.risks.length === 0 ? (
              <p className="muted">Nothing at risk right now.</p>
            ) : (
              <ul className="beta-risks">
                {m.risks.map((r) => (
                  <li key={`${r.kind}-${r.dealId}`}>
                    <span className={`badge ${r.kind === "stale" ? "badge-warning" : "badge-danger"}`}>{r.kindLabel}</span>{" "}
                    <Link to={`/beta/deals/${r.dealId}`}>{r.company}</Link> <span className="muted small">({r.stage})</span>: {r.detail}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
      {risks.length === 0 ? null : (
        <p className="muted small">
          Stale: an open deal with no next step, an overdue one, or no activity for its stage&apos;s limit. Support health red: an SLA breach, CSAT below 60 % or no contact for 30
          days. Beta ending: an onboarded customer whose beta ends within 14 days (or has ended) with no conversion decision.
        </p>
      )}
      {canEdit ? (
        <details className="card" open={!!failure}>
          <summary>Edit the goals</summary>
          <FormError failure={failure} />
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="goals" />
            <div className="beta-form-grid">
              <Field label="Months count from" name="startsOn" type="date" required defaultValue={value("startsOn", settings.startsOn)} error={failure?.fieldErrors.startsOn} />
              <Field
                label="Company time zone"
                name="timeZone"
                required
                defaultValue={value("timeZone", settings.timeZone)}
                error={failure?.fieldErrors.timeZone}
                hint="The weekly summary goes out Mondays at 08:00 in this zone."
              />
            </div>
            {goals.map((g) => (
              <fieldset key={g.id} className="beta-goal-fieldset">
                <legend>
                  {g.label} (month {g.byMonth})
                </legend>
                <div className="beta-form-grid">
                  <Field label="Minimum" name={`minimum-${g.id}`} type="number" min={0} defaultValue={value(`minimum-${g.id}`, g.minimum)} error={failure?.fieldErrors[`minimum-${g.id}`]} hint="Optional" />
                  <Field label="Target" name={`target-${g.id}`} type="number" min={1} required defaultValue={value(`target-${g.id}`, g.target)} error={failure?.fieldErrors[`target-${g.id}`]} />
                  <Field label="By month" name={`byMonth-${g.id}`} type="number" min={1} required defaultValue={value(`byMonth-${g.id}`, g.byMonth)} error={failure?.fieldErrors[`byMonth-${g.id}`]} />
                </div>
              </fieldset>
            ))}
            <SubmitButton pendingText="Saving…">Save goals</SubmitButton>
          </Form>
        </details>
      ) : null}
    </div>
  );
}
