import { Form, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/feedback";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { DealError } from "~/modules/beta/deals.server";
import { feedbackForCustomer, isBetaCustomer, submitFeedback, voteFeedback } from "~/modules/beta/feedback.server";
import { feedbackSchema } from "~/modules/beta/forms";
import { feedbackStatusLabels } from "~/modules/beta/model";

export const meta: Route.MetaFunction = () => [{ title: "Feedback · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:portal");
  if (!(await isBetaCustomer(user))) return { beta: false as const };
  const { own, others } = await feedbackForCustomer(user);
  return { beta: true as const, own: own.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), organizationId: undefined })), others };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:portal");
  const form = await readForm(request);
  try {
    if (form.get("intent") === "vote") {
      const r = await voteFeedback(user, String(form.get("id") ?? ""));
      return redirect(`/portal/feedback?${r.counted ? "voted" : "already"}=1`);
    }
    const parsed = parseForm(form, feedbackSchema);
    if (!parsed.success) return parsed.response;
    await submitFeedback(user, parsed.data);
    return redirect("/portal/feedback?sent=1");
  } catch (e) {
    if (e instanceof DealError) return formFailure(form, {}, e.message, e.status);
    throw e;
  }
}

export default function PortalFeedback({ loaderData, actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  if (!loaderData.beta) {
    return (
      <div className="empty">
        <h1>Feedback</h1>
        <p>Feedback and feature requests are part of the beta program. To ask for something, open a ticket under Support.</p>
      </div>
    );
  }
  const notice = params.get("sent") ? "Thank you — we received your feedback." : params.get("voted") ? "Your organization's vote was counted." : params.get("already") ? "Your organization has already voted for this." : null;
  return (
    <div className="beta-portal-feedback">
      <div className="page-header">
        <div>
          <h1>Feedback</h1>
          <p>Tell us what works, what does not, and what you need. Each organization has one vote per request.</p>
        </div>
      </div>
      {notice ? (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      ) : null}
      <FormError failure={failure} />
      <div className="grid-2">
        <section className="card" aria-labelledby="new-feedback">
          <h2 id="new-feedback" className="card-title">
            Send feedback
          </h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="submit" />
            <div className="field">
              <label htmlFor="fb-kind">Kind</label>
              <select id="fb-kind" name="kind" defaultValue={failure?.values.kind ?? "feedback"}>
                <option value="feedback">Feedback</option>
                <option value="feature_request">Feature request</option>
              </select>
            </div>
            <Field label="Title" name="title" required maxLength={200} defaultValue={failure?.values.title} error={failure?.fieldErrors.title} />
            <div className="field">
              <label htmlFor="fb-body">Details</label>
              <textarea id="fb-body" name="body" rows={5} required defaultValue={failure?.values.body} aria-invalid={failure?.fieldErrors.body ? true : undefined} />
              {failure?.fieldErrors.body ? <span className="error">{failure.fieldErrors.body}</span> : null}
            </div>
            <div className="honeypot" aria-hidden="true">
              <label htmlFor="fb-website">Website</label>
              <input id="fb-website" name="website" tabIndex={-1} autoComplete="off" />
            </div>
            <SubmitButton pendingText="Sending…">Send feedback</SubmitButton>
          </Form>
        </section>
        <section className="card" aria-labelledby="ours">
          <h2 id="ours" className="card-title">
            From your organization
          </h2>
          {loaderData.own.length === 0 ? <p className="muted">Nothing yet.</p> : null}
          <ul className="plain-list beta-feedback-list">
            {loaderData.own.map((i) => (
              <li key={i.id}>
                <strong>{i.title}</strong> <span className="badge badge-accent">{feedbackStatusLabels[i.status]}</span>{" "}
                <span className="badge">{i.votes} {i.votes === 1 ? "vote" : "votes"}</span>
                <p className="small muted">
                  {i.kind === "feature_request" ? "Feature request" : "Feedback"} by {i.submitter ?? "someone"}
                </p>
                {i.body ? <p className="small">{i.body}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="card" aria-labelledby="public-h">
        <h2 id="public-h" className="card-title">
          Requests from other beta customers
        </h2>
        {loaderData.others.length === 0 ? <p className="muted">None listed yet.</p> : null}
        <ul className="plain-list beta-feedback-list">
          {loaderData.others.map((i) => (
            <li key={i.id}>
              <strong>{i.title}</strong> <span className="badge badge-accent">{feedbackStatusLabels[i.status]}</span>{" "}
              <span className="badge">{i.votes} {i.votes === 1 ? "vote" : "votes"}</span>{" "}
              {i.voted ? (
                <span className="small muted">Your organization voted</span>
              ) : (
                <Form method="post" className="inline">
                  <input type="hidden" name="id" value={i.id} />
                  <button type="submit" name="intent" value="vote" className="btn btn-secondary btn-sm">
                    Vote<span className="visually-hidden"> for {i.title}</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
