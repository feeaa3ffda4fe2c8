import { Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/programs";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm, type FormFailure } from "~/lib/forms";
import { requirePermission, safeRedirectPath } from "~/modules/auth/guard.server";
import { DealError } from "~/modules/beta/deals.server";
import { programActivateSchema, programCreateSchema, programUpdateSchema } from "~/modules/beta/goal-forms";
import { activateProgram, createProgram, listPrograms, updateProgram } from "~/modules/beta/programs.server";

export const meta: Route.MetaFunction = () => [{ title: "Programs · Beta program · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  const programs = await listPrograms();
  return { programs: programs.map((p) => ({ ...p, deals: Number(p.deals), onboarded: Number(p.onboarded) })) };
}

/** Sales and admins create and edit programs and make one active (the board shows the active one). */
export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:beta");
  const actor = { id: user.id, name: user.name };
  const form = await readForm(request);
  const intent = form.get("intent");
  try {
    if (intent === "activate") {
      const parsed = parseForm(form, programActivateSchema);
      if (!parsed.success) return parsed.response;
      await activateProgram(actor, parsed.data.id);
      return redirect(safeRedirectPath(form.get("redirectTo"), "/beta/programs?activated=1"));
    }
    if (intent === "update") {
      const parsed = parseForm(form, programUpdateSchema);
      if (!parsed.success) return parsed.response;
      const { id, intent: _i, ...input } = parsed.data;
      void _i;
      await updateProgram(actor, id, input);
      return redirect(`/beta/programs?saved=1#program-${id}`);
    }
    const parsed = parseForm(form, programCreateSchema);
    if (!parsed.success) return parsed.response;
    const { intent: _i, ...input } = parsed.data;
    void _i;
    const id = await createProgram(actor, input);
    return redirect(`/beta/programs?created=1#program-${id}`);
  } catch (e) {
    if (e instanceof DealError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.message, e.status);
    throw e;
  }
}

function ProgramFields({ failure, values }: { failure?: FormFailure; values: { name: string; startsOn: string; deadline: string; minimum: number | string; target: number | string } }) {
  const v = (name: keyof typeof values) => failure?.values[name] ?? String(values[name]);
  return (
    <div className="beta-form-grid">
      <Field label="Name" name="name" required maxLength={200} defaultValue={v("name")} error={failure?.fieldErrors.name} />
      <Field label="Starts on" name="startsOn" type="date" required defaultValue={v("startsOn")} error={failure?.fieldErrors.startsOn} />
      <Field label="Deadline" name="deadline" type="date" required defaultValue={v("deadline")} error={failure?.fieldErrors.deadline} />
      <Field label="Minimum onboarded" name="minimum" type="number" min={1} required defaultValue={v("minimum")} error={failure?.fieldErrors.minimum} />
      <Field label="Target onboarded" name="target" type="number" min={1} required defaultValue={v("target")} error={failure?.fieldErrors.target} />
    </div>
  );
}

export default function BetaPrograms({ loaderData, actionData }: Route.ComponentProps) {
  const { programs } = loaderData;
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const failedId = failure?.values.intent === "update" ? failure.values.id : undefined;
  const notice = params.get("created") ? "Program created." : params.get("saved") ? "Program saved." : params.get("activated") ? "Active program switched." : null;
  return (
    <div className="beta-programs">
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / Programs
      </p>
      <div className="page-header">
        <div>
          <h1>Programs</h1>
          <p>Each program aims at a target of onboarded beta customers (at least its minimum) by its deadline. One is active: the board, reports and new deals use it.</p>
        </div>
      </div>
      <div aria-live="polite">
        {notice && !failure ? (
          <div className="alert alert-success" role="status">
            {notice}
          </div>
        ) : null}
      </div>
      {failure && failure.values.intent !== "update" && failure.values.intent !== "create" ? <FormError failure={failure} /> : null}
      {programs.length === 0 ? <p className="empty">No program yet: create the first one below; it becomes active.</p> : null}
      {programs.map((p) => (
        <section key={p.id} id={`program-${p.id}`} className="card" aria-labelledby={`program-h-${p.id}`}>
          <div className="page-header">
            <h2 id={`program-h-${p.id}`} className="card-title">
              {p.name} {p.active ? <span className="badge badge-success">Active</span> : null}
            </h2>
            {!p.active ? (
              <Form method="post">
                <input type="hidden" name="intent" value="activate" />
                <input type="hidden" name="id" value={p.id} />
                <button type="submit" className="btn btn-secondary btn-sm" aria-label={`Make ${p.name} active`}>
                  Make active
                </button>
              </Form>
            ) : null}
          </div>
          <p className="muted">
            {p.startsOn} to {p.deadline} · {p.onboarded} of {p.target} onboarded (minimum {p.minimum}) · {p.deals} {p.deals === 1 ? "deal" : "deals"}
          </p>
          <details open={failedId === p.id}>
            <summary>Edit {p.name}</summary>
            {failedId === p.id ? <FormError failure={failure} /> : null}
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="id" value={p.id} />
              <ProgramFields failure={failedId === p.id ? failure : undefined} values={p} />
              <SubmitButton pendingText="Saving…">Save program</SubmitButton>
            </Form>
          </details>
        </section>
      ))}
      <section className="card" aria-labelledby="new-program-h">
        <h2 id="new-program-h" className="card-title">
          New program
        </h2>
        {failure?.values.intent === "create" ? <FormError failure={failure} /> : null}
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="create" />
          <ProgramFields
            failure={failure?.values.intent === "create" ? failure : undefined}
            values={{ name: "", startsOn: "", deadline: "", minimum: 3, target: 5 }}

          />
          <label className="checkbox">
            <input type="checkbox" name="makeActive" defaultChecked={failure?.values.makeActive === "on"} /> Make it the active program
          </label>
          <SubmitButton pendingText="Creating…">Create program</SubmitButton>
        </Form>
      </section>
    </div>
  );
}
