import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/sla-policy";
import { Field, FormError, SubmitButton } from "~/components/form";
import { CheckboxGroup, MultiSelect } from "~/components/sla-admin";
import { fieldErrorsOf, formValues, readForm, type FormFailure } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getPolicy, policyFormSchema, savePolicy, slaFormOptions, SlaAdminError, targetsFromForm } from "~/modules/sla/admin.server";
import { channels, plans, runnableStatuses, slaMetricLabels, slaMetrics, slaPriorities } from "~/modules/sla/policy";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.title ?? "Policy"} · SLA · Admin` }];

type Values = Record<string, string | string[]>;

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:sla");
  const isNew = params.id === "new";
  const [row, options] = await Promise.all([isNew ? null : getPolicy(params.id), slaFormOptions()]);
  if (!isNew && !row) notFound("There is no such policy.");
  const values: Values = {
    name: row?.name ?? "",
    active: row?.active === false ? [] : ["on"],
    plans: row?.plans ?? [],
    organizationIds: row?.organizationIds ?? [],
    priorities: row?.priorities ?? [],
    groupIds: row?.groupIds ?? [],
    channels: row?.channels ?? [],
    calendarId: row?.calendarId ?? options.calendars[0]?.id ?? "",
    pauseStatuses: row?.pauseStatuses ?? ["pending", "on_hold"],
    warnPercent: String(Math.round((row?.warnFraction ?? 0.8) * 100)),
  };
  for (const p of slaPriorities) {
    for (const m of slaMetrics) {
      const minutes = row?.targets[p]?.[`${m}Minutes`];
      if (!minutes) continue;
      const inHours = minutes >= 60 && minutes % 60 === 0;
      values[`t_${p}_${m}`] = String(inHours ? minutes / 60 : minutes);
      values[`u_${p}_${m}`] = inHours ? "hours" : "minutes";
    }
  }
  return { title: row?.name ?? "New policy", values, options };
}

function allValues(form: FormData): Values {
  const v: Values = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((x): x is string => typeof x === "string");
    v[key] = ["plans", "organizationIds", "priorities", "groupIds", "channels", "pauseStatuses", "active"].includes(key) ? all : (all[0] ?? "");
  }
  for (const key of ["plans", "organizationIds", "priorities", "groupIds", "channels", "pauseStatuses", "active"]) v[key] ??= [];
  return v;
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:sla");
  const by = { actorId: user.id, ip: context.ip };
  const form = await readForm(request);
  const values = allValues(form);
  const fail = (fieldErrors: Record<string, string>, formError: string | undefined, status = 400) =>
    data<FormFailure & { all: Values }>({ ok: false, fieldErrors, formError, values: formValues(form), all: values }, { status });
  const raw: Record<string, unknown> = { ...values, active: (values.active as string[])[0] };
  const parsed = policyFormSchema.safeParse(raw);
  const { targets, fieldErrors: targetErrors } = targetsFromForm(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v])));
  const errors = { ...(parsed.success ? {} : fieldErrorsOf(parsed.error)), ...targetErrors };
  if (!parsed.success || Object.keys(targetErrors).length) return fail(errors, "Fix the marked fields.");
  try {
    await savePolicy(params.id === "new" ? null : params.id, { ...parsed.data, targets }, by);
  } catch (e) {
    if (e instanceof SlaAdminError) return fail(e.fieldErrors, e.message, e.status);
    throw e;
  }
  return redirect("/admin/sla?done=policy");
}

const metricUnitsLabel = { minutes: "minutes", hours: "hours" };

export default function PolicyEdit({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const values: Values = (failure as { all?: Values } | undefined)?.all ?? loaderData.values;
  const errors = failure?.fieldErrors ?? {};
  const { options } = loaderData;
  const list = (k: string) => (Array.isArray(values[k]) ? (values[k] as string[]) : values[k] ? [values[k] as string] : []);
  const one = (k: string) => (Array.isArray(values[k]) ? ((values[k] as string[])[0] ?? "") : ((values[k] as string) ?? ""));
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/sla">Service levels</Link> / Policy
      </p>
      <div className="page-header">
        <h1>{loaderData.title}</h1>
      </div>
      <FormError failure={failure} />
      <Form method="post" className="card form sla-form" aria-label="Policy">
        <Field label="Name" name="name" defaultValue={one("name")} error={errors.name} required maxLength={80} />
        <label className="checkbox">
          <input type="checkbox" name="active" value="on" defaultChecked={list("active").includes("on")} /> Active
        </label>
        <h2 className="card-title">Applies to tickets that match</h2>
        <p className="hint muted small">Leave a condition empty to match any value.</p>
        <div className="grid-2">
          <CheckboxGroup legend="Organization plan" name="plans" options={plans.map((p) => ({ value: p, label: p[0]!.toUpperCase() + p.slice(1) }))} checked={list("plans")} />
          <CheckboxGroup legend="Priority" name="priorities" options={slaPriorities.map((p) => ({ value: p, label: p[0]!.toUpperCase() + p.slice(1) }))} checked={list("priorities")} />
          <CheckboxGroup legend="Channel" name="channels" options={channels.map((c) => ({ value: c, label: c === "api" ? "API" : c[0]!.toUpperCase() + c.slice(1) }))} checked={list("channels")} />
          <MultiSelect label="Organizations" name="organizationIds" options={options.organizations.map((o) => ({ value: o.id, label: o.name }))} selected={list("organizationIds")} hint="Ctrl/Cmd-click to choose several." />
          <MultiSelect label="Groups" name="groupIds" options={options.groups.map((g) => ({ value: g.id, label: g.name }))} selected={list("groupIds")} />
        </div>
        <h2 className="card-title">Targets per priority</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Priority</th>
                {slaMetrics.map((m) => (
                  <th key={m} scope="col">
                    {slaMetricLabels[m]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {slaPriorities.map((p) => (
                <tr key={p}>
                  <th scope="row">{p[0]!.toUpperCase() + p.slice(1)}</th>
                  {slaMetrics.map((m) => {
                    const key = `t_${p}_${m}`;
                    return (
                      <td key={m}>
                        <div className="sla-target">
                          <label className="visually-hidden" htmlFor={key}>
                            {slaMetricLabels[m]} target for {p} priority
                          </label>
                          <input id={key} name={key} inputMode="decimal" size={5} defaultValue={one(key)} aria-invalid={errors[key] ? true : undefined} placeholder="—" />
                          <label className="visually-hidden" htmlFor={`u_${key}`}>
                            Unit of the {slaMetricLabels[m].toLowerCase()} target for {p} priority
                          </label>
                          <select id={`u_${key}`} name={`u_${p}_${m}`} defaultValue={one(`u_${p}_${m}`) || "hours"}>
                            {Object.entries(metricUnitsLabel).map(([v, l]) => (
                              <option key={v} value={v}>
                                {l}
                              </option>
                            ))}
                          </select>
                        </div>
                        {errors[key] ? <span className="error small">{errors[key]}</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="hint muted small">Leave a target empty for no SLA on that metric.</p>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="policy-calendar">Business calendar</label>
            <select id="policy-calendar" name="calendarId" defaultValue={one("calendarId")} aria-invalid={errors.calendarId ? true : undefined}>
              {options.calendars.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            {errors.calendarId ? <span className="error">{errors.calendarId}</span> : null}
          </div>
          <Field label="Warn at (% of the target)" name="warnPercent" type="number" min={1} max={99} defaultValue={one("warnPercent")} error={errors.warnPercent} />
          <CheckboxGroup
            legend="Pause the clocks while the ticket is"
            name="pauseStatuses"
            options={runnableStatuses.map((s) => ({ value: s, label: s === "on_hold" ? "On hold" : s[0]!.toUpperCase() + s.slice(1) }))}
            checked={list("pauseStatuses")}
            error={errors.pauseStatuses}
          />
        </div>
        <div className="actions">
          <SubmitButton pendingText="Saving…">Save policy</SubmitButton>
          <Link to="/admin/sla" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </Form>
    </>
  );
}
