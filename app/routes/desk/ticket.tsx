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
import { env } from "~/lib/env.server";
import { updateTicketAsAgent, type AgentUpdate } from "~/modules/tickets/desk.server";
import { filesFrom, readTicketForm } from "~/modules/tickets/uploads.server";
import { linkTickets, mergeTicket, unlinkTickets } from "~/modules/tickets/merge.server";
import { getMacro } from "~/modules/tickets/admin.server";
import { renderMacro } from "~/modules/tickets/macro-text";
import { normalizeTags } from "~/modules/tickets/filters";
import { priorityLabels, statusLabels, ticketPriorities, ticketStatuses } from "~/modules/tickets/model";
import { parseTicketNumber, rethrowTicketError } from "~/modules/tickets/route-errors.server";
import { getTicketThread, TicketError } from "~/modules/tickets/tickets.server";
import { getDeskTicketPage } from "~/modules/tickets/ticket-page.server";
import { SlaPanel, slaEventText } from "~/components/sla-panel";
import { BetaPromotePanel } from "~/components/beta-promote";
import { can } from "~/modules/auth/permissions";

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

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const user = requirePermission(request, context, "view:desk");
  const number = parseTicketNumber(params.number);
  try {
    // One statement for the whole page (ticket-page.server.ts); the SLA panel comes from the caches.
    const page = await getDeskTicketPage(user, number);
    const t = page.ticket;
    return {
      me: user.id,
      appUrl: env().APP_URL,
      sla: page.sla,
      viewerTimeZone: user.timeZone ?? null,
      ticket: {
        number: t.number,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        category: t.category,
        channel: t.channel,
        tags: t.tags,
        version: t.version,
        assigneeId: t.assigneeId,
        groupId: t.groupId,
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
      },
      organizationName: page.organizationName,
      plan: page.plan,
      /** Beta customers' tickets can become feedback items (agents and admins may promote). */
      promote: page.plan === "beta" && can(user, "manage:feedback") ? { itemId: page.feedbackItemId } : null,
      requester: page.requester,
      assignee: page.assignee,
      messages: page.messages.map((m) => ({
        id: m.id,
        html: m.html,
        visibility: m.visibility,
        createdAt: m.createdAt,
        authorName: m.authorName ?? "Unknown sender",
        fromCustomer: m.authorRole === "customer",
        attachments: m.attachments,
        // The plain-text part of a formatted email, for agents who want to see exactly what came in.
        text: m.isEmailHtml ? m.body : null,
      })),
      /** Groups this agent may route the ticket into (null: any, for admins). */
      movableGroupIds: page.movableGroupIds,
      events: page.events.map((e) => ({ id: e.id, at: e.at, type: e.type, data: e.data, actorName: e.actorName })),
      rating: page.rating,
      options: page.options,
      macros: page.macros.map((m) => ({ id: m.id, name: m.name })),
      related: page.related,
      otherTickets: page.others,
      mergedInto: page.mergedIntoNumber,
    };
  } catch (e) {
    rethrowTicketError(e);
  }
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const user = requirePermission(request, context, "view:desk");
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

function describeEvent(e: { type: string; data: Record<string, unknown> }, names: Map<string, string>): string {
  const d = e.data;
  switch (e.type) {
    case "created":
      return `created the ticket (${String(d.channel ?? "web")})`;
    case "status":
      return `changed status from ${statusLabels[d.from as keyof typeof statusLabels] ?? d.from} to ${statusLabels[d.to as keyof typeof statusLabels] ?? d.to}`;
    case "priority":
      return `changed priority from ${priorityLabels[d.from as keyof typeof priorityLabels] ?? d.from} to ${priorityLabels[d.to as keyof typeof priorityLabels] ?? d.to}`;
    case "assignment":
      return d.to ? `assigned the ticket to ${names.get(String(d.to)) ?? "an agent"}` : "unassigned the ticket";
    case "group":
      return d.to ? `moved the ticket to ${names.get(String(d.to)) ?? "a group"}` : "removed the group";
    case "rated":
      return `rated the support ${String(d.rating)}`;
    case "tags": {
      const added = (d.added as string[] | undefined) ?? [];
      const removed = (d.removed as string[] | undefined) ?? [];
      return [added.length ? `added tags ${added.join(", ")}` : "", removed.length ? `removed tags ${removed.join(", ")}` : ""].filter(Boolean).join(" and ");
    }
    case "merged_into":
      return `merged this ticket into #${String(d.number)}`;
    case "merged_from":
      return `merged #${String(d.number)} (${String(d.subject ?? "")}) into this ticket`;
    case "sla_warning":
    case "sla_breach":
    case "escalation":
      return slaEventText(e.type, d);
    case "linked":
      return `linked related ticket #${String(d.number)}`;
    case "unlinked":
      return `removed the link to #${String(d.number)}`;
    default:
      return e.type.replace(/_/g, " ");
  }
}

export default function DeskTicket({ loaderData, actionData }: Route.ComponentProps) {
  const { ticket, messages, events, options } = loaderData;
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
  const names = new Map<string, string>([...options.agents.map((a) => [a.id, a.name] as const), ...options.groups.map((g) => [g.id, g.name] as const)]);
  const timeline = [
    ...messages.map((m) => ({ kind: "message" as const, at: new Date(m.createdAt).getTime(), m })),
    ...events.filter((e) => e.type !== "created").map((e) => ({ kind: "event" as const, at: new Date(e.at).getTime(), e })),
  ].sort((a, b) => a.at - b.at);
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
          <ol className="thread" aria-label="Timeline">
            {timeline.map((item) =>
              item.kind === "message" ? (
                <li
                  key={item.m.id}
                  className={`message ${item.m.visibility === "internal" ? "message-internal" : item.m.fromCustomer ? "message-customer" : "message-support"}`}
                >
                  <div className="message-meta">
                    <strong>{item.m.authorName}</strong>
                    {item.m.visibility === "internal" ? <span className="badge badge-warning">Internal note</span> : item.m.fromCustomer ? <span className="badge">Customer</span> : <span className="badge badge-accent">Public reply</span>}
                    <RelativeTime value={item.m.createdAt} />
                  </div>
                  <div className="markdown" dangerouslySetInnerHTML={{ __html: item.m.html }} />
                  {item.m.text !== null ? (
                    <details className="email-text">
                      <summary>Plain-text version of this email</summary>
                      <pre>{item.m.text}</pre>
                    </details>
                  ) : null}
                  {item.m.visibility === "public" && !item.m.fromCustomer ? (
                    <p className="small">
                      <Link to={`/desk/kb/new?fromMessage=${item.m.id}`}>Turn this reply into a help article</Link>
                    </p>
                  ) : null}
                  {item.m.attachments.length ? (
                    <ul className="attachments" aria-label="Attachments">
                      {item.m.attachments.map((a) => (
                        <li key={a.id}>
                          <a href={`/desk/tickets/${ticket.number}/attachments/${a.id}`} download>
                            {a.fileName}
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ) : (
                <li key={`e${item.e.id}`} className="timeline-event">
                  {item.e.actorName ?? "System"} {describeEvent(item.e, names)} · <RelativeTime value={item.e.at} />
                </li>
              ),
            )}
          </ol>

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
                <select id="f-assignee" name="assigneeId" defaultValue={ticket.assigneeId ?? ""}>
                  <option value="">Unassigned</option>
                  {options.agents.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
                {failure?.fieldErrors.assigneeId ? <span className="error">{failure.fieldErrors.assigneeId}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="f-group">Group</label>
                <select id="f-group" name="groupId" defaultValue={ticket.groupId ?? ""}>
                  <option value="">No group</option>
                  {options.groups
                    .filter((g) => loaderData.movableGroupIds === null || loaderData.movableGroupIds.includes(g.id) || g.id === ticket.groupId)
                    .map((g) => (
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
