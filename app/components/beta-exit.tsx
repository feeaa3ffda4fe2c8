import { Form } from "react-router";
import { Field, SubmitButton } from "~/components/form";
import type { FormFailure } from "~/lib/forms";
import { churnReasons, paidPlans, planLabels } from "~/modules/beta/goals";

export interface ExitDecisionView {
  outcome: "converted" | "churned";
  plan: "standard" | "enterprise" | "beta" | null;
  decidedOn: string;
  price: string | null;
  churnReason: string | null;
  note: string | null;
}

/**
 * The beta exit of an onboarded deal: the recorded decision, or the form to record one —
 * headed "Decision needed" when the beta ends within 14 days or has ended.
 */
export function BetaExitPanel({
  dealId,
  version,
  betaEndsOn,
  needed,
  decision,
  today,
  failure,
}: {
  dealId: string;
  version: number;
  betaEndsOn: string | null;
  needed: boolean;
  decision: ExitDecisionView | null;
  today: string;
  failure?: FormFailure;
}) {
  const mine = failure?.values.intent === "exit" ? failure : undefined;
  const fe = mine?.fieldErrors ?? {};
  const v = (key: string, fallback = "") => mine?.values[key] ?? fallback;
  if (decision) {
    return (
      <section className="card beta-exit" aria-labelledby="exit-h" id="beta-exit">
        <h2 id="exit-h" className="card-title">
          Beta exit
        </h2>
        {decision.outcome === "converted" ? (
          <p>
            <span className="badge badge-success">Converted</span> to {decision.plan ? planLabels[decision.plan] : "a paid plan"} on {decision.decidedOn}
            {decision.price ? ` at ${decision.price}` : ""}.
          </p>
        ) : (
          <p>
            <span className="badge badge-danger">Churned</span> on {decision.decidedOn}: {decision.churnReason}.
          </p>
        )}
        {decision.note ? <p className="muted">{decision.note}</p> : null}
      </section>
    );
  }
  return (
    <section className={`card beta-exit${needed ? " beta-exit-needed" : ""}`} aria-labelledby="exit-h" id="beta-exit">
      <h2 id="exit-h" className="card-title">
        {needed ? "Decision needed" : "Beta exit"}
      </h2>
      <p>
        {betaEndsOn
          ? betaEndsOn < today
            ? `The beta ended on ${betaEndsOn}: record whether the customer converted or churned.`
            : `The beta ends on ${betaEndsOn}. Record whether the customer converts to a paid plan or churns.`
          : "No beta end date in the agreement yet. Record the decision when it is made."}
      </p>
      <div className="grid-2 beta-exit-forms">
        <Form method="post" className="form" aria-labelledby="exit-converted-h">
          <h3 id="exit-converted-h">Converted</h3>
          <input type="hidden" name="intent" value="exit" />
          <input type="hidden" name="outcome" value="converted" />
          <input type="hidden" name="version" value={version} />
          <div className="field">
            <label htmlFor={`exit-plan-${dealId}`}>Paid plan</label>
            <select id={`exit-plan-${dealId}`} name="plan" defaultValue={v("plan", "enterprise")} aria-invalid={fe.plan ? true : undefined}>
              {paidPlans.map((p) => (
                <option key={p} value={p}>
                  {planLabels[p]}
                </option>
              ))}
            </select>
            {fe.plan ? <span className="error">{fe.plan}</span> : null}
          </div>
          <Field label="Converted on" name="decidedOn" type="date" required defaultValue={mine?.values.outcome === "converted" ? v("decidedOn", today) : today} error={mine?.values.outcome === "converted" ? fe.decidedOn : undefined} />
          <Field label="Price" name="price" required maxLength={200} placeholder="900 EUR / month" defaultValue={mine?.values.outcome === "converted" ? v("price") : ""} error={fe.price} />
          <Field label="Note (converted)" name="note" maxLength={1000} defaultValue={mine?.values.outcome === "converted" ? v("note") : ""} />
          <SubmitButton pendingText="Recording…">Record conversion</SubmitButton>
        </Form>
        <Form method="post" className="form" aria-labelledby="exit-churned-h">
          <h3 id="exit-churned-h">Churned</h3>
          <input type="hidden" name="intent" value="exit" />
          <input type="hidden" name="outcome" value="churned" />
          <input type="hidden" name="version" value={version} />
          <div className="field">
            <label htmlFor={`exit-reason-${dealId}`}>Churn reason</label>
            <select id={`exit-reason-${dealId}`} name="churnReason" defaultValue={v("churnReason")} aria-invalid={fe.churnReason ? true : undefined}>
              <option value="">Choose a reason…</option>
              {churnReasons.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            {fe.churnReason ? <span className="error">{fe.churnReason}</span> : null}
          </div>
          <Field label="Churned on" name="decidedOn" type="date" required defaultValue={mine?.values.outcome === "churned" ? v("decidedOn", today) : today} error={mine?.values.outcome === "churned" ? fe.decidedOn : undefined} />
          <Field label="Note (churned)" name="note" maxLength={1000} defaultValue={mine?.values.outcome === "churned" ? v("note") : ""} />
          <SubmitButton pendingText="Recording…" className="btn btn-secondary">
            Record churn
          </SubmitButton>
        </Form>
      </div>
    </section>
  );
}
