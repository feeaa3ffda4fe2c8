import { Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/users";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { AccountError, inviteUser } from "~/modules/auth/account.server";
import { requirePermission } from "~/modules/auth/guard.server";
import { roleLabels, type Role } from "~/modules/auth/permissions";
import {
  changeUserRole,
  formatTimestamp,
  listUsers,
  setUserDisabled,
  UserAdminError,
  type UserStatus,
} from "~/modules/orgs/users.server";

export const meta: Route.MetaFunction = () => [{ title: "Users · Support Portal" }];

// Kept here (not imported from the .server module) because the component renders them.
const roles = ["customer", "agent", "sales", "admin"] as const satisfies readonly Role[];
const staffRoles = ["agent", "sales", "admin"] as const satisfies readonly Role[];
const userStatuses = ["active", "invited", "disabled"] as const satisfies readonly UserStatus[];
const statusLabels: Record<UserStatus, string> = { active: "Active", invited: "Invited", disabled: "Disabled" };
const statusBadge: Record<UserStatus, string> = { active: "badge badge-success", invited: "badge badge-warning", disabled: "badge badge-danger" };

const filtersSchema = z.object({
  role: z.enum(roles).optional().catch(undefined),
  status: z.enum(userStatuses).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
});

export const inviteStaffSchema = z.object({
  intent: z.literal("invite"),
  email: z.string().trim().min(1, "Enter an email address.").max(320).email("Enter a valid email address."),
  name: z.string().trim().max(200, "Keep the name under 200 characters.").optional(),
  role: z.enum(staffRoles, "Choose agent, sales or admin."),
});

const changeRoleSchema = z.object({
  intent: z.literal("change-role"),
  userId: z.uuid("Unknown user."),
  role: z.enum(staffRoles, "Choose agent, sales or admin."),
});

const toggleSchema = z.object({ intent: z.enum(["disable", "enable"]), userId: z.uuid("Unknown user.") });

export async function loader({ url, context }: Route.LoaderArgs) {
  const me = requirePermission(url, context, "manage:users");
  const params = url.searchParams;
  const filters = filtersSchema.parse({
    role: params.get("role") || undefined,
    status: params.get("status") || undefined,
    q: params.get("q") || undefined,
  });
  const rows = await listUsers(filters);
  return {
    me: { id: me.id },
    filters: { role: filters.role ?? "", status: filters.status ?? "", q: filters.q ?? "" },
    users: rows.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      organizationId: u.organizationId,
      organizationName: u.organizationName,
      status: u.status,
      lastSignIn: formatTimestamp(u.lastSignInAt, me.timeZone),
    })),
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const me = requirePermission(url, context, "manage:users");
  const form = await readForm(request);
  const intent = form.get("intent");
  try {
    if (intent === "invite") {
      requirePermission(url, context, "invite:staff");
      const parsed = parseForm(form, inviteStaffSchema);
      if (!parsed.success) return parsed.response;
      await inviteUser({ ...parsed.data, invitedBy: { id: me.id, name: me.name }, ip: context.ip });
      return { ok: true as const, intent, message: `Invitation sent to ${parsed.data.email.toLowerCase()}.`, at: Date.now() };
    }
    if (intent === "change-role") {
      const parsed = parseForm(form, changeRoleSchema);
      if (!parsed.success) return formFailure(form, parsed.response.data.fieldErrors, "Choose a role for the user.");
      const { name } = await changeUserRole(me, parsed.data.userId, parsed.data.role, context.ip);
      return { ok: true as const, intent, message: `${name} is now ${roleLabels[parsed.data.role].toLowerCase()}. Their sessions were ended.`, at: Date.now() };
    }
    if (intent === "disable" || intent === "enable") {
      const parsed = parseForm(form, toggleSchema);
      if (!parsed.success) return formFailure(form, parsed.response.data.fieldErrors, "Unknown user.");
      const disable = parsed.data.intent === "disable";
      const { name } = await setUserDisabled(me, parsed.data.userId, disable, context.ip);
      return {
        ok: true as const,
        intent,
        message: disable ? `${name} is disabled and was signed out everywhere.` : `${name} can sign in again.`,
        at: Date.now(),
      };
    }
    return formFailure(form, {}, "Unknown action.");
  } catch (error) {
    if (error instanceof AccountError) {
      return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message);
    }
    if (error instanceof UserAdminError) return formFailure(form, {}, error.message, error.status);
    throw error;
  }
}

export default function Users({ loaderData, actionData }: Route.ComponentProps) {
  const { users, filters, me } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const success = actionData && actionData.ok ? actionData : undefined;
  const inviteFailure = failure?.values.intent === "invite" ? failure : undefined;
  const filtered = filters.role || filters.status || filters.q;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p>Staff and customer contacts. Disabling someone or changing their role signs them out everywhere.</p>
        </div>
      </div>

      {success ? (
        <div className="alert alert-success" role="status">
          {success.message}
        </div>
      ) : null}
      {failure && !inviteFailure ? <FormError failure={failure} /> : null}

      <section className="card" aria-labelledby="invite-staff-title">
        <h2 id="invite-staff-title" className="card-title">
          Invite staff
        </h2>
        <FormError failure={inviteFailure} />
        <Form method="post" className="form" noValidate aria-labelledby="invite-staff-title" key={success?.intent === "invite" ? success.at : "invite"}>
          <input type="hidden" name="intent" value="invite" />
          <div className="grid-2" style={{ alignItems: "start" }}>
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
              hint="Optional; they can change it when they accept."
              autoComplete="off"
              defaultValue={inviteFailure?.values.name}
              error={inviteFailure?.fieldErrors.name}
            />
          </div>
          <SelectField
            label="Role"
            name="role"
            defaultValue={inviteFailure?.values.role ?? "agent"}
            error={inviteFailure?.fieldErrors.role}
            options={staffRoles.map((r) => ({ value: r, label: roleLabels[r] }))}
          />
          <div className="actions">
            <SubmitButton pendingText="Sending…">
              Send invitation
            </SubmitButton>
          </div>
        </Form>
      </section>

      <section aria-labelledby="all-users-title" style={{ marginTop: "var(--space-6)" }}>
        <h2 id="all-users-title">All users</h2>
        <Form method="get" className="inline-form" role="search" aria-label="Filter users" style={{ marginBottom: "var(--space-4)" }}>
          <label htmlFor="filter-q" className="visually-hidden">
            Search by name or email
          </label>
          <input id="filter-q" type="search" name="q" placeholder="Search name or email" defaultValue={filters.q} />
          <label htmlFor="filter-role" className="visually-hidden">
            Filter by role
          </label>
          <select id="filter-role" name="role" defaultValue={filters.role}>
            <option value="">All roles</option>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
          <label htmlFor="filter-status" className="visually-hidden">
            Filter by status
          </label>
          <select id="filter-status" name="status" defaultValue={filters.status}>
            <option value="">All statuses</option>
            {userStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-secondary btn-sm">
            Filter
          </button>
          {filtered ? (
            <Link to="/admin/users" className="btn btn-ghost btn-sm">
              Clear filters
            </Link>
          ) : null}
        </Form>

        <DataTable
          caption={`${users.length} ${users.length === 1 ? "user" : "users"}`}
          columns={["Name", "Email", "Role", "Organization", "Status", "Last sign-in", "Actions"]}
          rows={users}
          empty={
            <div className="empty">
              <h2>No users match</h2>
              <p>Try another search or clear the filters.</p>
            </div>
          }
          row={(u) => (
            <UserRow key={u.id} user={u} isMe={u.id === me.id} />
          )}
        />
      </section>
    </>
  );
}

function UserRow({
  user,
  isMe,
}: {
  user: { id: string; name: string; email: string; role: Role; organizationId: string | null; organizationName: string | null; status: UserStatus; lastSignIn: string | null };
  isMe: boolean;
}) {
  const roleSelectId = `role-${user.id}`;
  return (
    <tr>
      <td>
        {user.name}
        {isMe ? <span className="muted"> (you)</span> : null}
      </td>
      <td>{user.email}</td>
      <td>
        {user.role === "customer" || isMe ? (
          roleLabels[user.role]
        ) : (
          <Form method="post" className="inline-form">
            <input type="hidden" name="userId" value={user.id} />
            <label htmlFor={roleSelectId} className="visually-hidden">
              Role of {user.name}
            </label>
            <select id={roleSelectId} name="role" defaultValue={user.role}>
              {staffRoles.map((r) => (
                <option key={r} value={r}>
                  {roleLabels[r]}
                </option>
              ))}
            </select>
            <button type="submit" name="intent" value="change-role" className="btn btn-secondary btn-sm" aria-label={`Save role of ${user.name}`}>
              Save
            </button>
          </Form>
        )}
      </td>
      <td>
        {user.organizationId ? <Link to={`/admin/organizations/${user.organizationId}`}>{user.organizationName}</Link> : <span className="muted">Staff</span>}
      </td>
      <td>
        <span className={statusBadge[user.status]}>{statusLabels[user.status]}</span>
      </td>
      <td>{user.lastSignIn ?? <span className="muted">Never</span>}</td>
      <td>
        {isMe ? (
          <span className="muted">—</span>
        ) : (
          <Form method="post" className="inline-form">
            <input type="hidden" name="userId" value={user.id} />
            {user.status === "disabled" ? (
              <button type="submit" name="intent" value="enable" className="btn btn-secondary btn-sm" aria-label={`Enable ${user.name}`}>
                Enable
              </button>
            ) : (
              <button type="submit" name="intent" value="disable" className="btn btn-danger btn-sm" aria-label={`Disable ${user.name}`}>
                Disable
              </button>
            )}
          </Form>
        )}
      </td>
    </tr>
  );
}
