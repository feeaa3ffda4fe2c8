import { Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/sla";
import { DataTable } from "~/components/data-table";
import { FormError } from "~/components/form";
import { RecomputeProgress } from "~/components/sla-admin";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { deleteCalendar, deletePolicy, deleteRule, movePolicy, SlaAdminError, slaOverview } from "~/modules/sla/admin.server";
import { formatTargetMinutes, slaMetricLabels, slaPriorities, type SlaMetricName } from "~/modules/sla/policy";

export const meta: Route.MetaFunction = () => [{ title: "SLA · Admin · Support Portal" }];

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), id: z.uuid(), direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("delete-policy"), id: z.uuid() }),
  z.object({ intent: z.literal("delete-calendar"), id: z.uuid() }),
  z.object({ intent: z.literal("delete-rule"), id: z.uuid() }),
]);

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:sla");
  const o = await slaOverview();
  return {
    calendars: o.calendars.map((c) => ({ id: c.id, name: c.name, timeZone: c.timeZone, holidays: c.holidays.length, days: Object.keys(c.hours).length })),
    policies: o.policies.map((p) => ({
      id: p.id,
      name: p.name,
      active: p.active,
      calendar: o.calendars.find((c) => c.id === p.calendarId)?.name ?? "—",
      conditions: [
        p.plans.length ? `plan: ${p.plans.join(", ")}` : null,
        p.priorities.length ? `priority: ${p.priorities.join(", ")}` : null,
        p.organizationIds.length ? `${p.organizationIds.length} organization(s)` : null,
        p.groupIds.length ? `${p.groupIds.length} group(s)` : null,
        p.channels.length ? `channel: ${p.channels.join(", ")}` : null,
      ].filter(Boolean) as string[],
      targets: slaPriorities
        .map((pr) => {
          const t = p.targets[pr];
          if (!t) return null;
          const parts = (["firstResponse", "nextResponse", "resolution"] as SlaMetricName[])
            .map((m) => (t[`${m}Minutes`] ? `${slaMetricLabels[m].split(" ")[0]} ${formatTargetMinutes(t[`${m}Minutes`]!)}` : null))
            .filter(Boolean);
          return parts.length ? `${pr}: ${parts.join(" · ")}` : null;
        })
        .filter(Boolean) as string[],
      warnPercent: Math.round(p.warnFraction * 100),
    })),
    rules: o.rules.map((r) => ({ id: r.id, name: r.name, active: r.active, metric: r.metric, trigger: r.trigger })),
    recompute: o.recompute ? { status: o.recompute.status, progress: o.recompute.progress, lastError: o.recompute.lastError } : null,
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:sla");
  const by = { actorId: user.id, ip: context.ip };
  const form = await readForm(request);
  const parsed = parseForm(form, schema);
  if (!parsed.success) return parsed.response;
  const d = parsed.data;
  try {
    if (d.intent === "move") await movePolicy(d.id, d.direction, by);
    if (d.intent === "delete-policy") await deletePolicy(d.id, by);
    if (d.intent === "delete-calendar") await deleteCalendar(d.id, by);
    if (d.intent === "delete-rule") await deleteRule(d.id, by);
  } catch (e) {
    if (e instanceof SlaAdminError) return formFailure(form, {}, e.message, e.status);
    throw e;
  }
  return redirect(`/admin/sla?done=${d.intent}`);
}

const metricName = (m: string) => (m === "any" ? "Any metric" : (slaMetricLabels[m as SlaMetricName] ?? m));

export default function SlaAdmin({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const [params] = useSearchParams();
  const { policies, calendars, rules } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Service levels</h1>
          <p>Policies apply in order: the first active policy whose conditions match a ticket sets its targets. Empty conditions match any ticket.</p>
        </div>
        <Link className="btn btn-secondary" to="/desk/reports/sla">
          SLA reports
        </Link>
      </div>
      {params.get("done") ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      <FormError failure={failure} />
      <RecomputeProgress job={loaderData.recompute} />

      <section className="card" aria-labelledby="policies-heading">
        <div className="page-header">
          <h2 id="policies-heading" className="card-title">
            Policies
          </h2>
          <Link className="btn btn-sm" to="/admin/sla/policies/new">
            New policy
          </Link>
        </div>
        <DataTable
          caption="SLA policies, in the order they are matched"
          columns={["Order", "Policy", "Matches", "Targets", "Calendar", "Actions"]}
          rows={policies}
          empty="No policies yet: tickets have no SLA."
          row={(p, i) => (
            <tr key={p.id}>
              <td className="num">{i + 1}</td>
              <td>
                <Link to={`/admin/sla/policies/${p.id}`}>{p.name}</Link> {p.active ? null : <span className="badge">Inactive</span>}
                <div className="small muted">warn at {p.warnPercent} %</div>
              </td>
              <td className="small">{p.conditions.length ? p.conditions.join("; ") : "Any ticket"}</td>
              <td className="small">{p.targets.length ? p.targets.map((t) => <div key={t}>{t}</div>) : "No targets"}</td>
              <td>{p.calendar}</td>
              <td>
                <div className="actions">
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={p.id} />
                    <input type="hidden" name="intent" value="move" />
                    <button className="btn btn-sm btn-secondary" name="direction" value="up" disabled={i === 0} aria-label={`Move ${p.name} up`}>
                      ↑ Up
                    </button>
                    <button className="btn btn-sm btn-secondary" name="direction" value="down" disabled={i === policies.length - 1} aria-label={`Move ${p.name} down`}>
                      ↓ Down
                    </button>
                  </Form>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={p.id} />
                    <button className="btn btn-sm btn-ghost" name="intent" value="delete-policy" aria-label={`Delete ${p.name}`}>
                      Delete
                    </button>
                  </Form>
                </div>
              </td>
            </tr>
          )}
        />
      </section>

      <div className="grid-2 sla-admin-grid">
        <section className="card" aria-labelledby="calendars-heading">
          <div className="page-header">
            <h2 id="calendars-heading" className="card-title">
              Business calendars
            </h2>
            <Link className="btn btn-sm" to="/admin/sla/calendars/new">
              New calendar
            </Link>
          </div>
          <ul className="plain-list">
            {calendars.map((c) => (
              <li key={c.id} className="sla-row">
                <span>
                  <Link to={`/admin/sla/calendars/${c.id}`}>{c.name}</Link>{" "}
                  <span className="small muted">
                    {c.timeZone} · {c.days} open day(s) · {c.holidays} holiday(s)
                  </span>
                </span>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={c.id} />
                  <button className="btn btn-sm btn-ghost" name="intent" value="delete-calendar" aria-label={`Delete ${c.name}`}>
                    Delete
                  </button>
                </Form>
              </li>
            ))}
            {calendars.length === 0 ? <li className="muted">No calendars yet. Create one before the first policy.</li> : null}
          </ul>
        </section>
        <section className="card" aria-labelledby="rules-heading">
          <div className="page-header">
            <h2 id="rules-heading" className="card-title">
              Escalation rules
            </h2>
            <Link className="btn btn-sm" to="/admin/sla/rules/new">
              New rule
            </Link>
          </div>
          <ul className="plain-list">
            {rules.map((r) => (
              <li key={r.id} className="sla-row">
                <span>
                  <Link to={`/admin/sla/rules/${r.id}`}>{r.name}</Link>{" "}
                  <span className="small muted">
                    {metricName(r.metric)} · on {r.trigger}
                    {r.active ? "" : " · inactive"}
                  </span>
                </span>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={r.id} />
                  <button className="btn btn-sm btn-ghost" name="intent" value="delete-rule" aria-label={`Delete ${r.name}`}>
                    Delete
                  </button>
                </Form>
              </li>
            ))}
            {rules.length === 0 ? <li className="muted">No escalation rules.</li> : null}
          </ul>
        </section>
      </div>
    </>
  );
}
