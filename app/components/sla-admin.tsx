import { useEffect, useId } from "react";
import { useRevalidator } from "react-router";

/** A group of labelled checkboxes (works without JavaScript). */
export function CheckboxGroup({ legend, name, options, checked, hint, error }: { legend: string; name: string; options: { value: string; label: string }[]; checked: string[]; hint?: string; error?: string }) {
  const id = useId();
  return (
    <fieldset className="sla-fieldset" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      <div className="sla-checks">
        {options.map((o) => (
          <label key={o.value} className="checkbox">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} /> {o.label}
          </label>
        ))}
      </div>
      {hint ? (
        <span className="hint muted small" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? <span className="error">{error}</span> : null}
    </fieldset>
  );
}

/** A labelled multi-select. */
export function MultiSelect({ label, name, options, selected, hint }: { label: string; name: string; options: { value: string; label: string }[]; selected: string[]; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} multiple defaultValue={selected} size={Math.min(6, Math.max(3, options.length))} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** Progress of the background recompute; reloads the data every 2 s while it runs. */
export function RecomputeProgress({ job }: { job: { status: string; progress: { done: number; total: number } | null; lastError: string | null } | null }) {
  const revalidator = useRevalidator();
  const running = job?.status === "queued" || job?.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  if (!job) return null;
  const done = job.progress?.done ?? 0;
  const total = job.progress?.total ?? 0;
  return (
    <div className={`alert ${job.status === "failed" ? "alert-error" : running ? "alert-info" : "alert-success"}`} role="status" aria-live="polite">
      {running ? (
        <>
          Recomputing the due times of open tickets: {done} of {total || "…"}{" "}
          <progress max={total || 1} value={done} aria-label="Recompute progress">
            {done}/{total}
          </progress>
          {" "}
          <noscript>Reload the page to update.</noscript>
        </>
      ) : job.status === "failed" ? (
        <>The last recompute failed: {job.lastError}</>
      ) : (
        <>Due times are up to date ({done} open tickets recomputed).</>
      )}
    </div>
  );
}
