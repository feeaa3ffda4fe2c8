import { SkeletonRows, usePendingNavigation } from "~/components/skeleton";
import { useRef } from "react";
import { Form, Link, NavLink, redirect, useNavigate, useSearchParams } from "react-router";
import { KeyboardShortcuts, useRowCursor } from "~/components/keyboard-shortcuts";
import { useAppLinkClick } from "~/components/app-links";
import { z } from "zod";
import type { Route } from "./+types/queue";
import { FormError, SubmitButton } from "~/components/form";
import { PriorityBadge, StatusBadge } from "~/components/ticket-badges";
import { RelativeTime } from "~/components/time";
import { SlaCountdown } from "~/components/sla-timer";
import { now } from "~/lib/clock";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import {
  assignmentOptions,
  groupIdsOf,
  bulkUpdate,
  deleteSavedView,
  deskQueue,
  deskViewCounts,
  getSavedView,
  listSavedViews,
  organizationOptions,
  saveView,
} from "~/modules/tickets/desk.server";
import { deskViews, type DeskView } from "~/modules/tickets/views";
import { reviewCount } from "~/modules/tickets/inbound.server";
import { filtersFromParams, queueFiltersSchema, type QueueFilters } from "~/modules/tickets/filters";
import { priorityLabels, statusLabels, ticketPriorities, ticketStatuses } from "~/modules/tickets/model";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.title ?? "Desk"} · Desk · Support Portal` }];

const querySchema = z.object({
  sort: z.enum(["due", "priority", "created", "updated"]).catch("due"),
  q: z.string().trim().max(200).catch(""),
  cursor: z.string().max(300).optional().catch(undefined),
});

export async function loader({ url, context, params }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:desk");
  const viewParam = params.view ?? "unassigned";
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  let view: DeskView | null = null;
  let title: string;
  let filters: QueueFilters | undefined;
  let savedViewId: string | null = null;
  let filterErrors: Record<string, string> = {};
  if (viewParam in deskViews) {
    view = viewParam as DeskView;
    title = deskViews[view];
  } else if (viewParam === "custom") {
    title = "Custom view";
    const parsed = queueFiltersSchema.safeParse(filtersFromParams(url.searchParams));
    if (parsed.success) filters = parsed.data;
    else {
      filters = {};
      filterErrors = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    }
  } else {
    const saved = await getSavedView(user, viewParam);
    if (!saved) notFound("There is no such view.");
    title = saved.name;
    filters = saved.filters;
    savedViewId = saved.id;
  }
  // The agent's groups, read once: they scope the counts and the page, and bound the bulk move.
  const groupIds = await groupIdsOf(user.id);
  const [counts, page, saved, options, organizations, inboxCount] = await Promise.all([
    deskViewCounts(user, groupIds),
    deskQueue(user, { view, filters, ...query }, groupIds),
    listSavedViews(user),
    assignmentOptions(),
    viewParam === "custom" ? organizationOptions() : Promise.resolve([]),
    reviewCount(),
  ]);
  // Agents route tickets only into their own groups (the bulk action offers just those).
  const movableGroupIds = user.role === "admin" ? null : groupIds;
  // Only what a row shows travels to the browser (the page's data is serialized into the HTML).
  const tickets = page.tickets.map(queueRow);
  return { movableGroupIds, inboxCount, viewParam, view, title, filters: filters ?? null, filterErrors, savedViewId, counts, saved, options, organizations, tickets, nextCursor: page.nextCursor, query, serverNow: now().toISOString(), viewerTimeZone: user.timeZone ?? null };
}

type QueueTicket = Awaited<ReturnType<typeof deskQueue>>["tickets"][number];

/** A queue row as the table renders it. */
function queueRow(t: QueueTicket) {
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    tags: t.tags,
    updatedAt: t.updatedAt,
    organizationName: t.organizationName,
    requesterName: t.requesterName,
    assigneeName: t.assigneeName,
    snippetHtml: t.snippetHtml,
    slaDueAt: t.slaDueAt,
    slaWarned: t.slaWarned,
  };
}

const bulkSchema = z.object({
  intent: z.literal("bulk"),
  numbers: z.preprocess((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]), z.array(z.coerce.number().int().positive()).min(1, "Select at least one ticket.")),
  assigneeId: z.string().optional(),
  status: z.enum(ticketStatuses).optional().or(z.literal("").transform(() => undefined)),
  priority: z.enum(ticketPriorities).optional().or(z.literal("").transform(() => undefined)),
  groupId: z.string().optional(),
  addTag: z.string().trim().max(40).optional(),
});

const saveViewSchema = z.object({ intent: z.literal("save-view"), name: z.string().trim().min(1, "Name the view.").max(60, "Keep the name under 60 characters.") });

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:desk");
  const form = await readForm(request);
  const intent = form.get("intent");
  const here = new URL(url);
  if (intent === "save-view") {
    const parsed = parseForm(form, saveViewSchema);
    if (!parsed.success) return parsed.response;
    const filters = queueFiltersSchema.safeParse(filtersFromParams(here.searchParams));
    if (!filters.success) return formFailure(form, {}, "Fix the filters before saving the view.");
    const id = await saveView(user, parsed.data.name, filters.data);
    return redirect(`/desk/views/${id}`);
  }
  if (intent === "delete-view" && params.view) {
    await deleteSavedView(user, params.view);
    return redirect("/desk");
  }
  const parsed = parseForm(form, bulkSchema);
  if (!parsed.success) return parsed.response;
  const d = parsed.data;
  const uuid = (v: string | undefined, me: string) => (v === "me" ? me : v === "none" ? null : v && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
  const change = {
    ...(uuid(d.assigneeId, user.id) !== undefined ? { assigneeId: uuid(d.assigneeId, user.id) } : {}),
    ...(d.status ? { status: d.status } : {}),
    ...(d.priority ? { priority: d.priority } : {}),
    ...(uuid(d.groupId, user.id) !== undefined ? { groupId: uuid(d.groupId, user.id) } : {}),
    ...(d.addTag ? { addTag: d.addTag } : {}),
  };
  if (Object.keys(change).length === 0) return formFailure(form, {}, "Choose at least one change to apply.");
  const result = await bulkUpdate(user, d.numbers, change);
  here.searchParams.set("bulk", `${result.updated}-${result.skipped}`);
  return redirect(`${here.pathname}?${here.searchParams.toString()}`);
}

export default function DeskQueue({ loaderData, actionData }: Route.ComponentProps) {
  const { view, viewParam, title, counts, tickets, nextCursor, query, saved, options, filters } = loaderData;
  // Moving to another view or page shows placeholder rows instead of the old list.
  const switchingView = usePendingNavigation((pathname) => pathname === "/desk" || pathname.startsWith("/desk/views/"));
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const next = new URLSearchParams(params);
  next.delete("bulk");
  if (nextCursor) next.set("cursor", nextCursor);
  const bulk = params.get("bulk")?.split("-").map(Number);
  const list = useRef<HTMLTableSectionElement>(null);
  const cursor = useRowCursor(list);
  const navigate = useNavigate();
  // The rows' ticket links are plain anchors: 50 of React Router's <Link> resolved their paths
  // with hooks on every server render (~0.8 ms of a queue page). data-discover lets React Router
  // fetch the ticket route's manifest ahead, as it does for a <Link>.
  const openRowLink = useAppLinkClick();
  const shortcuts = [
    { keys: "j", description: "Next ticket", run: () => cursor.move(1) },
    { keys: "k", description: "Previous ticket", run: () => cursor.move(-1) },
    { keys: "Enter", description: "Open the selected ticket", run: () => cursor.open() },
    { keys: "/", description: "Search", run: () => document.getElementById("desk-search")?.focus() },
    { keys: "u", description: "Unassigned view", run: () => navigate("/desk") },
    { keys: "m", description: "My tickets", run: () => navigate("/desk/views/mine") },
  ];
  return (
    <div className="desk">
      <aside className="desk-sidebar" aria-label="Views">
        <h2 className="visually-hidden">Views</h2>
        <ul>
          {(Object.keys(deskViews) as DeskView[]).map((v) => (
            <li key={v}>
              <NavLink to={v === "unassigned" ? "/desk" : `/desk/views/${v}`} end className={() => (v === view ? "active" : "")} aria-current={v === view ? "page" : undefined}>
                <span>{deskViews[v]}</span>
                <span className="count" aria-label={`${counts[v]} tickets`}>
                  {counts[v]}
                </span>
              </NavLink>
            </li>
          ))}
        </ul>
        <h3 className="sidebar-heading">My views</h3>
        <ul>
          {saved.map((s) => (
            <li key={s.id}>
              <NavLink to={`/desk/views/${s.id}`} className={() => (s.id === viewParam ? "active" : "")} aria-current={s.id === viewParam ? "page" : undefined}>
                {s.name}
              </NavLink>
            </li>
          ))}
          <li>
            <NavLink to="/desk/views/custom" className={() => (viewParam === "custom" ? "active" : "")}>
              + Custom view
            </NavLink>
          </li>
        </ul>
        <h3 className="sidebar-heading">Email</h3>
        <ul>
          <li>
            <NavLink to="/desk/inbox">
              <span>Email review</span>
              <span className="count" aria-label={`${loaderData.inboxCount} emails to review`}>
                {loaderData.inboxCount}
              </span>
            </NavLink>
          </li>
        </ul>
      </aside>
      <section className="desk-main" aria-labelledby="view-title">
        <div className="page-header">
          <h1 id="view-title">{title}</h1>
          <KeyboardShortcuts shortcuts={shortcuts} title="Queue shortcuts" />
          <Form method="get" role="search" className="inline-form">
            {viewParam === "custom" ? [...params.entries()].filter(([k]) => !["q", "sort", "cursor", "bulk"].includes(k)).map(([k, v], i) => <input key={`${k}${i}`} type="hidden" name={k} value={v} />) : null}
            <label htmlFor="desk-search" className="visually-hidden">
              Search tickets
            </label>
            <input id="desk-search" type="search" name="q" defaultValue={query.q} placeholder="Subject, message, requester or #number" />
            <label htmlFor="desk-sort" className="visually-hidden">
              Sort by
            </label>
            <select id="desk-sort" name="sort" defaultValue={query.sort}>
              <option value="due">Due soonest</option>
              <option value="updated">Last updated</option>
              <option value="created">Newest</option>
              <option value="priority">Priority</option>
            </select>
            <button type="submit" className="btn btn-secondary btn-sm">
              Apply
            </button>
          </Form>
        </div>

        {viewParam === "custom" ? <CustomViewForm filters={filters ?? {}} errors={loaderData.filterErrors} options={options} organizations={loaderData.organizations} /> : null}
        {loaderData.savedViewId ? (
          <Form method="post" className="actions view-actions">
            <button type="submit" name="intent" value="delete-view" className="btn btn-ghost btn-sm">
              Delete this view
            </button>
          </Form>
        ) : null}
        {bulk ? (
          <div className="alert alert-success" role="status">
            Updated {bulk[0]} ticket{bulk[0] === 1 ? "" : "s"}
            {bulk[1] ? `; ${bulk[1]} could not be changed` : ""}.
          </div>
        ) : null}
        <FormError failure={failure} />

        {tickets.length === 0 ? (
          <div className="empty">
            <h2>{query.q ? "No tickets match" : "Nothing here"}</h2>
            <p>{query.q ? "Try other words or another view." : view === "unassigned" ? "Every ticket has an owner. Check Mine for your open work." : "No tickets in this view right now."}</p>
          </div>
        ) : (
          <Form method="post" aria-label="Bulk actions">
            <input type="hidden" name="intent" value="bulk" />
            <div className="bulk-bar" role="group" aria-label="Change selected tickets">
              <label htmlFor="bulk-assignee">Assign</label>
              <select id="bulk-assignee" name="assigneeId" defaultValue="">
                <option value="">—</option>
                <option value="me">Me</option>
                <option value="none">Unassigned</option>
                {options.agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
              <label htmlFor="bulk-status">Status</label>
              <select id="bulk-status" name="status" defaultValue="">
                <option value="">—</option>
                {ticketStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusLabels[s]}
                  </option>
                ))}
              </select>
              <label htmlFor="bulk-priority">Priority</label>
              <select id="bulk-priority" name="priority" defaultValue="">
                <option value="">—</option>
                {ticketPriorities.map((p) => (
                  <option key={p} value={p}>
                    {priorityLabels[p]}
                  </option>
                ))}
              </select>
              <label htmlFor="bulk-group">Group</label>
              <select id="bulk-group" name="groupId" defaultValue="">
                <option value="">—</option>
                <option value="none">No group</option>
                {options.groups
                  .filter((g) => loaderData.movableGroupIds === null || loaderData.movableGroupIds.includes(g.id))
                  .map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
              <label htmlFor="bulk-tag">Add tag</label>
              <input id="bulk-tag" name="addTag" type="text" size={10} />
              <SubmitButton className="btn btn-secondary btn-sm">Apply to selected</SubmitButton>
            </div>
            <div className="table-wrap">
              <table className="table queue" aria-busy={switchingView || undefined}>
                <caption className="visually-hidden">{title} tickets</caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">Select</span>
                    </th>
                    <th scope="col">Ticket</th>
                    <th scope="col">Requester</th>
                    <th scope="col">Status</th>
                    <th scope="col">Priority</th>
                    <th scope="col">SLA</th>
                    <th scope="col">Assignee</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody ref={list} onClick={openRowLink}>
                  {switchingView ? <SkeletonRows columns={8} rows={Math.min(Math.max(tickets.length, 5), 12)} /> : null}
                  {(switchingView ? [] : tickets).map((t) => (
                    <tr key={t.number} data-row>
                      <td>
                        <input type="checkbox" name="numbers" value={t.number} aria-label={`Select ticket #${t.number}`} />
                      </td>
                      <td>
                        <a href={`/desk/tickets/${t.number}`} data-app-link="" data-discover="true">
                          <span className="muted">#{t.number}</span> {t.subject}
                        </a>
                        {t.tags.length ? (
                          <div className="tag-list">
                            {t.tags.map((tag) => (
                              <span key={tag} className="badge">
                                {tag}
                              </span>
                            ))}
                          </div>
                        ) : null}
                        {t.snippetHtml ? <div className="snippet muted small" dangerouslySetInnerHTML={{ __html: t.snippetHtml }} /> : null}
                      </td>
                      <td>
                        {t.requesterName}
                        <div className="muted small">{t.organizationName}</div>
                      </td>
                      <td>
                        <StatusBadge status={t.status} />
                      </td>
                      <td>
                        <PriorityBadge priority={t.priority} />
                      </td>
                      <td>
                        {t.slaDueAt ? (
                          <SlaCountdown compact state={Date.parse(t.slaDueAt) < Date.parse(loaderData.serverNow) ? "breached" : t.slaWarned ? "warning" : "running"} dueAt={t.slaDueAt} serverNow={loaderData.serverNow} timeZone={loaderData.viewerTimeZone} />
                        ) : (
                          <span className="muted small">—</span>
                        )}
                      </td>
                      <td>{t.assigneeName ?? <span className="muted">Unassigned</span>}</td>
                      <td>
                        <RelativeTime value={t.updatedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Form>
        )}
        {nextCursor ? (
          <p className="pager">
            <Link to={`?${next.toString()}`}>Next page →</Link>
          </p>
        ) : null}
      </section>
    </div>
  );
}

function CustomViewForm({
  filters,
  errors,
  options,
  organizations,
}: {
  filters: QueueFilters;
  errors: Record<string, string>;
  options: { agents: { id: string; name: string }[]; groups: { id: string; name: string }[] };
  organizations: { id: string; name: string }[];
}) {
  const [params] = useSearchParams();
  return (
    <section className="card filters" aria-labelledby="filters-title">
      <h2 id="filters-title" className="card-title">
        Filters
      </h2>
      <Form method="get" className="filter-grid">
        <fieldset>
          <legend>Status</legend>
          {ticketStatuses.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" name="status" value={s} defaultChecked={filters.status?.includes(s)} /> {statusLabels[s]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Priority</legend>
          {ticketPriorities.map((p) => (
            <label key={p} className="checkbox">
              <input type="checkbox" name="priority" value={p} defaultChecked={filters.priority?.includes(p)} /> {priorityLabels[p]}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="cv-group">Group</label>
          <select id="cv-group" name="groupId" defaultValue={filters.groupId ?? ""}>
            <option value="">Any</option>
            {options.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <label htmlFor="cv-assignee">Assignee</label>
          <select id="cv-assignee" name="assigneeId" defaultValue={filters.assigneeId ?? ""}>
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            {options.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <label htmlFor="cv-org">Organization</label>
          <select id="cv-org" name="organizationId" defaultValue={filters.organizationId ?? ""}>
            <option value="">Any</option>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cv-tag">Tag</label>
          <input id="cv-tag" name="tag" type="text" defaultValue={filters.tag ?? ""} />
          <label htmlFor="cv-channel">Channel</label>
          <select id="cv-channel" name="channel" defaultValue={filters.channel ?? ""}>
            <option value="">Any</option>
            <option value="web">Web</option>
            <option value="email">Email</option>
            <option value="api">API</option>
            <option value="slack">Slack</option>
          </select>
          <label htmlFor="cv-text">Text</label>
          <input id="cv-text" name="q" type="text" defaultValue={filters.q ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="cv-created-from">Created from</label>
          <input id="cv-created-from" name="createdFrom" type="date" defaultValue={filters.createdFrom ?? ""} />
          <label htmlFor="cv-created-to">Created until</label>
          <input id="cv-created-to" name="createdTo" type="date" defaultValue={filters.createdTo ?? ""} />
          <label htmlFor="cv-updated-from">Updated from</label>
          <input id="cv-updated-from" name="updatedFrom" type="date" defaultValue={filters.updatedFrom ?? ""} />
          <label htmlFor="cv-updated-to">Updated until</label>
          <input id="cv-updated-to" name="updatedTo" type="date" defaultValue={filters.updatedTo ?? ""} />
          {Object.values(errors).length ? (
            <span className="error" role="alert">
              {Object.entries(errors)
                .map(([k, v]) => `${k}: ${v}`)
                .join(" · ")}
            </span>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-secondary">
            Show tickets
          </button>
        </div>
      </Form>
      <Form method="post" action={`/desk/views/custom?${params.toString()}`} className="inline-form save-view" aria-label="Save this view">
        <label htmlFor="cv-name">Save these filters as</label>
        <input id="cv-name" name="name" type="text" placeholder="View name" required />
        <SubmitButton name="intent" value="save-view" className="btn btn-sm">
          Save view
        </SubmitButton>
      </Form>
    </section>
  );
}
