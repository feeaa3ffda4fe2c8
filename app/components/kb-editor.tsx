import { useEffect, useId, useState } from "react";
import { renderArticleMarkdown } from "~/modules/kb/markdown";

/**
 * The article body field with a live preview. The preview is rendered in the browser by the
 * same safe renderer the help center uses; without JavaScript, the form's Preview button
 * renders it on the server (`serverPreview`).
 */
export function KbMarkdownEditor({ defaultValue, error, serverPreview }: { defaultValue: string; error?: string; serverPreview?: string | null }) {
  const id = useId();
  const [source, setSource] = useState(defaultValue);
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  const html = live ? renderArticleMarkdown(source).html : (serverPreview ?? null);
  return (
    <div className="kb-editor">
      <div className="field">
        <label htmlFor={`${id}-body`}>Body (markdown)</label>
        <textarea
          id={`${id}-body`}
          name="body"
          rows={22}
          defaultValue={defaultValue}
          onChange={(e) => setSource(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
          spellCheck
        />
        <span className="hint" id={`${id}-hint`}>
          ## Headings get anchors (three or more make a table of contents), ``` fences for code, | tables |, images from /uploads/ or https only. Raw HTML shows as text.
        </span>
        {error ? (
          <span className="error" id={`${id}-error`}>
            {error}
          </span>
        ) : null}
      </div>
      <section className="kb-preview" aria-label="Preview">
        <p className="label">Preview</p>
        {html !== null ? (
          <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <p className="muted small">Use the Preview button to see the rendered article.</p>
        )}
      </section>
    </div>
  );
}
