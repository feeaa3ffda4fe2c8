import { Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/organization";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm, type FormFailure } from "~/lib/forms";
import { AccountError } from "~/modules/auth/account.server";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import {
  getOrganization,
  inviteContact,
  listContacts,
  OrganizationError,
  organizationSchema,
  updateOrganization,
  type Plan,
} from "~/modules/orgs/organizations.server";
import { formatTimestamp, type UserStatus } from "~/modules/orgs/users.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: `${data && "organization" in data ? data.organization.name : "Organization"} · Support Portal` },
];

// Kept here (not imported from the .server module) because the component renders them.
const plans = ["standard", "enterprise", "beta"] as const satisfies readonly Plan[];
const planLabels: Record<Plan, string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };
const planBadge: Record<Plan, string> = { standard: "badge", enterprise: "badge badge-accent", beta: "badge badge-warning" };
const statusLabels: Record<UserStatus, string> = { active: "Active", invited: "Invited", disabled: "Disabled" };
const statusBadge: Record<UserStatus, string> = { active: "badge badge-success", invited: "badge badge-warning", disabled: "badge badge-danger" };

export const inviteContactSchema = z.object({
  intent: z.literal("invite-contact"),
  email: z.string().trim().min(1, "Enter an email address.").max(320).email("Enter a valid email address."),
  name: z.string().trim().max(200, "Keep the name under 200 characters.").optional(),
});

export async function loader({ url, context, params }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "read:organizations");
  const organization = await getOrganization(params.id);
  if (!organization) notFound("There is no organization with this id.");
  const contacts = await listContacts(organization.id);
  return {
    canManage: can(me, "manage:organizations"),
    canInvite: can(me, "invite:customer"),
    organization: {
      id: organization.id,
      name: organization.name,
      domain: organization.domain,
      plan: organization.plan,
      shareTickets: organization.shareTickets,
    },
    contacts: contacts.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      status: c.status,
      lastSignIn: formatTimestamp(c.lastSignInAt, me.timeZone),
    })),
  };
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  // The weakest permission that allows any action here; each intent checks its own below.
  requirePermission(url, context, "read:organizations");
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "update") {
    const me = requirePermission(url, context, "manage:organizations");
    if (!(await getOrganization(params.id))) notFound("There is no organization with this id.");
    const parsed = parseForm(form, organizationSchema);
    if (!parsed.success) return parsed.response;
    try {
      const { organization, changed } = await updateOrganization(me, params.id, parsed.data, context.ip);
      return {
        ok: true as const,
        intent,
        message: changed.length ? `${organization.name} was saved.` : "Nothing changed.",
        at: Date.now(),
      };
    } catch (error) {
      if (error instanceof OrganizationError) {
        return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message);
      }
      throw error;
    }
  }
  if (intent === "invite-contact") {
    const me = requirePermission(url, context, "invite:customer");
    const organization = await getOrganization(params.id);
    if (!organization) notFound("There is no organization with this id.");
    const parsed = parseForm(form, inviteContactSchema);
    if (!parsed.success) return parsed.response;
    try {
      await inviteContact(me, organization.id, parsed.data, context.ip);
      return {
        ok: true as const,
        intent,
        message: `Invitation sent to ${parsed.data.email.toLowerCase()}.`,
        at: Date.now(),
      };
    } catch (error) {
      if (error instanceof AccountError) {
        return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message);
      }
      throw error;
    }
  }
  return formFailure(form, {}, "Unknown action.");
}

export default function Organization({ loaderData, actionData }: Route.ComponentProps) {
  const { organization, contacts, canManage, canInvite } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const success = actionData && actionData.ok ? actionData : undefined;
  const editFailure = failure?.values.intent === "update" ? failure : undefined;
  const inviteFailure = failure?.values.intent === "invite-contact" ? failure : undefined;
  const otherFailure = failure && !editFailure && !inviteFailure ? failure : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={canManage ? "/admin/organizations" : "/desk/customers"}>{canManage ? "Organizations" : "Customer directory"}</Link>
          </p>
          <h1>{organization.name}</h1>
          <p>
            <span className={planBadge[organization.plan]}>{planLabels[organization.plan]}</span>{" "}
            {organization.domain ?? "No domain"} · {contacts.length} {contacts.length === 1 ? "contact" : "contacts"}
          </p>
        </div>
      </div>

      {success ? (
        <div className="alert alert-success" role="status">
          {success.message}
        </div>
      ) : null}
      <FormError failure={otherFailure} />

      <div className="grid-2" style={{ alignItems: "start" }}>
        <section className="card" aria-labelledby="org-details-title">
          <h2 id="org-details-title" className="card-title">
            {canManage ? "Edit organization" : "Details"}
          </h2>
          {canManage ? (
            <EditForm organization={organization} failure={editFailure} />
          ) : (
            <dl className="details">
              <dt>Name</dt>
              <dd>{organization.name}</dd>
              <dt>Domain</dt>
              <dd>{organization.domain ?? "None"}</dd>
              <dt>Plan</dt>
              <dd>{planLabels[organization.plan]}</dd>
              <dt>Members see each other&apos;s tickets</dt>
              <dd>{organization.shareTickets ? "Yes" : "No"}</dd>
            </dl>
          )}
        </section>

        {canInvite ? (
          <section className="card" aria-labelledby="invite-contact-title" style={{ marginTop: 0 }}>
            <h2 id="invite-contact-title" className="card-title">
              Invite a contact
            </h2>
            <p className="muted">They get an email with a link to set their password; it is valid for 7 days.</p>
            <FormError failure={inviteFailure} />
            <Form method="post" className="form" noValidate key={success?.intent === "invite-contact" ? success.at : "invite"}>
              <input type="hidden" name="intent" value="invite-contact" />
              <Field
                label="Email"
                name="email"
                type="email"
                required
                autoComplete="off"
                defaultValue={inviteFailure?.values.email}
                error={inviteFailure?.fieldErrors.email}
              />
              <Field
                label="Name"
                name="name"
                hint="Optional."
                autoComplete="off"
                defaultValue={inviteFailure?.values.name}
                error={inviteFailure?.fieldErrors.name}
              />
              <div className="actions">
                <SubmitButton pendingText="Sending…">Send invitation</SubmitButton>
              </div>
            </Form>
          </section>
        ) : null}
      </div>

      <section aria-labelledby="contacts-title" style={{ marginTop: "var(--space-6)" }}>
        <h2 id="contacts-title">Contacts</h2>
        <DataTable
          caption={`Contacts of ${organization.name}`}
          columns={["Name", "Email", "Status", "Last sign-in"]}
          rows={contacts}
          empty={
            <div className="empty">
              <p>Nobody belongs to {organization.name} yet.{canInvite ? " Invite the first contact above." : ""}</p>
            </div>
          }
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
    </>
  );
}

function EditForm({
  organization,
  failure,
}: {
  organization: { name: string; domain: string | null; plan: Plan; shareTickets: boolean };
  failure: FormFailure | undefined;
}) {
  const values = failure?.values;
  const errors = failure?.fieldErrors;
  return (
    <>
      <FormError failure={failure} />
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="update" />
        <Field label="Name" name="name" required autoComplete="off" defaultValue={values?.name ?? organization.name} error={errors?.name} />
        <Field
          label="Domain"
          name="domain"
          hint="Lower-case email domain, e.g. acme.com. Optional; no two organizations share one."
          autoComplete="off"
          spellCheck={false}
          defaultValue={values?.domain ?? organization.domain ?? ""}
          error={errors?.domain}
        />
        <SelectField
          label="Plan"
          name="plan"
          defaultValue={values?.plan ?? organization.plan}
          error={errors?.plan}
          options={plans.map((p) => ({ value: p, label: planLabels[p] }))}
        />
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              name="shareTickets"
              value="on"
              defaultChecked={values ? values.shareTickets !== undefined : organization.shareTickets}
            />
            Members see each other&apos;s tickets
          </label>
          {errors?.shareTickets ? <span className="error">{errors.shareTickets}</span> : null}
        </div>
        <div className="actions">
          <SubmitButton pendingText="Saving…">Save changes</SubmitButton>
        </div>
      </Form>
    </>
  );
}
