import { Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/feedback";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { DealError } from "~/modules/beta/deals.server";
import { feedbackForStaff, promoteTicket, updateFeedback } from "~/modules/beta/feedback.server";
import { feedbackUpdateSchema, promoteSchema } from "~/modules/beta/forms";
import { feedbackStatuses, feedbackStatusLabels } from "~/modules/beta/model";

export const meta: Route.MetaFunction = () => [{ title: "Beta feedback · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:feedback");
  const items = await feedbackForStaff();
  return { items: items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })) };
}

/** Staff triage: set status and visibility; agents promote a ticket to a feedback item. */
export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:feedback");
  const form = await readForm(request);
  try {
    if (form.get("intent") === "promote") {
      const parsed = parseForm(form, promoteSchema);
      if (!parsed.success) return parsed.response;
      const r = await promoteTicket(user, parsed.data.ticketNumber);
      return redirect(`/beta/feedback?${r.created ? "promoted" : "exists"}=${parsed.data.ticketNumber}#item-${r.id}`);
    }
    const parsed = parseForm(form, feedbackUpdateSchema);
    if (!parsed.success) return parsed.response;
    const r = await updateFeedback(user, parsed.data.id, parsed.data);
    return redirect(`/beta/feedback?updated=1${r.mailed ? `&mailed=${r.mailed}` : ""}#item-${parsed.data.id}`);
  } catch (e) {
    if (e instanceof DealError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.message, e.status);
    throw e;
  }
}

export default function BetaFeedback({ loaderData, actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const notice = params.get("promoted")
    ? `Ticket #${params.get("promoted")} is now a feedback item.`
    : params.get("exists")
      ? `Ticket #${params.get("exists")} was already a feedback item.`
      : params.get("updated")
        ? `Saved.${params.get("mailed") ? ` Emailed ${params.get("mailed")} people that it shipped.` : ""}`
        : null;
  return (
    <div>
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / Feedback
      </p>
      <div className="page-header">
        <div>
          <h1>Beta feedback</h1>
          <p>Feedback and feature requests from beta customers, most voted first (one vote per organization).</p>
        </div>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="promote" />
          <Field label="Promote ticket number" name="ticketNumber" inputMode="numeric" error={failure?.fieldErrors.ticketNumber} />
          <SubmitButton className="btn btn-secondary btn-sm">
            Promote to feedback
          </SubmitButton>
        </Form>
      </div>
      {notice ? (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      ) : null}
      <FormError failure={failure} />
      {loaderData.items.length === 0 ? <p className="empty">No feedback yet.</p> : null}
      <ul className="plain-list beta-feedback-list">
        {loaderData.items.map((i) => (
          <li key={i.id} id={`item-${i.id}`} className="card">
            <h2 className="card-title">
              {i.title} <span className="badge">{i.votes} {i.votes === 1 ? "vote" : "votes"}</span>{" "}
              <span className="badge badge-accent">{feedbackStatusLabels[i.status]}</span>
            </h2>
            <p className="muted small">
              {i.kind === "feature_request" ? "Feature request" : "Feedback"} · {i.organizationName ?? "—"} · {i.submitter ?? "—"}
              {i.ticketNumber ? ` · from ticket #${i.ticketNumber}` : ""}
            </p>
            {i.body ? <p className="beta-feedback-body">{i.body}</p> : null}
            <Form method="post" className="inline-form">
              <input type="hidden" name="id" value={i.id} />
              <label htmlFor={`status-${i.id}`}>Status</label>
              <select id={`status-${i.id}`} name="status" defaultValue={i.status}>
                {feedbackStatuses.map((s) => (
                  <option key={s} value={s}>
                    {feedbackStatusLabels[s]}
                  </option>
                ))}
              </select>
              <label className="checkbox">
                <input type="checkbox" name="isPublic" defaultChecked={i.isPublic} /> Listed to all beta customers
              </label>
              <button type="submit" name="intent" value="update" className="btn btn-sm">
                Save<span className="visually-hidden"> {i.title}</span>
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
