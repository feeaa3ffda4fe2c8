import { Form, Link } from "react-router";
import type { Route } from "./+types/organizations";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import {
  createOrganization,
  listOrganizations,
  OrganizationError,
  organizationSchema,
  type Plan,
} from "~/modules/orgs/organizations.server";

export const meta: Route.MetaFunction = () => [{ title: "Organizations · Support Portal" }];

// Kept here (not imported from the .server module) because the component renders them.
const plans = ["standard", "enterprise", "beta"] as const satisfies readonly Plan[];
const planLabels: Record<Plan, string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };
const planBadge: Record<Plan, string> = { standard: "badge", enterprise: "badge badge-accent", beta: "badge badge-warning" };

export async function loader({ url, context }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "read:organizations");
  const organizations = await listOrganizations();
  return {
    canManage: can(me, "manage:organizations"),
    organizations: organizations.map((o) => ({
      id: o.id,
      name: o.name,
      domain: o.domain,
      plan: o.plan,
      shareTickets: o.shareTickets,
      memberCount: o.memberCount,
    })),
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const me = requirePermission(url, context, "manage:organizations");
  const form = await readForm(request);
  const parsed = parseForm(form, organizationSchema);
  if (!parsed.success) return parsed.response;
  try {
    const org = await createOrganization(me, parsed.data, context.ip);
    return { ok: true as const, message: `${org.name} was created.`, id: org.id, at: Date.now() };
  } catch (error) {
    if (error instanceof OrganizationError) {
      return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message);
    }
    throw error;
  }
}

export default function Organizations({ loaderData, actionData }: Route.ComponentProps) {
  const { organizations, canManage } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const success = actionData && actionData.ok ? actionData : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Organizations</h1>
          <p>Customer companies, their plan and who belongs to them.</p>
        </div>
      </div>

      {success ? (
        <div className="alert alert-success" role="status">
          {success.message} <Link to={`/admin/organizations/${success.id}`}>Open it to invite contacts</Link>.
        </div>
      ) : null}

      <DataTable
        caption={`${organizations.length} ${organizations.length === 1 ? "organization" : "organizations"}`}
        columns={["Name", "Plan", "Domain", { label: "Members", numeric: true }, "Members see each other's tickets"]}
        rows={organizations}
        empty={
          <div className="empty">
            <h2>No organizations yet</h2>
            <p>{canManage ? "Create the first customer organization below." : "An administrator creates customer organizations."}</p>
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
            <td className="num">{o.memberCount}</td>
            <td>{o.shareTickets ? "Yes" : "No"}</td>
          </tr>
        )}
      />

      {canManage ? (
        <section className="card" aria-labelledby="new-org-title" style={{ marginTop: "var(--space-6)" }}>
          <h2 id="new-org-title" className="card-title">
            New organization
          </h2>
          <FormError failure={failure} />
          <Form method="post" className="form" noValidate key={success ? success.at : "new"}>
            <OrganizationFields values={failure?.values} errors={failure?.fieldErrors} />
            <div className="actions">
              <SubmitButton pendingText="Creating…">Create organization</SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** The fields of the organization form (the edit page has the same ones). */
function OrganizationFields({ values, errors }: { values?: Record<string, string>; errors?: Record<string, string> }) {
  return (
    <>
      <div className="grid-2" style={{ alignItems: "start" }}>
        <Field label="Name" name="name" required defaultValue={values?.name} error={errors?.name} autoComplete="off" />
        <Field
          label="Domain"
          name="domain"
          hint="Lower-case email domain, e.g. acme.com. Optional; no two organizations share one."
          defaultValue={values?.domain}
          error={errors?.domain}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <SelectField
        label="Plan"
        name="plan"
        defaultValue={values?.plan ?? "standard"}
        error={errors?.plan}
        options={plans.map((p) => ({ value: p, label: planLabels[p] }))}
      />
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" name="shareTickets" value="on" defaultChecked={values?.shareTickets !== undefined} />
          Members see each other&apos;s tickets
        </label>
        {errors?.shareTickets ? <span className="error">{errors.shareTickets}</span> : null}
      </div>
    </>
  );
}
