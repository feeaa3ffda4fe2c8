import { Form, Link, NavLink, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/queue";
import { PriorityBadge, StatusBadge } from "~/components/ticket-badges";
import { RelativeTime } from "~/components/time";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { deskQueue, deskViewCounts, deskViews, type DeskView } from "~/modules/tickets/desk.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data ? deskViews[data.view] : "Desk"} · Desk · Support Portal` }];

const querySchema = z.object({
  sort: z.enum(["priority", "created", "updated"]).catch("updated"),
  q: z.string().trim().max(200).catch(""),
  cursor: z.string().max(300).optional().catch(undefined),
});

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const user = requirePermission(request, context, "view:desk");
  const view = (params.view ?? "unassigned") as DeskView;
  if (!(view in deskViews)) notFound("There is no such view.");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [counts, page] = await Promise.all([deskViewCounts(user), deskQueue(user, { view, ...query })]);
  return { view, counts, ...page, query };
}

export default function DeskQueue({ loaderData }: Route.ComponentProps) {
  const { view, counts, tickets, nextCursor, query } = loaderData;
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
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
      </aside>
      <section className="desk-main" aria-labelledby="view-title">
        <div className="page-header">
          <h1 id="view-title">{deskViews[view]}</h1>
          <Form method="get" role="search" className="inline-form">
            <label htmlFor="desk-search" className="visually-hidden">
              Search tickets
            </label>
            <input id="desk-search" type="search" name="q" defaultValue={query.q} placeholder="Subject, message, requester or #number" />
            <label htmlFor="desk-sort" className="visually-hidden">
              Sort by
            </label>
            <select id="desk-sort" name="sort" defaultValue={query.sort}>
              <option value="updated">Last updated</option>
              <option value="created">Newest</option>
              <option value="priority">Priority</option>
            </select>
            <button type="submit" className="btn btn-secondary btn-sm">
              Apply
            </button>
          </Form>
        </div>
        {tickets.length === 0 ? (
          <div className="empty">
            <h2>{query.q ? "No tickets match" : "Nothing here"}</h2>
            <p>{query.q ? "Try other words or another view." : view === "unassigned" ? "Every ticket has an owner. Check Mine for your open work." : "No tickets in this view right now."}</p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table queue">
              <caption className="visually-hidden">{deskViews[view]} tickets</caption>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">Requester</th>
                  <th scope="col">Status</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {tickets.map((t) => (
                  <tr key={t.number}>
                    <td>
                      <Link to={`/desk/tickets/${t.number}`}>
                        <span className="muted">#{t.number}</span> {t.subject}
                      </Link>
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
                    <td>{t.assigneeName ?? <span className="muted">Unassigned</span>}</td>
                    <td>
                      <RelativeTime value={t.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
