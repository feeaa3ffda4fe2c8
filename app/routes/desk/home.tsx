import { Link } from "react-router";
import type { Route } from "./+types/home";
import { DataTable } from "~/components/data-table";
import { requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { listOrganizations, type Plan } from "~/modules/orgs/organizations.server";

export const meta: Route.MetaFunction = () => [{ title: "Customers · Support Portal" }];

const planLabels: Record<Plan, string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };
const planBadge: Record<Plan, string> = { standard: "badge", enterprise: "badge badge-accent", beta: "badge badge-warning" };

/** The agents' customer directory: every organization, with a way in to invite its contacts. */
export async function loader({ url, context }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "view:desk");
  const organizations = await listOrganizations();
  return {
    canInvite: can(me, "invite:customer"),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name, domain: o.domain, plan: o.plan, contacts: o.memberCount })),
  };
}

export default function DeskHome({ loaderData }: Route.ComponentProps) {
  const { organizations, canInvite } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Customer directory</h1>
          <p>
            {organizations.length} {organizations.length === 1 ? "organization" : "organizations"}.
            {canInvite ? " Open one to see its contacts and invite new ones." : " Open one to see its contacts."}
          </p>
        </div>
      </div>
      <DataTable
        caption="Customer organizations"
        columns={["Organization", "Plan", "Domain", { label: "Contacts", numeric: true }]}
        rows={organizations}
        empty={
          <div className="empty">
            <h2>No customer organizations</h2>
            <p>An administrator creates organizations under Organizations.</p>
          </div>
        }
        row={(o) => (
          <tr key={o.id}>
            <td>
              <Link to={`/admin/organizations/${o.id}`}>{o.name}</Link>
            </td>
            <td>
              <span className={planBadge[o.plan]}>{planLabels[o.plan]}</span>
            </td>
            <td>{o.domain ?? <span className="muted">None</span>}</td>
            <td className="num">{o.contacts}</td>
          </tr>
        )}
      />
    </>
  );
}
