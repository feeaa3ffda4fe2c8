import { Form, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/macros";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { AdminError, deleteMacro, listMacros, saveMacro } from "~/modules/tickets/admin.server";
import { macroPlaceholders, unknownPlaceholders } from "~/modules/tickets/macro-text";
import { statusLabels, ticketStatuses } from "~/modules/tickets/model";

export const meta: Route.MetaFunction = () => [{ title: "Macros · Admin · Support Portal" }];

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save"),
    id: z.union([z.literal(""), z.uuid()]).default(""),
    name: z.string().trim().min(2, "Name the macro.").max(80),
    body: z
      .string()
      .trim()
      .min(1, "Write the reply text.")
      .max(20_000)
      .superRefine((body, ctx) => {
        const unknown = unknownPlaceholders(body);
        if (unknown.length) ctx.addIssue({ code: "custom", message: `Unknown placeholder: {{${unknown.join("}}, {{")}}}` });
      }),
    setStatus: z.union([z.literal(""), z.enum(ticketStatuses)]).transform((v) => (v === "" ? null : v)),
    addTags: z.string().max(500).default(""),
    active: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  }),
  z.object({ intent: z.literal("delete"), id: z.uuid() }),
]);

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:macros");
  const macros = await listMacros();
  const editing = macros.find((m) => m.id === url.searchParams.get("edit")) ?? null;
  return { macros, editing };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:macros");
  const form = await readForm(request);
  const parsed = parseForm(form, schema);
  if (!parsed.success) return parsed.response;
  const d = parsed.data;
  try {
    if (d.intent === "delete") await deleteMacro(d.id);
    else await saveMacro(d.id || null, { name: d.name, body: d.body, setStatus: d.setStatus, addTags: d.addTags, active: d.active }, user.id);
  } catch (e) {
    if (e instanceof AdminError) return formFailure(form, {}, e.message);
    throw e;
  }
  return redirect("/admin/macros?done=1");
}

export default function Macros({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const [params] = useSearchParams();
  const e = loaderData.editing;
  const v = failure?.values;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Macros</h1>
          <p>Canned replies agents apply in the ticket workspace. A macro can also set the status and add tags.</p>
        </div>
      </div>
      {params.get("done") ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      <FormError failure={failure} />
      <div className="grid-2">
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Macros</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sets status</th>
                <th scope="col">Adds tags</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaderData.macros.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    No macros yet: write the first one on the right.
                  </td>
                </tr>
              ) : (
                loaderData.macros.map((m) => (
                  <tr key={m.id}>
                    <td>
                      {m.name} {m.active ? null : <span className="badge">inactive</span>}
                    </td>
                    <td>{m.setStatus ? statusLabels[m.setStatus] : "—"}</td>
                    <td>{m.addTags.join(", ") || "—"}</td>
                    <td className="actions">
                      <a href={`/admin/macros?edit=${m.id}`} className="btn btn-ghost btn-sm" aria-label={`Edit ${m.name}`}>
                        Edit
                      </a>
                      <Form method="post">
                        <input type="hidden" name="id" value={m.id} />
                        <button type="submit" name="intent" value="delete" className="btn btn-ghost btn-sm" aria-label={`Delete ${m.name}`}>
                          Delete
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        <section className="card" aria-labelledby="macro-form-title">
          <h2 id="macro-form-title" className="card-title">
            {e ? `Edit “${e.name}”` : "New macro"}
          </h2>
          <Form method="post" className="form" aria-label={e ? "Edit macro" : "New macro"} key={e?.id ?? "new"}>
            <input type="hidden" name="id" value={e?.id ?? ""} />
            <Field label="Name" name="name" required defaultValue={v?.name ?? e?.name} error={failure?.fieldErrors.name} />
            <div className="field">
              <label htmlFor="macro-body">Reply text</label>
              <textarea id="macro-body" name="body" rows={7} defaultValue={v?.body ?? e?.body} aria-describedby="macro-body-hint" aria-invalid={failure?.fieldErrors.body ? true : undefined} />
              <span className="hint" id="macro-body-hint">
                Placeholders: {Object.keys(macroPlaceholders).map((k) => `{{${k}}}`).join(", ")}
              </span>
              {failure?.fieldErrors.body ? <span className="error">{failure.fieldErrors.body}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="macro-status">Set status</label>
              <select id="macro-status" name="setStatus" defaultValue={v?.setStatus ?? e?.setStatus ?? ""}>
                <option value="">Leave as is</option>
                {ticketStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusLabels[s]}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Add tags" name="addTags" hint="Separate tags with commas." defaultValue={v?.addTags ?? e?.addTags.join(", ")} />
            <label className="checkbox">
              <input type="checkbox" name="active" defaultChecked={e ? e.active : true} /> Active (agents can apply it)
            </label>
            <SubmitButton name="intent" value="save">
              Save macro
            </SubmitButton>
          </Form>
        </section>
      </div>
    </>
  );
}
