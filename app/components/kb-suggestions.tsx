import { useEffect, useId, useRef, useState } from "react";

export interface ArticleSuggestion {
  id: string;
  slug: string;
  title: string;
  summary: string;
  url: string;
}

/** Where a suggestion link leads: the article, marked as opened from the ticket form. */
export function suggestionHref(s: Pick<ArticleSuggestion, "url">, query: string): string {
  const params = new URLSearchParams({ ref: "ticket-form" });
  if (query) params.set("q", query.slice(0, 200));
  return `${s.url}?${params.toString()}`;
}

/**
 * Help articles that may answer a ticket before it is filed. Drop it beside (or inside) the
 * ticket form:
 *
 *   <ArticleSuggestions fields={["subject", "description"]} initial={checkFirst?.suggestions} />
 *
 * With JavaScript it watches the named fields (debounced), asks /help/suggest for the reader's
 * suggestions and shows them in a polite live region. Without JavaScript it shows `initial`
 * (the "check these first" step the ticket action returns). Inside a form it adds a hidden
 * `kbSuggestionsSeen=1` once it runs, so the action can skip the no-JavaScript step.
 */
export function ArticleSuggestions({
  fields = ["subject", "description"],
  initial = [],
  initialQuery = "",
  debounceMs = 400,
  title = "Articles that may help",
}: {
  fields?: string[];
  initial?: ArticleSuggestion[];
  initialQuery?: string;
  debounceMs?: number;
  title?: string;
}) {
  const id = useId();
  const [items, setItems] = useState<ArticleSuggestion[]>(initial);
  const [query, setQuery] = useState(initialQuery);
  const [hydrated, setHydrated] = useState(false);
  const last = useRef<string>("");
  const fieldsKey = fields.join(",");

  useEffect(() => {
    setHydrated(true);
    const names = fieldsKey.split(",");
    const elements = names.flatMap((name) => Array.from(document.getElementsByName(name))) as (HTMLInputElement | HTMLTextAreaElement)[];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    const run = () => {
      const text = elements
        .map((el) => el.value)
        .join(" ")
        .trim();
      if (text === last.current) return;
      last.current = text;
      controller?.abort();
      if (text.length < 4) {
        setItems([]);
        setQuery("");
        return;
      }
      controller = new AbortController();
      fetch(`/help/suggest?${new URLSearchParams({ q: text.slice(0, 1000), context: "ticket" })}`, {
        signal: controller.signal,
        headers: { accept: "application/json" },
      })
        .then((res) => (res.ok ? (res.json() as Promise<{ suggestions: ArticleSuggestion[] }>) : { suggestions: [] }))
        .then((body) => {
          setItems(body.suggestions);
          setQuery(text);
        })
        .catch(() => {
          /* aborted or offline: keep what is shown */
        });
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(run, debounceMs);
    };
    for (const el of elements) el.addEventListener("input", schedule);
    schedule();
    return () => {
      clearTimeout(timer);
      controller?.abort();
      for (const el of elements) el.removeEventListener("input", schedule);
    };
  }, [fieldsKey, debounceMs]);

  return (
    <aside className="kb-suggestions" aria-labelledby={`${id}-title`}>
      {hydrated ? <input type="hidden" name="kbSuggestionsSeen" value="1" /> : null}
      <h2 id={`${id}-title`} className="card-title">
        {title}
      </h2>
      <div aria-live="polite">
        {items.length ? (
          <ul className="kb-suggestion-list">
            {items.map((s) => (
              <li key={s.id}>
                <a href={suggestionHref(s, query)} target="_blank" rel="noopener">
                  {s.title}
                  <span className="visually-hidden"> (opens in a new tab)</span>
                </a>
                {s.summary ? <p className="muted small">{s.summary}</p> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">{hydrated ? "Start typing your subject: matching help articles appear here." : "Matching help articles appear here."}</p>
        )}
      </div>
      <p className="small">
        <a href="/help">Browse the help center</a>
      </p>
    </aside>
  );
}
