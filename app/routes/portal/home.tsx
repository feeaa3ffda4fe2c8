import { Link } from "react-router";
import type { Route } from "./+types/home";
import { requirePermission } from "~/modules/auth/guard.server";
import { customerHome, type Plan } from "~/modules/orgs/organizations.server";
import { formatTimestamp } from "~/modules/orgs/users.server";

export const meta: Route.MetaFunction = () => [{ title: "My organization · Support Portal" }];

const planLabels: Record<Plan, string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };

/** A customer's home: their organization, their account and (when shared) their colleagues. */
export async function loader({ url, context }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "view:portal");
  const home = await customerHome(me);
  return {
    me: {
      name: home.me.name,
      email: home.me.email,
      memberSince: formatTimestamp(home.me.createdAt, me.timeZone),
      lastSignIn: formatTimestamp(home.me.lastSignInAt, me.timeZone),
      timeZone: home.me.timeZone,
    },
    organization: home.organization,
    colleagues: home.colleagues,
  };
}

export default function PortalHome({ loaderData }: Route.ComponentProps) {
  const { me, organization, colleagues } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Welcome, {me.name}</h1>
          <p>{organization ? `${organization.name} · ${planLabels[organization.plan]} plan` : "Your account is not linked to an organization."}</p>
        </div>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="org-title">
          <h2 id="org-title" className="card-title">
            Your organization
          </h2>
          {organization ? (
            <dl className="details">
              <dt>Name</dt>
              <dd>{organization.name}</dd>
              <dt>Plan</dt>
              <dd>{planLabels[organization.plan]}</dd>
              <dt>Shared tickets</dt>
              <dd>{organization.shareTickets ? "Colleagues see each other's tickets" : "Each person sees only their own tickets"}</dd>
            </dl>
          ) : (
            <p className="muted">Ask your support contact to add you to your organization.</p>
          )}
        </section>
        <section className="card" aria-labelledby="account-title" style={{ marginTop: 0 }}>
          <h2 id="account-title" className="card-title">
            Your account
          </h2>
          <dl className="details">
            <dt>Name</dt>
            <dd>{me.name}</dd>
            <dt>Email</dt>
            <dd>{me.email}</dd>
            <dt>Time zone</dt>
            <dd>{me.timeZone ?? "UTC (not set)"}</dd>
            <dt>Member since</dt>
            <dd>{me.memberSince}</dd>
            <dt>Last sign-in</dt>
            <dd>{me.lastSignIn ?? "This is your first visit"}</dd>
          </dl>
          <p style={{ marginTop: "var(--space-4)", marginBottom: 0 }}>
            <Link to="/account">Edit your account</Link>
          </p>
        </section>
      </div>
      {organization?.shareTickets ? (
        <section className="card" aria-labelledby="colleagues-title" style={{ marginTop: "var(--space-4)" }}>
          <h2 id="colleagues-title" className="card-title">
            Your colleagues
          </h2>
          {colleagues.length === 0 ? (
            <p className="muted">Nobody else from {organization.name} has an account yet.</p>
          ) : (
            <ul>
              {colleagues.map((c) => (
                <li key={c.id}>
                  {c.name} <span className="muted">({c.email})</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}
