import { Form, useSearchParams } from "react-router";
import { redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/groups";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { addGroupMember, AdminError, createGroup, deleteGroup, listGroups, removeGroupMember } from "~/modules/tickets/admin.server";

export const meta: Route.MetaFunction = () => [{ title: "Groups · Admin · Support Portal" }];

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z.string().trim().min(2, "Name the group (at least 2 characters).").max(60, "Keep the name under 60 characters."),
    description: z.string().trim().max(300).default(""),
  }),
  z.object({ intent: z.literal("add-member"), groupId: z.uuid(), userId: z.uuid("Choose a person.") }),
  z.object({ intent: z.literal("remove-member"), groupId: z.uuid(), userId: z.uuid() }),
  z.object({ intent: z.literal("delete"), groupId: z.uuid() }),
]);

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:groups");
  return listGroups();
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:groups");
  const by = { actorId: user.id, ip: context.ip };
  const form = await readForm(request);
  const parsed = parseForm(form, schema);
  if (!parsed.success) return parsed.response;
  const d = parsed.data;
  try {
    if (d.intent === "create") await createGroup(d.name, d.description, by);
    if (d.intent === "add-member") await addGroupMember(d.groupId, d.userId, by);
    if (d.intent === "remove-member") await removeGroupMember(d.groupId, d.userId, by);
    if (d.intent === "delete") await deleteGroup(d.groupId, by);
  } catch (e) {
    if (e instanceof AdminError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message);
    throw e;
  }
  return redirect(`/admin/groups?done=${d.intent}`);
}

export default function Groups({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Groups</h1>
          <p>Queues that tickets are routed to. Agents work the tickets of their groups, unrouted tickets and their own.</p>
        </div>
      </div>
      {params.get("done") ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      <FormError failure={failure} />
      <div className="grid-2">
        <div>
          {loaderData.groups.length === 0 ? (
            <div className="empty">
              <h2>No groups yet</h2>
              <p>Create a group such as “Billing” or “Technical” and add agents to it.</p>
            </div>
          ) : (
            loaderData.groups.map((g) => (
              <section key={g.id} className="card" aria-labelledby={`group-${g.id}`}>
                <div className="page-header">
                  <div>
                    <h2 id={`group-${g.id}`} className="card-title">
                      {g.name}
                    </h2>
                    {g.description ? <p>{g.description}</p> : null}
                  </div>
                  <Form method="post">
                    <input type="hidden" name="groupId" value={g.id} />
                    <button type="submit" name="intent" value="delete" className="btn btn-ghost btn-sm" aria-label={`Delete group ${g.name}`}>
                      Delete
                    </button>
                  </Form>
                </div>
                {g.members.length ? (
                  <ul className="plain-list">
                    {g.members.map((m) => (
                      <li key={m.userId} className="inline-form">
                        {m.name}
                        <Form method="post">
                          <input type="hidden" name="groupId" value={g.id} />
                          <input type="hidden" name="userId" value={m.userId} />
                          <button type="submit" name="intent" value="remove-member" className="btn btn-ghost btn-sm" aria-label={`Remove ${m.name} from ${g.name}`}>
                            Remove
                          </button>
                        </Form>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">No members yet.</p>
                )}
                <Form method="post" className="inline-form" aria-label={`Add a member to ${g.name}`}>
                  <input type="hidden" name="groupId" value={g.id} />
                  <label htmlFor={`add-${g.id}`} className="visually-hidden">
                    Person to add to {g.name}
                  </label>
                  <select id={`add-${g.id}`} name="userId" defaultValue="">
                    <option value="">Choose an agent…</option>
                    {loaderData.staff
                      .filter((s) => !g.members.some((m) => m.userId === s.id))
                      .map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name}
                        </option>
                      ))}
                  </select>
                  <SubmitButton name="intent" value="add-member" className="btn btn-secondary btn-sm">
                    Add
                  </SubmitButton>
                </Form>
              </section>
            ))
          )}
        </div>
        <section className="card" aria-labelledby="new-group">
          <h2 id="new-group" className="card-title">
            New group
          </h2>
          <Form method="post" className="form" aria-label="New group">
            <Field label="Name" name="name" required defaultValue={failure?.values.name} error={failure?.fieldErrors.name} />
            <Field label="Description" name="description" defaultValue={failure?.values.description} />
            <SubmitButton name="intent" value="create">
              Create group
            </SubmitButton>
          </Form>
        </section>
      </div>
    </>
  );
}
