import { data, Form, Link, useNavigate } from "react-router";
import { KeyboardShortcuts } from "~/components/keyboard-shortcuts";
import { KbLinkPicker } from "~/components/kb-link-picker";
import { z } from "zod";
import type { Route } from "./+types/ticket";
import { FormError, SubmitButton } from "~/components/form";
import { PriorityBadge, StatusBadge } from "~/components/ticket-badges";
import { RelativeTime } from "~/components/time";
import { formFailure, parseForm } from "~/lib/forms";
import { redirectWithToast } from "~/lib/toast.server";
import { requirePermission } from "~/modules/auth/guard.server";
import { updateTicketAsAgent, type AgentUpdate } from "~/modules/tickets/desk.server";
import { filesFrom, readTicketForm } from "~/modules/tickets/uploads.server";
import { linkTickets, mergeTicket, unlinkTickets } from "~/modules/tickets/merge.server";
import { getMacro } from "~/modules/tickets/admin.server";
import { renderMacro } from "~/modules/tickets/macro-text";
import { normalizeTags } from "~/modules/tickets/filters";
import { priorityLabels, statusLabels, ticketPriorities, ticketStatuses } from "~/modules/tickets/model";
import { parseTicketNumber, rethrowTicketError } from "~/modules/tickets/route-errors.server";
import { getTicketThread, TicketError } from "~/modules/tickets/tickets.server";
import { deskTicketForBrowser, deskTicketPageData } from "~/modules/tickets/ticket-page-view.server";
import { SlaPanel } from "~/components/sla-panel";
import { BetaPromotePanel } from "~/components/beta-promote";
import { useAppLinkClick } from "~/components/app-links";
import { useDocumentHtml } from "~/lib/document-html";

export const meta: Route.MetaFunction = ({ data }) => [{ title: data ? `#${data.ticket.number} ${data.ticket.subject} · Desk` : "Ticket · Desk" }];

const uuidOrNone = z.union([z.literal(""), z.uuid()]).transform((v) => (v === "" ? null : v));

const ticketRef = z
  .string()
  .trim()
  .regex(/^#?\d{1,9}$/, "Enter a ticket number such as 1234.")
  .transform((v) => Number(v.replace("#", "")));

const otherSchemas = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("merge"), version: z.coerce.number().int().min(1), target: ticketRef }),
  z.object({ intent: z.literal("link"), related: ticketRef }),
  z.object({ intent: z.literal("unlink"), related: ticketRef }),
]);

const saveSchema = z.object({
  intent: z.enum(["save", "assign-to-me"]),
  tags: z.string().max(1000).optional(),
  addTags: z.string().max(1000).optional(),
  version: z.coerce.number().int().min(1),
  body: z.string().trim().max(50_000, "The message is too long.").optional().default(""),
  visibility: z.enum(["public", "internal"]).default("public"),
  status: z.enum(ticketStatuses).optional(),
  priority: z.enum(ticketPriorities).optional(),
  assigneeId: uuidOrNone.optional(),
  groupId: uuidOrNone.optional(),
});

export async function loader({ url, context, params }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:desk");
  const number = parseTicketNumber(params.number);
  try {
    // One statement for the whole page (ticket-page.server.ts); the SLA panel comes from the caches.
    // The thread and the 200-agent assignee options go as HTML strings (ticket-page-view.server.ts).
    return deskTicketForBrowser(await deskTicketPageData(user, number), context);
  } catch (e) {
    rethrowTicketError(e);
  }
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:desk");
  const number = parseTicketNumber(params.number);
  const form = await readTicketForm(request);
  const intent = form.get("intent");
  if (intent === "apply-macro") {
    const macro = await getMacro(String(form.get("macroId") ?? ""));
    if (!macro) return formFailure(form, { macroId: "Choose a macro." });
    try {
      const thread = await getTicketThread(user, number);
      const body = renderMacro(macro.body, {
        requester: { name: thread.requester?.name ?? "", email: thread.requester?.email ?? "" },
        organization: { name: thread.organizationName },
        ticket: { number: thread.ticket.number, subject: thread.ticket.subject },
        agent: { name: user.name },
      });
      return data({ ok: true as const, macro: { id: macro.id, name: macro.name, body, setStatus: macro.setStatus, addTags: macro.addTags } });
    } catch (e) {
      rethrowTicketError(e);
    }
  }
  if (intent === "merge" || intent === "link" || intent === "unlink") {
    const other = parseForm(form, otherSchemas);
    if (!other.success) return other.response;
    try {
      const d = other.data;
      if (d.intent === "merge") {
        await mergeTicket(user, number, d.target, d.version);
        return redirectWithToast(`/desk/tickets/${d.target}`, "Merged: the duplicate's conversation is now part of this ticket.");
      }
      if (d.intent === "link") await linkTickets(user, number, d.related);
      else await unlinkTickets(user, number, d.related);
      return redirectWithToast(`/desk/tickets/${number}`, d.intent === "link" ? `Linked #${d.related}.` : `Removed the link to #${d.related}.`);
    } catch (e) {
      if (e instanceof TicketError && e.status !== 404) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
      rethrowTicketError(e);
    }
  }
  const parsed = parseForm(form, saveSchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  const change: AgentUpdate = { version: input.version };
  if (input.intent === "assign-to-me") {
    change.assigneeId = user.id;
  } else {
    const { files, error } = await filesFrom(form);
    if (error) return formFailure(form, { attachments: error });
    if (files.length && !input.body) return formFailure(form, { body: "Write a message to go with the attachments." });
    if (input.body) change.reply = { body: input.body, visibility: input.visibility, files };
    if (input.status) change.status = input.status;
    if (input.priority) change.priority = input.priority;
    if (input.assigneeId !== undefined) change.assigneeId = input.assigneeId;
    if (input.groupId !== undefined) change.groupId = input.groupId;
    if (input.tags !== undefined) change.tags = input.tags.split(/[,\s]+/);
    if (input.addTags) change.addTags = normalizeTags(input.addTags);
  }
  try {
    await updateTicketAsAgent(user, number, change);
  } catch (e) {
    if (e instanceof TicketError && e.status !== 404) {
      return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    }
    rethrowTicketError(e);
  }
  const what =
    input.intent === "assign-to-me"
      ? "Saved: assigned to you."
      : change.reply
        ? change.reply.visibility === "internal"
          ? "Saved: internal note added."
          : "Saved: reply sent to the requester."
        : "Saved.";
  return redirectWithToast(`/desk/tickets/${number}`, what);
}

export default function DeskTicket({ loaderData, actionData }: Route.ComponentProps) {
  const { ticket } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const macro = actionData && actionData.ok && "macro" in actionData ? actionData.macro : undefined;
  const navigate = useNavigate();
  const focusReply = (kind: "public" | "internal") => {
    const radio = document.querySelector<HTMLInputElement>(`input[name="visibility"][value="${kind}"]`);
    if (radio) radio.checked = true;
    document.getElementById("reply-body")?.focus();
  };
  const shortcuts = [
    { keys: "r", description: "Reply publicly", run: () => focusReply("public") },
    { keys: "n", description: "Write an internal note", run: () => focusReply("internal") },
    { keys: "a", description: "Assign to me", run: () => document.querySelector<HTMLButtonElement>('button[value="assign-to-me"]')?.click() },
    { keys: "s", description: "Change the status", run: () => document.getElementById("f-status")?.focus() },
    { keys: "/", description: "Search the desk", run: () => navigate("/desk/views/all-open") },
    { keys: "u", description: "Back to the queue", run: () => navigate("/desk") },
  ];
  const openAppLink = useAppLinkClick();
  const threadHtml = useDocumentHtml(loaderData, "threadHtml", "ticket-thread");
  const assigneeOptionsHtml = useDocumentHtml(loaderData, "assigneeOptionsHtml", "f-assignee");
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk">Desk</Link> <span aria-hidden="true">/</span> <span>#{ticket.number}</span>
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
              via {ticket.channel} · opened <RelativeTime value={ticket.createdAt} />
            </span>
          </p>
        </div>
        <KeyboardShortcuts shortcuts={shortcuts} title="Ticket shortcuts" />
        {ticket.assigneeId !== loaderData.me ? (
          <Form method="post">
            <input type="hidden" name="version" value={ticket.version} />
            <SubmitButton name="intent" value="assign-to-me" className="btn btn-secondary">
              Assign to me
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      {loaderData.mergedInto ? (
        <div className="alert alert-info" role="note">
          This ticket was merged into <Link to={`/desk/tickets/${String(loaderData.mergedInto)}`}>#{String(loaderData.mergedInto)}</Link>.
        </div>
      ) : null}
      <FormError failure={failure} />

      <div className="workspace">
        <div>
          {/* Built on the server (thread-html.server.ts): messages and events in time order. */}
          <ol id="ticket-thread" className="thread" aria-label="Timeline" onClick={openAppLink} dangerouslySetInnerHTML={{ __html: threadHtml }} />

          <section className="card" aria-labelledby="reply-title">
            <h2 id="reply-title" className="card-title">
              Reply or add a note
            </h2>
            {loaderData.macros.length ? (
              <Form method="post" className="inline-form macro-picker" aria-label="Apply a macro">
                <label htmlFor="macro-id">Macro</label>
                <select id="macro-id" name="macroId" defaultValue={macro?.id ?? ""}>
                  <option value="">Choose…</option>
                  {loaderData.macros.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
                <SubmitButton name="intent" value="apply-macro" className="btn btn-secondary btn-sm">
                  Apply macro
                </SubmitButton>
                {failure?.fieldErrors.macroId ? <span className="error">{failure.fieldErrors.macroId}</span> : null}
              </Form>
            ) : null}
            {macro ? (
              <p className="alert alert-info" role="status">
                Macro “{macro.name}” applied: review the text, then send.
                {macro.addTags.length ? ` Sending adds the tags ${macro.addTags.join(", ")}.` : ""}
              </p>
            ) : null}
            <Form
              method="post"
              encType="multipart/form-data"
              className="form"
              aria-label="Reply"
              key={macro ? `macro-${macro.id}-${ticket.version}` : `reply-${ticket.version}`}
            >
              <input type="hidden" name="version" value={ticket.version} />
              {macro?.addTags.length ? <input type="hidden" name="addTags" value={macro.addTags.join(",")} /> : null}
              <fieldset className="reply-kind">
                <legend className="visually-hidden">Message type</legend>
                <label className="checkbox">
                  <input type="radio" name="visibility" value="public" defaultChecked={failure?.values.visibility !== "internal"} /> Public reply
                </label>
                <label className="checkbox">
                  <input type="radio" name="visibility" value="internal" defaultChecked={failure?.values.visibility === "internal"} /> Internal note
                </label>
              </fieldset>
              <div className="field">
                <label htmlFor="reply-body">Message</label>
                <textarea id="reply-body" name="body" rows={6} defaultValue={macro?.body ?? failure?.values.body} />
                {failure?.fieldErrors.body ? <span className="error">{failure.fieldErrors.body}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="reply-attachments">Attachments</label>
                <input id="reply-attachments" name="attachments" type="file" multiple aria-describedby="reply-attachments-hint" />
                <span className="hint" id="reply-attachments-hint">
                  Up to 5 files of 10 MB each. Attachments on an internal note stay internal.
                </span>
                {failure?.fieldErrors.attachments ? <span className="error">{failure.fieldErrors.attachments}</span> : null}
              </div>
              <KbLinkPicker target="body" origin={loaderData.appUrl} />
              <div className="inline-form">
                <label htmlFor="reply-status">Status after sending</label>
                <select id="reply-status" name="status" defaultValue={macro?.setStatus ?? (ticket.status === "new" ? "open" : ticket.status)}>
                  {ticketStatuses.map((s) => (
                    <option key={s} value={s}>
                      {statusLabels[s]}
                    </option>
                  ))}
                </select>
                <SubmitButton name="intent" value="save" pendingText="Sending…">
                  Send
                </SubmitButton>
              </div>
            </Form>
          </section>
        </div>

        <div className="workspace-side">
          <SlaPanel sla={loaderData.sla} timeZone={loaderData.viewerTimeZone} />
          <section className="card" aria-labelledby="requester-title">
            <h2 id="requester-title" className="card-title">
              Requester
            </h2>
            <dl className="details">
              <dt>Name</dt>
              <dd>{loaderData.requester?.name ?? "—"}</dd>
              <dt>Email</dt>
              <dd>{loaderData.requester?.email ?? "—"}</dd>
              <dt>Organization</dt>
              <dd>
                {loaderData.organizationName} <span className="badge">{loaderData.plan}</span>
              </dd>
            </dl>
          </section>
          <BetaPromotePanel number={loaderData.ticket.number} promote={loaderData.promote} />
          <section className="card" aria-labelledby="fields-title">
            <h2 id="fields-title" className="card-title">
              Ticket
            </h2>
            <Form method="post" className="form" aria-label="Ticket fields" key={`fields-${ticket.version}`}>
              <input type="hidden" name="version" value={ticket.version} />
              <div className="field">
                <label htmlFor="f-status">Status</label>
                <select id="f-status" name="status" defaultValue={ticket.status}>
                  {ticketStatuses.map((s) => (
                    <option key={s} value={s}>
                      {statusLabels[s]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="f-priority">Priority</label>
                <select id="f-priority" name="priority" defaultValue={ticket.priority}>
                  {ticketPriorities.map((p) => (
                    <option key={p} value={p}>
                      {priorityLabels[p]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="f-assignee">Assignee</label>
                {/* "Unassigned" and every active agent, the current one selected (thread-html.server.ts). */}
                <select id="f-assignee" name="assigneeId" defaultValue={ticket.assigneeId ?? ""} dangerouslySetInnerHTML={{ __html: assigneeOptionsHtml }} />
                {failure?.fieldErrors.assigneeId ? <span className="error">{failure.fieldErrors.assigneeId}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="f-group">Group</label>
                <select id="f-group" name="groupId" defaultValue={ticket.groupId ?? ""}>
                  <option value="">No group</option>
                  {loaderData.groups.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
                </select>
                {failure?.fieldErrors.groupId ? <span className="error">{failure.fieldErrors.groupId}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="f-tags">Tags</label>
                <input id="f-tags" name="tags" type="text" defaultValue={ticket.tags.join(", ")} aria-describedby="f-tags-hint" />
                <span className="hint" id="f-tags-hint">
                  Separate tags with commas.
                </span>
              </div>
              <SubmitButton name="intent" value="save" className="btn btn-secondary">
                Update ticket
              </SubmitButton>
            </Form>
          </section>
          <section className="card" aria-labelledby="related-title">
            <h2 id="related-title" className="card-title">
              Related tickets
            </h2>
            {loaderData.related.length ? (
              <ul className="plain-list">
                {loaderData.related.map((r) => (
                  <li key={r.number} className="inline-form">
                    <Link to={`/desk/tickets/${r.number}`}>
                      #{r.number} {r.subject}
                    </Link>{" "}
                    <StatusBadge status={r.status} />
                    <Form method="post">
                      <input type="hidden" name="related" value={r.number} />
                      <button type="submit" name="intent" value="unlink" className="btn btn-ghost btn-sm" aria-label={`Remove link to #${r.number}`}>
                        Remove
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No related tickets.</p>
            )}
            <Form method="post" className="inline-form" aria-label="Link a related ticket">
              <label htmlFor="link-related" className="visually-hidden">
                Related ticket number
              </label>
              <input id="link-related" name="related" type="text" inputMode="numeric" placeholder="#1234" size={8} />
              <SubmitButton name="intent" value="link" className="btn btn-secondary btn-sm">
                Link
              </SubmitButton>
            </Form>
            {failure?.fieldErrors.related ? <span className="error">{failure.fieldErrors.related}</span> : null}
          </section>
          <section className="card" aria-labelledby="others-title">
            <h2 id="others-title" className="card-title">
              {loaderData.requester?.name ?? "Requester"}'s other tickets
            </h2>
            {loaderData.otherTickets.length ? (
              <ul className="plain-list">
                {loaderData.otherTickets.map((o) => (
                  <li key={o.number}>
                    <Link to={`/desk/tickets/${o.number}`}>
                      #{o.number} {o.subject}
                    </Link>{" "}
                    <StatusBadge status={o.status} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">This is their only ticket.</p>
            )}
          </section>
          {ticket.status !== "closed" ? (
            <section className="card" aria-labelledby="merge-title">
              <h2 id="merge-title" className="card-title">
                Merge duplicate
              </h2>
              <Form method="post" className="form" aria-label="Merge into another ticket">
                <input type="hidden" name="version" value={ticket.version} />
                <div className="field">
                  <label htmlFor="merge-target">Merge this ticket into</label>
                  <input id="merge-target" name="target" type="text" inputMode="numeric" placeholder="#1234" aria-describedby="merge-hint" />
                  <span className="hint" id="merge-hint">
                    The thread moves to that ticket, this one closes and the requester is told.
                  </span>
                  {failure?.fieldErrors.target ? <span className="error">{failure.fieldErrors.target}</span> : null}
                </div>
                <SubmitButton name="intent" value="merge" className="btn btn-secondary">
                  Merge
                </SubmitButton>
              </Form>
            </section>
          ) : null}
          {loaderData.rating ? (
            <section className="card" aria-label="Customer rating">
              <p>
                Customer rating: <strong>{loaderData.rating.rating}</strong>
                {loaderData.rating.comment ? <> — “{loaderData.rating.comment}”</> : null}
              </p>
            </section>
          ) : null}
        </div>
      </div>
    </>
  );
}
