import { Link } from "react-router";
import type { Route } from "./+types/home";
import { DataTable } from "~/components/data-table";
import { requirePermission } from "~/modules/auth/guard.server";
import { listBetaCustomers } from "~/modules/orgs/organizations.server";
import { formatTimestamp, type UserStatus } from "~/modules/orgs/users.server";

export const meta: Route.MetaFunction = () => [{ title: "Beta program · Support Portal" }];

const statusLabels: Record<UserStatus, string> = { active: "Active", invited: "Invited", disabled: "Disabled" };
const statusBadge: Record<UserStatus, string> = { active: "badge badge-success", invited: "badge badge-warning", disabled: "badge badge-danger" };

/** The beta program's customers: organizations on the beta plan and how engaged their people are. */
export async function loader({ url, context }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "view:beta");
  const organizations = await listBetaCustomers();
  return {
    organizations: organizations.map((o) => ({
      id: o.id,
      name: o.name,
      domain: o.domain,
      contacts: o.contacts.map((c) => ({
        id: c.id,
        name: c.name,
        email: c.email,
        status: c.status,
        lastSignIn: formatTimestamp(c.lastSignInAt, me.timeZone),
      })),
    })),
  };
}

export default function BetaHome({ loaderData }: Route.ComponentProps) {
  const { organizations } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Beta program</h1>
          <p>
            {organizations.length} beta {organizations.length === 1 ? "organization" : "organizations"}: customers on the beta plan, their
            contacts and when each last signed in.
          </p>
        </div>
      </div>
      {organizations.length === 0 ? (
        <div className="empty">
          <h2>No organization is on the beta plan</h2>
          <p>An administrator moves an organization to the beta plan under Organizations.</p>
        </div>
      ) : (
        organizations.map((o) => (
          <section key={o.id} className="card" aria-labelledby={`beta-org-${o.id}`}>
            <h2 id={`beta-org-${o.id}`} className="card-title">
              <Link to={`/admin/organizations/${o.id}`}>{o.name}</Link>{" "}
              <span className="muted" style={{ fontWeight: 400, fontSize: "0.9rem" }}>
                {o.domain ?? "no domain"} · {o.contacts.length} {o.contacts.length === 1 ? "contact" : "contacts"}
              </span>
            </h2>
            <DataTable
              caption={`Contacts of ${o.name}`}
              columns={["Name", "Email", "Status", "Last sign-in"]}
              rows={o.contacts}
              empty="No contacts yet."
              row={(c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.email}</td>
                  <td>
                    <span className={statusBadge[c.status]}>{statusLabels[c.status]}</span>
                  </td>
                  <td>{c.lastSignIn ?? <span className="muted">Never</span>}</td>
                </tr>
              )}
            />
          </section>
        ))
      )}
    </>
  );
}
