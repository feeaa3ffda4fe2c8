import { useId, useState } from "react";
import type { ArticleSuggestion } from "./kb-suggestions";

/**
 * For agents replying on a ticket: search the knowledge base and insert a markdown link to an
 * article into the reply textarea (found by its name). Needs JavaScript; without it, the
 * "Open help center" link still lets the agent copy an address.
 *
 *   <KbLinkPicker target="body" origin={appUrl} />
 */
export function KbLinkPicker({ target, origin = "" }: { target: string; origin?: string }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<ArticleSuggestion[]>([]);
  const [message, setMessage] = useState("");
  const search = async () => {
    if (query.trim().length < 2) return;
    const res = await fetch(`/help/suggest?${new URLSearchParams({ q: query, limit: "6" })}`, { headers: { accept: "application/json" } });
    const body = res.ok ? ((await res.json()) as { suggestions: ArticleSuggestion[] }) : { suggestions: [] };
    setResults(body.suggestions);
    setMessage(body.suggestions.length ? `${body.suggestions.length} articles found.` : "No articles found.");
  };
  const insert = (s: ArticleSuggestion) => {
    const field = document.getElementsByName(target)[0] as HTMLTextAreaElement | undefined;
    if (!field) return;
    const link = `[${s.title.replace(/[[\]]/g, "")}](${origin}${s.url})`;
    const startPos = field.selectionStart ?? field.value.length;
    const endPos = field.selectionEnd ?? field.value.length;
    field.setRangeText(link, startPos, endPos, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
    setMessage(`Inserted a link to “${s.title}”.`);
  };
  return (
    <div className="kb-link-picker">
      <label htmlFor={`${id}-q`}>Insert a help article link</label>
      <div className="inline-form">
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              void search();
            }
          }}
          placeholder="Search articles"
        />
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => void search()}>
          Find
        </button>
        <a href="/help" target="_blank" rel="noopener" className="small">
          Open help center
        </a>
      </div>
      {results.length ? (
        <ul className="kb-link-list small">
          {results.map((s) => (
            <li key={s.id}>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => insert(s)} aria-label={`Insert link to ${s.title}`}>
                Insert
              </button>{" "}
              {s.title}
            </li>
          ))}
        </ul>
      ) : null}
      <p role="status" className="small muted">
        {message}
      </p>
    </div>
  );
}
