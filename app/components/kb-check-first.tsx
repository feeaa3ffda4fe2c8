import type { ArticleSuggestion } from "./kb-suggestions";
import { suggestionHref } from "./kb-suggestions";

/**
 * The no-JavaScript "check these first" step: shown by the ticket form when its action answered
 * suggestions instead of filing. Put it inside the ticket <Form>: its button submits the same
 * form again with `kbCheckedFirst=1`, which files the ticket.
 */
export function KbCheckFirst({ suggestions, query = "" }: { suggestions: ArticleSuggestion[]; query?: string }) {
  if (!suggestions.length) return null;
  return (
    <section className="kb-suggestions kb-check-first" aria-labelledby="kb-check-first-title" role="region">
      <h2 id="kb-check-first-title" className="card-title">
        Before you send: do these answer your question?
      </h2>
      <ul className="kb-suggestion-list">
        {suggestions.map((s) => (
          <li key={s.id}>
            <a href={suggestionHref(s, query)} target="_blank" rel="noopener">
              {s.title}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
            {s.summary ? <p className="muted small">{s.summary}</p> : null}
          </li>
        ))}
      </ul>
      <input type="hidden" name="kbCheckedFirst" value="1" />
      <p className="small muted">If none of them helps, send the ticket: your text is kept.</p>
      <button type="submit" name="intent" value="submit" className="btn">
        File the ticket anyway
      </button>
    </section>
  );
}
