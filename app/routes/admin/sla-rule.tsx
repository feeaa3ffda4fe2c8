import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/sla-rule";
import { Field, FormError, SubmitButton } from "~/components/form";
import { CheckboxGroup, MultiSelect } from "~/components/sla-admin";
import { fieldErrorsOf, formValues, readForm, type FormFailure } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getRule, ruleFormSchema, saveRule, slaFormOptions, SlaAdminError } from "~/modules/sla/admin.server";
import { plans, slaMetricLabels, slaMetrics, slaPriorities } from "~/modules/sla/policy";
import { knownSlackChannels } from "~/modules/slack/settings.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.title ?? "Escalation rule"} · SLA · Admin` }];

type Values = Record<string, string | string[]>;
const lists = ["plans", "priorities", "groupIds", "organizationIds", "policyIds", "notifyUserIds", "active", "notifyAssignee", "notifyGroup", "notifyAdmins", "raisePriority"];

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:sla");
  const isNew = params.id === "new";
  const [row, options, slackChannels] = await Promise.all([isNew ? null : getRule(params.id), slaFormOptions(), knownSlackChannels()]);
  if (!isNew && !row) notFound("There is no such rule.");
  const a = row?.actions ?? { notifyAssignee: true };
  const c = row?.conditions ?? {};
  const flag = (b: boolean | undefined) => (b ? ["on"] : []);
  const values: Values = {
    name: row?.name ?? "",
    active: row?.active === false ? [] : ["on"],
    metric: row?.metric ?? "any",
    trigger: row?.trigger ?? "breach",
    plans: c.plans ?? [],
    priorities: c.priorities ?? [],
    groupIds: c.groupIds ?? [],
    organizationIds: c.organizationIds ?? [],
    policyIds: c.policyIds ?? [],
    notifyAssignee: flag(a.notifyAssignee),
    notifyGroup: flag(a.notifyGroup),
    notifyAdmins: flag(a.notifyAdmins),
    notifyUserIds: a.notifyUserIds ?? [],
    webhookUrl: a.webhookUrl ?? "",
    slackChannelId: a.slackChannelId ?? "",
    reassignGroupId: a.reassignGroupId ?? "",
    reassignUserId: a.reassignUserId ?? "",
    raisePriority: flag(a.raisePriority),
    setEscalationLevel: a.setEscalationLevel ? String(a.setEscalationLevel) : "",
  };
  return { title: row?.name ?? "New escalation rule", values, options, slackChannels };
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:sla");
  const by = { actorId: user.id, ip: context.ip };
  const form = await readForm(request);
  const all: Values = {};
  for (const key of new Set(form.keys())) {
    const v = form.getAll(key).filter((x): x is string => typeof x === "string");
    all[key] = lists.includes(key) ? v : (v[0] ?? "");
  }
  for (const key of lists) all[key] ??= [];
  const fail = (fieldErrors: Record<string, string>, formError: string | undefined, status = 400) =>
    data<FormFailure & { all: Values }>({ ok: false, fieldErrors, formError, values: formValues(form), all }, { status });
  const flags = ["active", "notifyAssignee", "notifyGroup", "notifyAdmins", "raisePriority"];
  const raw = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, flags.includes(k) ? (v as string[])[0] : v]));
  const parsed = ruleFormSchema.safeParse(raw);
  if (!parsed.success) return fail(fieldErrorsOf(parsed.error), "Fix the marked fields.");
  try {
    await saveRule(params.id === "new" ? null : params.id, parsed.data, by);
  } catch (e) {
    if (e instanceof SlaAdminError) return fail(e.fieldErrors, e.message, e.status);
    throw e;
  }
  return redirect("/admin/sla?done=rule");
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export default function RuleEdit({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const values: Values = (failure as { all?: Values } | undefined)?.all ?? loaderData.values;
  const errors = failure?.fieldErrors ?? {};
  const { options } = loaderData;
  const list = (k: string) => (Array.isArray(values[k]) ? (values[k] as string[]) : []);
  const one = (k: string) => (Array.isArray(values[k]) ? ((values[k] as string[])[0] ?? "") : ((values[k] as string) ?? ""));
  const check = (name: string, label: string) => (
    <label className="checkbox">
      <input type="checkbox" name={name} value="on" defaultChecked={list(name).includes("on")} /> {label}
    </label>
  );
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/sla">Service levels</Link> / Escalation rule
      </p>
      <div className="page-header">
        <h1>{loaderData.title}</h1>
      </div>
      <FormError failure={failure} />
      <Form method="post" className="card form sla-form" aria-label="Escalation rule">
        <Field label="Name" name="name" defaultValue={one("name")} error={errors.name} required maxLength={80} />
        {check("active", "Active")}
        <div className="grid-2">
          <div className="field">
            <label htmlFor="rule-metric">When</label>
            <select id="rule-metric" name="metric" defaultValue={one("metric")}>
              <option value="any">Any metric</option>
              {slaMetrics.map((m) => (
                <option key={m} value={m}>
                  {slaMetricLabels[m]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="rule-trigger">reaches</label>
            <select id="rule-trigger" name="trigger" defaultValue={one("trigger")}>
              <option value="warning">Warning</option>
              <option value="breach">Breach</option>
            </select>
          </div>
        </div>
        <h2 className="card-title">For tickets that match</h2>
        <div className="grid-2">
          <CheckboxGroup legend="Organization plan" name="plans" options={plans.map((p) => ({ value: p, label: cap(p) }))} checked={list("plans")} />
          <CheckboxGroup legend="Priority" name="priorities" options={slaPriorities.map((p) => ({ value: p, label: cap(p) }))} checked={list("priorities")} />
          <MultiSelect label="Groups" name="groupIds" options={options.groups.map((g) => ({ value: g.id, label: g.name }))} selected={list("groupIds")} />
          <MultiSelect label="Organizations" name="organizationIds" options={options.organizations.map((o) => ({ value: o.id, label: o.name }))} selected={list("organizationIds")} />
          <MultiSelect label="SLA policies" name="policyIds" options={options.policies.map((o) => ({ value: o.id, label: o.name }))} selected={list("policyIds")} />
        </div>
        <h2 className="card-title">Do</h2>
        <div className="grid-2">
          <fieldset className="sla-fieldset">
            <legend>Notify (in the app and by email)</legend>
            {check("notifyAssignee", "The assignee")}
            {check("notifyGroup", "The ticket’s group")}
            {check("notifyAdmins", "All administrators")}
            <MultiSelect label="These people" name="notifyUserIds" options={options.staff.map((u) => ({ value: u.id, label: u.name }))} selected={list("notifyUserIds")} />
          </fieldset>
          <div className="form">
            <Field label="Post to a webhook (Slack-compatible)" name="webhookUrl" type="url" defaultValue={one("webhookUrl")} error={errors.webhookUrl} hint='POSTs {"text": "…"}; private addresses are refused.' placeholder="https://hooks.slack.com/services/…" />
            <Field
              label="Notify a Slack channel"
              name="slackChannelId"
              defaultValue={one("slackChannelId")}
              error={errors.slackChannelId}
              hint="Channel ID (C…); the bot connected at Admin → Slack must be in it."
              placeholder="C0123456789"
              list="rule-slack-channels"
              autoComplete="off"
              spellCheck={false}
            />
            <datalist id="rule-slack-channels">
              {loaderData.slackChannels.map((c) => (
                <option key={c.channelId} value={c.channelId}>
                  {c.channelName ? `#${c.channelName}` : c.channelId}
                </option>
              ))}
            </datalist>
            <div className="field">
              <label htmlFor="rule-group">Reassign to group</label>
              <select id="rule-group" name="reassignGroupId" defaultValue={one("reassignGroupId")}>
                <option value="">— keep —</option>
                {options.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="rule-user">Reassign to agent</label>
              <select id="rule-user" name="reassignUserId" defaultValue={one("reassignUserId")}>
                <option value="">— keep —</option>
                {options.staff
                  .filter((u) => u.role === "agent" || u.role === "admin")
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </div>
            {check("raisePriority", "Raise the priority one step")}
            <div className="field">
              <label htmlFor="rule-level">Set escalation level</label>
              <select id="rule-level" name="setEscalationLevel" defaultValue={one("setEscalationLevel")} aria-invalid={errors.setEscalationLevel ? true : undefined}>
                <option value="">— keep —</option>
                <option value="1">Level 1</option>
                <option value="2">Level 2</option>
                <option value="3">Level 3</option>
              </select>
              {errors.setEscalationLevel ? <span className="error">{errors.setEscalationLevel}</span> : null}
            </div>
          </div>
        </div>
        <div className="actions">
          <SubmitButton pendingText="Saving…">Save rule</SubmitButton>
          <Link to="/admin/sla" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </Form>
    </>
  );
}
