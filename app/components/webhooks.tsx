import { useId } from "react";
import { Link } from "react-router";
import { Field } from "~/components/form";
import type { FormFailure } from "~/lib/forms";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, webhookEventLabels, webhookFormatLabels } from "~/modules/webhooks/events";

const badgeClass: Record<string, string> = {
  pending: "badge badge-warning",
  delivered: "badge badge-success",
  failed: "badge badge-danger",
};

export function DeliveryBadge({ status }: { status: string }) {
  return <span className={badgeClass[status] ?? "badge"}>{status}</span>;
}

/** The endpoint fields (create and edit); a refused submit keeps what was typed and checked. */
export function WebhookFields({
  failure,
  initial,
}: {
  failure?: FormFailure;
  initial?: { url: string; description: string; events: string[]; format: string; enabled: boolean };
}) {
  const id = useId();
  const values = failure?.values;
  const checked = new Set(values ? (values.events ?? "").split(",").filter(Boolean) : (initial?.events ?? []));
  const format = values?.format ?? initial?.format ?? "standard";
  const enabled = values ? values.enabled === "on" : (initial?.enabled ?? true);
  const eventsError = failure?.fieldErrors.events;
  return (
    <>
      <Field
        label="Endpoint URL"
        name="url"
        type="url"
        required
        inputMode="url"
        placeholder="https://example.com/hooks/portal"
        hint="https:// (or http://) on a public address. Private, loopback and link-local addresses are refused."
        defaultValue={values?.url ?? initial?.url}
        error={failure?.fieldErrors.url}
      />
      <Field label="Description" name="description" hint="Optional: what receives these events." defaultValue={values?.description ?? initial?.description} error={failure?.fieldErrors.description} />
      <fieldset className="webhook-fieldset" aria-describedby={eventsError ? `${id}-events-error` : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="checkbox">
            <input type="checkbox" name="events" value={type} defaultChecked={checked.has(type)} aria-invalid={eventsError ? true : undefined} />{" "}
            <code>{type}</code> <span className="muted">{webhookEventLabels[type]}</span>
          </label>
        ))}
        {eventsError ? (
          <span className="error" id={`${id}-events-error`}>
            {eventsError}
          </span>
        ) : null}
      </fieldset>
      <fieldset className="webhook-fieldset">
        <legend>Format</legend>
        {WEBHOOK_FORMATS.map((f) => (
          <label key={f} className="checkbox">
            <input type="radio" name="format" value={f} defaultChecked={format === f} /> {webhookFormatLabels[f]}
          </label>
        ))}
        {failure?.fieldErrors.format ? <span className="error">{failure.fieldErrors.format}</span> : null}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" name="enabled" defaultChecked={enabled} /> Enabled (deliver events to this endpoint)
      </label>
    </>
  );
}

/** A signing secret, shown once after create or rotate. */
export function SecretOnce({ secret, title, detailHref, note }: { secret: string; title: string; detailHref?: string; note?: string }) {
  const id = useId();
  return (
    <div className="alert alert-success" role="status">
      <p>
        <strong>{title}.</strong> Copy the signing secret now: it is not shown again. {note}
      </p>
      <label htmlFor={id}>Signing secret</label>{" "}
      <input id={id} readOnly value={secret} className="webhook-secret" onFocus={(e) => e.currentTarget.select()} />
      {detailHref ? (
        <p>
          <Link to={detailHref}>Open the webhook to send a test</Link>
        </p>
      ) : null}
    </div>
  );
}
