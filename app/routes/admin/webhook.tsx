import { data, Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/webhook";
import { DataTable } from "~/components/data-table";
import { FormError, SubmitButton } from "~/components/form";
import { formatTime } from "~/components/mail-status";
import { DeliveryBadge, SecretOnce, WebhookFields } from "~/components/webhooks";
import { formFailure, readForm } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import {
  deleteWebhook,
  deliveryCounts,
  deliveryLog,
  getWebhook,
  parseWebhookForm,
  redeliver,
  rotateWebhookSecret,
  sendTestPing,
  updateWebhook,
  WebhookAdminError,
  webhookFormSchema,
} from "~/modules/webhooks/admin.server";
import { echoForm } from "~/modules/webhooks/form";

export const meta: Route.MetaFunction = ({ data: d }) => [{ title: `${d?.webhook.description || d?.webhook.url || "Webhook"} · Webhooks · Support Portal` }];

const pageSchema = z.object({ before: z.coerce.number().int().positive().optional().or(z.literal("").transform(() => undefined)) });

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:webhooks");
  const hook = await getWebhook(params.id);
  if (!hook) notFound("There is no such webhook.");
  const page = pageSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!page.success) throw data({ message: "That page of the delivery log is not valid." }, { status: 400 });
  const [log, counts] = await Promise.all([deliveryLog(hook.id, page.data.before), deliveryCounts(hook.id)]);
  return {
    webhook: { ...hook, createdAt: hook.createdAt.toISOString(), updatedAt: hook.updatedAt.toISOString(), rotationEndsAt: hook.rotationEndsAt?.toISOString() ?? null },
    deliveries: log.rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
    })),
    nextBefore: log.nextBefore,
    before: page.data.before ?? null,
    counts,
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  webhookFormSchema.extend({ intent: z.literal("save") }),
  z.object({ intent: z.literal("rotate") }),
  z.object({ intent: z.literal("test") }),
  z.object({ intent: z.literal("delete") }),
  z.object({ intent: z.literal("redeliver"), deliveryId: z.uuid("Choose a delivery.") }),
]);

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const me = requirePermission(url, context, "manage:webhooks");
  const hook = await getWebhook(params.id);
  if (!hook) notFound("There is no such webhook.");
  const form = await readForm(request);
  const parsed = parseWebhookForm(form, actionSchema);
  if (!parsed.success) return parsed.response;
  const d = parsed.data;
  const ctx = { actor: me, ip: context.ip };
  try {
    switch (d.intent) {
      case "save": {
        const { intent: _intent, ...input } = d;
        await updateWebhook(ctx, hook.id, input);
        return redirect(`/admin/webhooks/${hook.id}?done=saved`);
      }
      case "rotate": {
        const r = await rotateWebhookSecret(ctx, hook.id);
        return { ok: true as const, kind: "rotated" as const, secret: r.secret, previousValidUntil: r.previousValidUntil.toISOString() };
      }
      case "test": {
        const o = await sendTestPing(ctx, hook.id);
        return { ok: true as const, kind: "delivery" as const, label: "Test ping", outcome: o };
      }
      case "redeliver": {
        const o = await redeliver(ctx, hook.id, d.deliveryId);
        return { ok: true as const, kind: "delivery" as const, label: "Redelivery", outcome: o };
      }
      case "delete":
        await deleteWebhook(ctx, hook.id);
        return redirect("/admin/webhooks?done=deleted");
    }
  } catch (e) {
    if (e instanceof WebhookAdminError) return formFailure(echoForm(form), e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
}

export default function Webhook({ loaderData, actionData }: Route.ComponentProps) {
  const { webhook, deliveries, nextBefore, before, counts } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const rotated = actionData && actionData.ok && actionData.kind === "rotated" ? actionData : undefined;
  const delivered = actionData && actionData.ok && actionData.kind === "delivery" ? actionData : undefined;
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/admin/webhooks">← All webhooks</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{webhook.description || "Webhook"}</h1>
          <p>
            <code>{webhook.url}</code> {webhook.enabled ? <span className="badge badge-success">enabled</span> : <span className="badge">disabled</span>}
          </p>
        </div>
        <Form method="post" className="inline-form">
          <SubmitButton name="intent" value="test" pendingText="Sending…" className="btn btn-secondary">
            Send test
          </SubmitButton>
        </Form>
      </div>
      {params.get("done") === "saved" ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      {rotated ? (
        <SecretOnce
          secret={rotated.secret}
          title="New signing secret"
          note={`The previous secret also signs every delivery until ${rotated.previousValidUntil.replace("T", " ").slice(0, 16)} UTC, so update your receiver before then.`}
        />
      ) : null}
      {delivered ? (
        <div className={delivered.outcome.status === "delivered" ? "alert alert-success" : "alert alert-error"} role="status">
          {delivered.label}: {delivered.outcome.status === "delivered" ? "delivered" : delivered.outcome.status === "pending" ? "failed, will be retried" : "failed"}
          {delivered.outcome.responseStatus ? ` (HTTP ${delivered.outcome.responseStatus}` + (delivered.outcome.durationMs !== null ? `, ${delivered.outcome.durationMs} ms)` : ")") : ""}
          {delivered.outcome.error ? ` — ${delivered.outcome.error}` : ""}
        </div>
      ) : null}
      <FormError failure={failure} />

      <section aria-labelledby="log">
        <h2 id="log">Delivery log</h2>
        <p className="muted">
          {counts.delivered} delivered · {counts.pending} pending · {counts.failed} failed
        </p>
        <DataTable
          caption="Deliveries to this endpoint, newest first"
          columns={["Time", "Event", "Status", { label: "Response", numeric: true }, { label: "Attempts", numeric: true }, "Error", { label: "Actions", hiddenLabel: true }]}
          rows={deliveries}
          empty={
            <div className="empty">
              <h3>No deliveries yet</h3>
              <p>Use “Send test” to send a ping event now.</p>
            </div>
          }
          row={(r) => (
            <tr key={r.id}>
              <td>{formatTime(r.createdAt)}</td>
              <td>
                <code>{r.eventType}</code>
              </td>
              <td>
                <DeliveryBadge status={r.status} />
                {r.status === "pending" && r.attempts > 0 ? <div className="muted">next try {formatTime(r.nextAttemptAt)}</div> : null}
              </td>
              <td className="num">
                {r.lastResponseStatus ?? <span className="muted">—</span>}
                {r.durationMs !== null ? <div className="muted">{r.durationMs} ms</div> : null}
              </td>
              <td className="num">{r.attempts}</td>
              <td>{r.lastError ? <span title={r.lastResponseBody ?? r.lastError}>{truncate(r.lastError, 80)}</span> : <span className="muted">—</span>}</td>
              <td>
                {r.status === "failed" ? (
                  <Form method="post">
                    <input type="hidden" name="deliveryId" value={r.id} />
                    <SubmitButton name="intent" value="redeliver" className="btn btn-ghost btn-sm" pendingText="Sending…">
                      Redeliver
                    </SubmitButton>
                  </Form>
                ) : null}
              </td>
            </tr>
          )}
        />
        <nav className="actions" aria-label="Delivery log pages" style={{ marginTop: "var(--space-4)" }}>
          {before ? (
            <Link to={`/admin/webhooks/${webhook.id}`} className="btn btn-secondary btn-sm">
              Newest deliveries
            </Link>
          ) : null}
          {nextBefore ? (
            <Link to={`/admin/webhooks/${webhook.id}?before=${nextBefore}`} className="btn btn-secondary btn-sm">
              Older deliveries
            </Link>
          ) : null}
        </nav>
      </section>

      <div className="grid-2" style={{ marginTop: "var(--space-6)" }}>
        <section className="card" aria-labelledby="edit">
          <h2 id="edit" className="card-title">
            Edit endpoint
          </h2>
          <Form method="post" className="form" aria-label="Edit webhook">
            <WebhookFields failure={failure?.values.intent === "save" ? failure : undefined} initial={webhook} />
            <SubmitButton name="intent" value="save" pendingText="Saving…">
              Save changes
            </SubmitButton>
          </Form>
        </section>
        <div>
          <section className="card" aria-labelledby="secret">
            <h2 id="secret" className="card-title">
              Signing secret
            </h2>
            <p>
              Starts with <code>{webhook.secretHint}</code>. Every delivery carries <code>X-Portal-Signature</code>; see <a href="/docs/api#webhooks">verifying signatures</a>.
            </p>
            {webhook.rotationEndsAt ? <p>The previous secret still signs deliveries until {formatTime(webhook.rotationEndsAt)}.</p> : null}
            <Form method="post">
              <SubmitButton name="intent" value="rotate" className="btn btn-secondary" pendingText="Rotating…">
                Rotate secret
              </SubmitButton>
            </Form>
          </section>
          <section className="card" aria-labelledby="danger">
            <h2 id="danger" className="card-title">
              Delete
            </h2>
            <details className="webhook-danger">
              <summary>Delete this webhook…</summary>
              <p>The endpoint and its whole delivery log are removed; pending deliveries are not sent.</p>
              <Form method="post">
                <button type="submit" name="intent" value="delete" className="btn btn-danger">
                  Yes, delete this webhook
                </button>
              </Form>
            </details>
          </section>
        </div>
      </div>
    </>
  );
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
