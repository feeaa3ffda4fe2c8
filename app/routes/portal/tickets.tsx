import { Form, Link, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/tickets";
import { DataTable } from "~/components/data-table";
import { PriorityBadge, StatusBadge } from "~/components/ticket-badges";
import { RelativeTime } from "~/components/time";
import { requirePermission } from "~/modules/auth/guard.server";
import { listCustomerTickets } from "~/modules/tickets/tickets.server";

export const meta: Route.MetaFunction = () => [{ title: "My tickets · Support Portal" }];

const filtersSchema = z.object({
  status: z.enum(["open", "solved", "all"]).catch("open"),
  scope: z.enum(["mine", "organization"]).catch("mine"),
  q: z.string().trim().max(200).catch(""),
  cursor: z.string().max(200).optional().catch(undefined),
});

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:portal");
  const filters = filtersSchema.parse(Object.fromEntries(url.searchParams));
  const result = await listCustomerTickets(user, filters);
  return { ...result, filters, userName: user.name };
}

const statusTabs = [
  { value: "open", label: "Open" },
  { value: "solved", label: "Solved" },
  { value: "all", label: "All" },
] as const;

export default function PortalTickets({ loaderData }: Route.ComponentProps) {
  const { tickets, filters, sharesTickets, nextCursor } = loaderData;
  const [params] = useSearchParams();
  const withParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    if (value === null) next.delete(key);
    else next.set(key, value);
    return `?${next.toString()}`;
  };
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{filters.scope === "organization" ? `${loaderData.organizationName}'s tickets` : "My tickets"}</h1>
          <p>Follow your requests to our support team, or open a new one.</p>
        </div>
        <Link to="/portal/tickets/new" className="btn">
          New ticket
        </Link>
      </div>

      <div className="toolbar">
        <nav aria-label="Ticket status" className="tabs">
          {statusTabs.map((tab) => (
            <Link key={tab.value} to={withParam("status", tab.value)} aria-current={filters.status === tab.value ? "page" : undefined}>
              {tab.label}
            </Link>
          ))}
        </nav>
        {sharesTickets ? (
          <nav aria-label="Whose tickets" className="tabs">
            <Link to={withParam("scope", "mine")} aria-current={filters.scope === "mine" ? "page" : undefined}>
              Mine
            </Link>
            <Link to={withParam("scope", "organization")} aria-current={filters.scope === "organization" ? "page" : undefined}>
              Everyone at {loaderData.organizationName}
            </Link>
          </nav>
        ) : null}
        <Form method="get" role="search" className="inline-form search-form">
          <input type="hidden" name="status" value={filters.status} />
          <input type="hidden" name="scope" value={filters.scope} />
          <label htmlFor="ticket-search" className="visually-hidden">
            Search tickets
          </label>
          <input id="ticket-search" type="search" name="q" placeholder="Search subject, messages or #number" defaultValue={filters.q} />
          <button type="submit" className="btn btn-secondary btn-sm">
            Search
          </button>
        </Form>
      </div>

      <DataTable
        caption="Tickets"
        columns={["Ticket", "Status", "Priority", filters.scope === "organization" && "Requester", "Last update"]}
        rows={tickets}
        empty={
          <div className="empty">
            <h2>{filters.q ? "No tickets match your search" : filters.status === "open" ? "No open tickets" : "No tickets yet"}</h2>
            <p>{filters.q ? "Try other words, or search all statuses." : "When you need help, open a ticket and we will answer here and by email."}</p>
            <Link to="/portal/tickets/new" className="btn">
              New ticket
            </Link>
          </div>
        }
        row={(t) => (
          <tr key={t.number}>
            <td>
              <Link to={`/portal/tickets/${t.number}`}>
                <span className="muted">#{t.number}</span> {t.subject}
              </Link>
            </td>
            <td>
              <StatusBadge status={t.status} />
            </td>
            <td>
              <PriorityBadge priority={t.priority} />
            </td>
            {filters.scope === "organization" ? <td>{t.requesterName}</td> : null}
            <td>
              <RelativeTime value={t.updatedAt} />
            </td>
          </tr>
        )}
      />
      {nextCursor ? (
        <p className="pager">
          <Link to={`${withParam("cursor", null)}&cursor=${nextCursor}`}>Older tickets →</Link>
        </p>
      ) : null}
    </>
  );
}
