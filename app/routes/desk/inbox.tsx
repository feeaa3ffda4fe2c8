import { Form, Link, redirect, useActionData, useNavigation } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/inbox";
import { RelativeTime } from "~/components/time";
import { formFailure, isFormFailure, parseForm, readForm, type FormFailure } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import {
  addReviewToTicket,
  createTicketFromReview,
  discardReview,
  listReview,
  organizationChoices,
  reviewCount,
} from "~/modules/tickets/inbound.server";
import { TicketError } from "~/modules/tickets/tickets.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `Email review (${data?.total ?? 0}) · Desk · Support Portal` }];

const PREVIEW_CHARS = 600;

/** Mail the portal could not file by itself (unknown sender, closed ticket, refused attachment). */
export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:desk");
  const [items, total, organizations] = await Promise.all([listReview(user), reviewCount(), organizationChoices()]);
  return {
    total,
    done: url.searchParams.get("done"),
    doneNumber: url.searchParams.get("number"),
    organizations,
    items: items.map((i) => ({
      ...i,
      receivedAt: i.receivedAt.toISOString(),
      preview: i.text.length > PREVIEW_CHARS ? `${i.text.slice(0, PREVIEW_CHARS)}…` : i.text,
    })),
  };
}

const idField = z.uuid("That email was not found.");
const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), id: idField, organizationId: z.uuid("Choose an organization.") }),
  z.object({
    intent: z.literal("add"),
    id: idField,
    number: z.string().trim().regex(/^#?\d{1,9}$/, "Enter a ticket number such as 1042.").transform((v) => Number(v.replace("#", ""))),
  }),
  z.object({ intent: z.literal("discard"), id: idField }),
]);

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:desk");
  const form = await readForm(request);
  const parsed = parseForm(form, actionSchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  try {
    if (input.intent === "create") {
      const { number } = await createTicketFromReview(user, input.id, input.organizationId);
      return redirect(`/desk/inbox?done=created&number=${number}`);
    }
    if (input.intent === "add") {
      const { number } = await addReviewToTicket(user, input.id, input.number);
      return redirect(`/desk/inbox?done=added&number=${number}`);
    }
    await discardReview(user, input.id);
    return redirect("/desk/inbox?done=discarded");
  } catch (error) {
    if (error instanceof TicketError) {
      const status = error.status === 403 ? 403 : error.status === 404 ? 404 : error.status === 409 ? 409 : 400;
      return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message, status);
    }
    throw error;
  }
}

function doneMessage(done: string | null, number: string | null): string | null {
  const n = number && /^\d+$/.test(number) ? `#${number}` : "the ticket";
  if (done === "created") return `Ticket ${n} was created from the email.`;
  if (done === "added") return `The email was added to ${n}.`;
  if (done === "discarded") return "The email was discarded.";
  return null;
}

export default function Inbox({ loaderData }: Route.ComponentProps) {
  const { items, total, organizations, done, doneNumber } = loaderData;
  const actionData = useActionData<typeof action>();
  const failure = isFormFailure(actionData) ? (actionData as FormFailure) : undefined;
  const failedId = failure?.values.id;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const notice = doneMessage(done, doneNumber);
  const now = Date.now();

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Email review ({total})</h1>
          <p>
            Mail the portal could not file by itself: senders it does not know, replies to closed tickets, refused attachments. Create a
            ticket, add the mail to an existing ticket, or discard it. Every choice is recorded.
          </p>
        </div>
        <Link to="/desk" className="btn btn-secondary btn-sm">
          Back to the queues
        </Link>
      </div>

      {notice ? (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      ) : null}
      {failure?.formError && !failedId ? (
        <div className="alert alert-error" role="alert">
          {failure.formError}
        </div>
      ) : null}

      {items.length === 0 ? (
        <div className="empty">
          <h2>Nothing to review</h2>
          <p>Every received email was filed into a ticket.</p>
        </div>
      ) : (
        <ul className="inbox-list" style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: "var(--space-4)" }}>
          {items.map((item) => {
            const errors = failedId === item.id ? failure : undefined;
            return (
              <li key={item.id} className="card" aria-labelledby={`mail-${item.id}`}>
                <div style={{ display: "flex", justifyContent: "space-between", gap: "var(--space-3)", flexWrap: "wrap" }}>
                  <div>
                    <h2 className="card-title" id={`mail-${item.id}`} style={{ margin: 0 }}>
                      {item.subject || <span className="muted">(no subject)</span>}
                    </h2>
                    <p style={{ margin: "var(--space-1) 0 0" }}>
                      From <strong>{item.fromName ? `${item.fromName} ` : ""}</strong>
                      <span>&lt;{item.fromAddress}&gt;</span> · received <RelativeTime value={item.receivedAt} now={now} />
                      {item.attachmentCount ? ` · ${item.attachmentCount} attachment${item.attachmentCount === 1 ? "" : "s"}` : ""}
                      {item.ticketNumber ? (
                        <>
                          {" "}
                          · about <Link to={`/desk/tickets/${item.ticketNumber}`}>#{item.ticketNumber}</Link>
                        </>
                      ) : null}
                    </p>
                  </div>
                  {item.processing ? <span className="badge badge-warning">Fetching from Resend…</span> : null}
                </div>

                <pre style={{ whiteSpace: "pre-wrap", font: "inherit", margin: "var(--space-3) 0", maxHeight: "12em", overflow: "auto" }}>
                  {item.preview || <span className="muted">(no text)</span>}
                </pre>
                {item.html ? (
                  <details style={{ marginBottom: "var(--space-3)" }}>
                    <summary>Show the formatted email (sanitized; images are not loaded)</summary>
                    {/* Sanitized with an allowlist when stored and again when listed (inbound-html.ts). */}
                    <div className="email-html" dangerouslySetInnerHTML={{ __html: item.html }} />
                  </details>
                ) : null}

                {errors?.formError ? (
                  <div className="alert alert-error" role="alert">
                    {errors.formError}
                  </div>
                ) : null}

                {item.processing ? (
                  <p className="muted">This email is still being fetched; the actions appear once it is.</p>
                ) : (
                  <div style={{ display: "flex", gap: "var(--space-4)", flexWrap: "wrap", alignItems: "flex-end" }}>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="id" value={item.id} />
                      <label htmlFor={`org-${item.id}`}>Organization</label>
                      <select
                        id={`org-${item.id}`}
                        name="organizationId"
                        defaultValue={errors?.values.organizationId ?? item.suggestedOrganizationId ?? ""}
                        required
                        aria-invalid={errors?.fieldErrors.organizationId ? true : undefined}
                        aria-describedby={errors?.fieldErrors.organizationId ? `org-err-${item.id}` : undefined}
                      >
                        <option value="">Choose…</option>
                        {organizations.map((o) => (
                          <option key={o.id} value={o.id}>
                            {o.name}
                            {o.domain ? ` (${o.domain})` : ""}
                          </option>
                        ))}
                      </select>
                      <button type="submit" name="intent" value="create" className="btn btn-sm" disabled={busy}>
                        Create ticket
                      </button>
                      {errors?.fieldErrors.organizationId ? (
                        <span className="field-error" id={`org-err-${item.id}`}>
                          {errors.fieldErrors.organizationId}
                        </span>
                      ) : null}
                    </Form>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="id" value={item.id} />
                      <label htmlFor={`num-${item.id}`}>Ticket #</label>
                      <input
                        id={`num-${item.id}`}
                        name="number"
                        inputMode="numeric"
                        size={7}
                        defaultValue={errors?.values.number ?? (item.ticketNumber ? String(item.ticketNumber) : "")}
                        required
                        aria-invalid={errors?.fieldErrors.number ? true : undefined}
                        aria-describedby={errors?.fieldErrors.number ? `num-err-${item.id}` : undefined}
                      />
                      <button type="submit" name="intent" value="add" className="btn btn-secondary btn-sm" disabled={busy}>
                        Add to ticket
                      </button>
                      {errors?.fieldErrors.number ? (
                        <span className="field-error" id={`num-err-${item.id}`}>
                          {errors.fieldErrors.number}
                        </span>
                      ) : null}
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="id" value={item.id} />
                      <button type="submit" name="intent" value="discard" className="btn btn-ghost btn-sm" disabled={busy}>
                        Discard
                      </button>
                    </Form>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
