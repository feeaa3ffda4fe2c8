import { Form, Link, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/webhooks";
import { DataTable } from "~/components/data-table";
import { FormError, SubmitButton } from "~/components/form";
import { formatTime } from "~/components/mail-status";
import { WebhookFields, SecretOnce, DeliveryBadge } from "~/components/webhooks";
import { formFailure, readForm } from "~/lib/forms";
import { echoForm } from "~/modules/webhooks/form";
import { requirePermission } from "~/modules/auth/guard.server";
import { createWebhook, listWebhooks, parseWebhookForm, WebhookAdminError, webhookFormSchema } from "~/modules/webhooks/admin.server";
import { webhookFormatLabels, type WebhookFormat } from "~/modules/webhooks/events";

export const meta: Route.MetaFunction = () => [{ title: "Webhooks · Admin · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:webhooks");
  const hooks = await listWebhooks();
  return {
    webhooks: hooks.map((h) => ({
      ...h,
      createdAt: h.createdAt.toISOString(),
      updatedAt: h.updatedAt.toISOString(),
      rotationEndsAt: h.rotationEndsAt?.toISOString() ?? null,
      lastDelivery: h.lastDelivery ? { ...h.lastDelivery, at: h.lastDelivery.at.toISOString() } : null,
    })),
  };
}

const createSchema = webhookFormSchema.extend({ intent: z.literal("create") });

export async function action({ request, url, context }: Route.ActionArgs) {
  const me = requirePermission(url, context, "manage:webhooks");
  const form = await readForm(request);
  const parsed = parseWebhookForm(form, createSchema);
  if (!parsed.success) return parsed.response;
  const { intent: _intent, ...input } = parsed.data;
  try {
    const created = await createWebhook({ actor: me, ip: context.ip }, input);
    return { ok: true as const, created: { id: created.id, secret: created.secret, url: input.url } };
  } catch (e) {
    if (e instanceof WebhookAdminError) return formFailure(echoForm(form), e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
}

export default function Webhooks({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const created = actionData && actionData.ok ? actionData.created : undefined;
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p>
            Send ticket, SLA, beta deal and feedback events to other systems as signed JSON, or to a Slack channel. Deliveries are retried with backoff; see{" "}
            <a href="/docs/api#webhooks">how to verify the signature</a>.
          </p>
        </div>
      </div>
      {params.get("done") === "deleted" ? (
        <div className="alert alert-success" role="status">
          The webhook was deleted.
        </div>
      ) : null}
      {created ? <SecretOnce secret={created.secret} title={`Webhook created for ${created.url}`} detailHref={`/admin/webhooks/${created.id}`} /> : null}
      <div className="grid-2">
        <section aria-labelledby="endpoints">
          <h2 id="endpoints">Endpoints</h2>
          <DataTable
            caption="Webhook endpoints"
            columns={["Endpoint", "Events", "Format", "Last delivery"]}
            rows={loaderData.webhooks}
            empty={
              <div className="empty">
                <h2>No webhooks yet</h2>
                <p>Add an endpoint to be told when tickets are created, answered or breach their SLA.</p>
              </div>
            }
            row={(h) => (
              <tr key={h.id}>
                <td>
                  <Link to={`/admin/webhooks/${h.id}`}>{h.description || h.url}</Link>
                  {h.description ? <div className="muted">{h.url}</div> : null}
                  {!h.enabled ? <span className="badge">disabled</span> : null}
                </td>
                <td>{h.events.join(", ")}</td>
                <td>{webhookFormatLabels[h.format as WebhookFormat].split(" (")[0]}</td>
                <td>
                  {h.lastDelivery ? (
                    <>
                      <DeliveryBadge status={h.lastDelivery.status} /> <code>{h.lastDelivery.eventType}</code>
                      {h.lastDelivery.responseStatus ? ` · ${h.lastDelivery.responseStatus}` : ""}
                      <div className="muted">{formatTime(h.lastDelivery.at)}</div>
                    </>
                  ) : (
                    <span className="muted">None yet</span>
                  )}
                </td>
              </tr>
            )}
          />
        </section>
        <section className="card" aria-labelledby="new-webhook">
          <h2 id="new-webhook" className="card-title">
            New webhook
          </h2>
          <FormError failure={failure} />
          <Form method="post" className="form" aria-label="New webhook" key={created?.id ?? "new"}>
            <WebhookFields failure={failure} />
            <SubmitButton name="intent" value="create" pendingText="Checking the URL…">
              Create webhook
            </SubmitButton>
          </Form>
        </section>
      </div>
    </>
  );
}
