import { Form, Link, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/ticket";
import { FormError, SubmitButton } from "~/components/form";
import { PriorityBadge, StatusBadge } from "~/components/ticket-badges";
import { RelativeTime } from "~/components/time";
import { formFailure, parseForm } from "~/lib/forms";
import { useDocumentHtml } from "~/lib/document-html";
import { redirectWithToast } from "~/lib/toast.server";
import { requirePermission } from "~/modules/auth/guard.server";
import { parseTicketNumber, rethrowTicketError } from "~/modules/tickets/route-errors.server";
import { rateTicket, replyAsCustomer, setStatusAsCustomer, TicketError } from "~/modules/tickets/tickets.server";
import { portalTicketForBrowser, portalTicketPageData } from "~/modules/tickets/ticket-page-view.server";
import { filesFrom, readTicketForm } from "~/modules/tickets/uploads.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: data ? `#${data.ticket.number} ${data.ticket.subject} · Support Portal` : "Ticket · Support Portal" },
];

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("reply"), body: z.string().trim().min(1, "Write a reply first.").max(50_000, "The reply is too long.") }),
  z.object({ intent: z.literal("solve") }),
  z.object({ intent: z.literal("reopen") }),
  z.object({
    intent: z.literal("rate"),
    rating: z.enum(["good", "bad"], { message: "Choose good or bad." }),
    comment: z.string().trim().max(2000, "Keep the comment under 2000 characters.").optional(),
  }),
]);

export async function loader({ url, context, params }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:portal");
  const number = parseTicketNumber(params.number);
  try {
    // One statement for the whole page (ticket-page.server.ts); the SLA promise comes from the cached policy.
    // The conversation goes as one HTML string (ticket-page-view.server.ts).
    return portalTicketForBrowser(await portalTicketPageData(user, number), user.timeZone, context);
  } catch (e) {
    rethrowTicketError(e);
  }
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:portal");
  const number = parseTicketNumber(params.number);
  const form = await readTicketForm(request);
  const parsed = parseForm(form, actionSchema);
  if (!parsed.success) return parsed.response;
  try {
    switch (parsed.data.intent) {
      case "reply": {
        const { files, error } = await filesFrom(form);
        if (error) return formFailure(form, { attachments: error });
        await replyAsCustomer(user, number, { body: parsed.data.body, files });
        return redirectWithToast(`/portal/tickets/${number}`, "Your reply was added.");
      }
      case "solve":
        await setStatusAsCustomer(user, number, "solved");
        return redirectWithToast(`/portal/tickets/${number}`, "Marked as solved. Thank you!");
      case "reopen":
        await setStatusAsCustomer(user, number, "open");
        return redirectWithToast(`/portal/tickets/${number}`, "The ticket is open again.");
      case "rate":
        await rateTicket(user, number, { rating: parsed.data.rating, comment: parsed.data.comment || null });
        return redirectWithToast(`/portal/tickets/${number}`, "Thanks for rating our support.");
    }
  } catch (e) {
    if (e instanceof TicketError && e.status !== 404) {
      return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    }
    rethrowTicketError(e);
  }
}

export default function PortalTicket({ loaderData, actionData }: Route.ComponentProps) {
  const { ticket } = loaderData;
  const threadHtml = useDocumentHtml(loaderData, "threadHtml", "ticket-thread");
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const closed = ticket.status === "closed";
  const solved = ticket.status === "solved";
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/portal">My tickets</Link> <span aria-hidden="true">/</span> <span>#{ticket.number}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            <span className="muted">#{ticket.number}</span> {ticket.subject}
          </h1>
          <p className="actions">
            <StatusBadge status={ticket.status} /> <PriorityBadge priority={ticket.priority} />
            {ticket.category ? <span className="badge">{ticket.category}</span> : null}
            <span>
              Opened <RelativeTime value={ticket.createdAt} /> by {loaderData.requester?.name ?? "—"}
            </span>
          </p>
          {loaderData.slaPromise ? <p className="sla-promise">{loaderData.slaPromise}</p> : null}
        </div>
        <div className="actions">
          {!solved && !closed ? (
            <Form method="post">
              <SubmitButton className="btn btn-secondary" name="intent" value="solve">
                Mark as solved
              </SubmitButton>
            </Form>
          ) : null}
          {loaderData.mayReopen ? (
            <Form method="post">
              <SubmitButton className="btn btn-secondary" name="intent" value="reopen">
                Reopen
              </SubmitButton>
            </Form>
          ) : null}
        </div>
      </div>
      {params.get("merged") ? (
        <div className="alert alert-info" role="status">
          Your request #{params.get("merged")} was merged into this ticket; the conversation continues here.
        </div>
      ) : null}
      {params.get("created") ? (
        <div className="alert alert-success" role="status">
          Ticket #{ticket.number} was created. We sent you a confirmation by email.
        </div>
      ) : null}
      <FormError failure={failure} />

      {/* Built on the server (thread-html.server.ts): public messages only. */}
      <ol id="ticket-thread" className="thread" aria-label="Conversation" dangerouslySetInnerHTML={{ __html: threadHtml }} />

      {(solved || closed) && !loaderData.rating ? (
        <section className="card" aria-labelledby="rate-title">
          <h2 id="rate-title" className="card-title">
            How did we do?
          </h2>
          <Form method="post" className="form" aria-label="Rate this ticket">
            <fieldset className="rating">
              <legend>Your rating</legend>
              <label className="checkbox">
                <input type="radio" name="rating" value="good" /> Good, I'm satisfied
              </label>
              <label className="checkbox">
                <input type="radio" name="rating" value="bad" /> Bad, I'm unsatisfied
              </label>
              {failure?.fieldErrors.rating ? <span className="error">{failure.fieldErrors.rating}</span> : null}
            </fieldset>
            <div className="field">
              <label htmlFor="rating-comment">Comment (optional)</label>
              <textarea id="rating-comment" name="comment" rows={3} />
            </div>
            <div>
              <SubmitButton name="intent" value="rate">
                Send rating
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : loaderData.rating ? (
        <p className="muted">You rated this ticket {loaderData.rating.rating === "good" ? "good" : "bad"}. Thank you.</p>
      ) : null}

      {!closed ? (
        <section className="card" aria-labelledby="reply-title">
          <h2 id="reply-title" className="card-title">
            {solved ? "Reply (reopens the ticket)" : "Reply"}
          </h2>
          <Form method="post" encType="multipart/form-data" className="form" aria-label="Reply" key={`reply-${loaderData.messageCount}`}>
            <div className="field">
              <label htmlFor="reply-body">Your reply</label>
              <textarea
                id="reply-body"
                name="body"
                rows={5}
                defaultValue={failure?.values.body}
                aria-invalid={failure?.fieldErrors.body ? true : undefined}
              />
              {failure?.fieldErrors.body ? <span className="error">{failure.fieldErrors.body}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="reply-attachments">Attachments</label>
              <input id="reply-attachments" name="attachments" type="file" multiple />
              {failure?.fieldErrors.attachments ? <span className="error">{failure.fieldErrors.attachments}</span> : null}
            </div>
            <div>
              <SubmitButton name="intent" value="reply" pendingText="Sending…">
                Send reply
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : (
        <p className="muted">This ticket is closed. Open a new ticket if you need more help.</p>
      )}
    </>
  );
}

