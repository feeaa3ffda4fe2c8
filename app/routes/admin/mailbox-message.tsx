import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/mailbox-message";
import { SubmitButton } from "~/components/form";
import { formatTime, StatusBadge } from "~/components/mail-status";
import { db } from "~/lib/db.server";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { log } from "~/lib/log.server";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getMailboxMessage, linksIn, retryFailedEmail } from "~/modules/email/mailbox.server";
import { idempotencyKeyFor } from "~/modules/email/transport.server";
import { wakeJobRunners } from "~/modules/jobs/runner.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: `${data && "message" in data ? data.message.subject : "Email"} · Mailbox · Support Portal` },
];

function parseId(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) notFound("There is no such email.");
  return id;
}

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "read:mailbox");
  const row = await getMailboxMessage(db(), parseId(params.id));
  if (!row) notFound("There is no such email.");
  return {
    message: {
      id: row.id,
      from: row.fromAddress,
      to: row.toAddress,
      replyTo: row.replyTo,
      subject: row.subject,
      template: row.template,
      status: row.status,
      transport: row.transport,
      attempts: row.attempts,
      createdAt: row.createdAt.toISOString(),
      nextAttemptAt: row.nextAttemptAt.toISOString(),
      lockedUntil: row.lockedUntil?.toISOString() ?? null,
      sentAt: row.sentAt?.toISOString() ?? null,
      lastError: row.lastError,
      providerMessageId: row.providerMessageId,
      deliveryStatus: row.deliveryStatus,
      headers: row.headers ?? {},
      idempotencyKey: idempotencyKeyFor(row.id),
      text: row.text,
      html: row.html,
    },
    links: linksIn(row.text),
  };
}

export const retrySchema = z.object({ intent: z.literal("retry", "Unknown action.") });

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "read:mailbox");
  const id = parseId(params.id);
  const form = await readForm(request);
  const parsed = parseForm(form, retrySchema);
  if (!parsed.success) return parsed.response;
  const retried = await retryFailedEmail(db(), id);
  if (!retried) {
    const exists = await getMailboxMessage(db(), id);
    if (!exists) notFound("There is no such email.");
    return formFailure(form, {}, "Only a failed email can be retried; this one is not failed any more.", 409);
  }
  log("info", "email retry requested", { emailId: id, actorId: user.id, requestId: context.requestId });
  wakeJobRunners();
  return data({ ok: true as const, notice: "The email is queued again and will be sent within a moment." });
}

export default function MailboxMessage({ loaderData, actionData }: Route.ComponentProps) {
  const { message: m, links } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const notice = actionData && actionData.ok ? actionData.notice : undefined;
  const extraHeaders = Object.entries(m.headers);
  return (
    <>
      <p>
        <Link to="/admin/mailbox">← Mailbox</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{m.subject}</h1>
          <p>
            To {m.to} · <StatusBadge status={m.status} />
          </p>
        </div>
        {m.status === "failed" ? (
          <Form method="post">
            <input type="hidden" name="intent" value="retry" />
            <SubmitButton className="btn" pendingText="Retrying…">
              Retry now
            </SubmitButton>
          </Form>
        ) : null}
      </div>

      {notice ? (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      ) : null}
      {failure?.formError ? (
        <div className="alert alert-error" role="alert">
          {failure.formError}
        </div>
      ) : null}

      <div className="grid-2" style={{ marginBottom: "var(--space-4)" }}>
        <section className="card" aria-labelledby="headers-title">
          <h2 className="card-title" id="headers-title">
            Headers
          </h2>
          <dl className="details">
            <dt>From</dt>
            <dd>{m.from}</dd>
            <dt>To</dt>
            <dd>{m.to}</dd>
            {m.replyTo ? (
              <>
                <dt>Reply-To</dt>
                <dd>{m.replyTo}</dd>
              </>
            ) : null}
            <dt>Subject</dt>
            <dd>{m.subject}</dd>
            {extraHeaders.map(([name, value]) => (
              <HeaderRow key={name} name={name} value={value} />
            ))}
          </dl>
        </section>

        <section className="card" aria-labelledby="delivery-title" style={{ marginTop: 0 }}>
          <h2 className="card-title" id="delivery-title">
            Delivery
          </h2>
          <dl className="details">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={m.status} />
            </dd>
            <dt>Template</dt>
            <dd>
              <code>{m.template}</code>
            </dd>
            <dt>Transport</dt>
            <dd>{m.transport ?? "—"}</dd>
            <dt>Attempts</dt>
            <dd>{m.attempts}</dd>
            <dt>Created</dt>
            <dd>{formatTime(m.createdAt)}</dd>
            {m.status === "queued" || m.status === "sending" ? (
              <>
                <dt>{m.status === "sending" ? "Lease ends" : "Next attempt"}</dt>
                <dd>{formatTime(m.status === "sending" ? (m.lockedUntil ?? m.nextAttemptAt) : m.nextAttemptAt)}</dd>
              </>
            ) : null}
            <dt>Sent</dt>
            <dd>{m.sentAt ? formatTime(m.sentAt) : "—"}</dd>
            <dt>Provider id</dt>
            <dd>{m.providerMessageId ? <code>{m.providerMessageId}</code> : "—"}</dd>
            <dt>Idempotency key</dt>
            <dd>
              <code>{m.idempotencyKey}</code>
            </dd>
            {m.deliveryStatus ? (
              <>
                <dt>Delivery report</dt>
                <dd>{m.deliveryStatus}</dd>
              </>
            ) : null}
            <dt>Last error</dt>
            <dd>{m.lastError ?? "—"}</dd>
          </dl>
        </section>
      </div>

      <section className="card" aria-labelledby="links-title">
        <h2 className="card-title" id="links-title">
          Links in this message
        </h2>
        {links.length ? (
          <ul>
            {links.map((href) => (
              <li key={href}>
                <a href={href} rel="noreferrer">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">This message contains no links.</p>
        )}
      </section>

      <section className="card" aria-labelledby="text-title">
        <h2 className="card-title" id="text-title">
          Text body
        </h2>
        <pre className="mail-text">{m.text}</pre>
      </section>

      <section className="card" aria-labelledby="html-title">
        <h2 className="card-title" id="html-title">
          HTML body
        </h2>
        <p className="muted">Shown in a sandbox: scripts, forms and links inside it do not run.</p>
        <iframe className="mail-frame" sandbox="" srcDoc={m.html} title={`HTML body of “${m.subject}”`} />
      </section>
    </>
  );
}

function HeaderRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <code>{value}</code>
      </dd>
    </>
  );
}
