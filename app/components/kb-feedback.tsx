import { useId } from "react";
import { useFetcher } from "react-router";

export interface KbVoteState {
  helpful: boolean;
  comment: string | null;
}

/**
 * "Was this helpful?" Yes/No, then an optional comment. One vote per person or browser;
 * pressing the other answer changes it. A plain POST form without JavaScript; a fetcher with it.
 */
export function KbFeedback({ vote, action }: { vote: KbVoteState | null; action?: string }) {
  const fetcher = useFetcher<{ ok: boolean; vote?: KbVoteState | null; message?: string }>();
  const id = useId();
  const pendingHelpful = fetcher.formData?.get("helpful");
  const current = fetcher.data?.vote ?? vote;
  const helpful = pendingHelpful ? pendingHelpful === "yes" : current?.helpful;
  const voted = helpful === true || helpful === false;
  const honeypot = (suffix: string) => (
    <div className="honeypot" aria-hidden="true">
      <label htmlFor={`${id}-website-${suffix}`}>Leave this field empty</label>
      <input id={`${id}-website-${suffix}`} name="website" tabIndex={-1} autoComplete="off" />
    </div>
  );
  return (
    <section className="card kb-feedback" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Was this helpful?
      </h2>
      <fetcher.Form method="post" action={action}>
        <input type="hidden" name="intent" value="vote" />
        {honeypot("vote")}
        <div className="actions" role="group" aria-labelledby={`${id}-title`}>
          <button type="submit" name="helpful" value="yes" className={helpful === true ? "btn" : "btn btn-secondary"} aria-pressed={helpful === true}>
            Yes
          </button>
          <button type="submit" name="helpful" value="no" className={helpful === false ? "btn" : "btn btn-secondary"} aria-pressed={helpful === false}>
            No
          </button>
        </div>
      </fetcher.Form>
      <p role="status" className="kb-feedback-status">
        {fetcher.data?.message ?? (voted ? (helpful ? "You found this helpful. You can change your answer." : "You told us this did not help. You can change your answer.") : "")}
      </p>
      {voted ? (
        <fetcher.Form method="post" action={action} className="form">
          <input type="hidden" name="intent" value="vote" />
          <input type="hidden" name="helpful" value={helpful ? "yes" : "no"} />
          {honeypot("comment")}
          <div className="field">
            <label htmlFor={`${id}-comment`}>{helpful ? "Anything we could still improve? (optional)" : "What was missing or unclear? (optional)"}</label>
            <textarea id={`${id}-comment`} name="comment" rows={3} maxLength={2000} defaultValue={current?.comment ?? ""} aria-describedby={`${id}-hint`} />
            <span className="hint" id={`${id}-hint`}>
              We read every comment. For help with your account, open a ticket instead.
            </span>
          </div>
          <div className="actions">
            <button type="submit" className="btn btn-secondary btn-sm">
              Send comment
            </button>
          </div>
        </fetcher.Form>
      ) : null}
    </section>
  );
}
