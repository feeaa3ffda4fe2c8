import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/categories";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { categoriesWithCounts, deleteCategory, KbError, saveCategory } from "~/modules/kb/articles.server";

export const meta: Route.MetaFunction = () => [{ title: "Categories · Knowledge base" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "manage:kb");
  return { categories: await categoriesWithCounts({ id: user.id, role: user.role }) };
}

const categorySchema = z.object({
  intent: z.enum(["save", "delete"]),
  id: z.union([z.literal(""), z.string().uuid()]).optional().default(""),
  name: z.string().trim().min(2, "Give the category a name.").max(80, "Keep the name under 80 characters.").optional(),
  slug: z.string().trim().max(80).optional().default(""),
  description: z.string().trim().max(300, "Keep the description under 300 characters.").optional().default(""),
  parentId: z.union([z.literal(""), z.string().uuid()]).optional().default(""),
  position: z.coerce.number().int().min(0).max(1000).catch(0),
});

export async function action({ request, url, context }: Route.ActionArgs) {
  requirePermission(url, context, "manage:kb");
  const form = await readForm(request);
  const parsed = parseForm(form, categorySchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  try {
    if (input.intent === "delete") {
      if (!input.id) return formFailure(form, {}, "Choose a category to delete.");
      await deleteCategory(input.id);
      return data({ ok: true as const, message: "Category deleted; its articles now have no category." });
    }
    if (!input.name) return formFailure(form, { name: "Give the category a name." });
    await saveCategory({ id: input.id || undefined, name: input.name, slug: input.slug || null, description: input.description, parentId: input.parentId || null, position: input.position });
    return data({ ok: true as const, message: input.id ? "Category saved." : "Category created." });
  } catch (e) {
    if (e instanceof KbError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
}

export default function KbCategories({ loaderData, actionData }: Route.ComponentProps) {
  const { categories } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const parentOptions = [{ value: "", label: "None (top level)" }, ...categories.map((c) => ({ value: c.id, label: c.name }))];
  const rows = categories.flatMap((c) => [{ ...c, depth: 0 }, ...c.children.map((s) => ({ ...s, depth: 1 }))]);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk/kb">Knowledge base</Link> › Categories
      </nav>
      <div className="page-header">
        <div>
          <h1>Categories</h1>
          <p>Ordered by position; categories nest one level deep.</p>
        </div>
      </div>
      {actionData && actionData.ok ? (
        <div className="alert alert-success" role="status">
          {actionData.message}
        </div>
      ) : null}
      <FormError failure={failure} />
      <div className="table-wrap kb-section">
        <table className="table">
          <caption className="visually-hidden">Categories</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col" className="num">
                Position
              </th>
              <th scope="col" className="num">
                Articles
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td className={c.depth ? "kb-sub-row" : undefined}>
                  {c.depth ? <span aria-hidden="true">↳ </span> : null}
                  {c.name}
                </td>
                <td className="small">{c.slug}</td>
                <td className="num">{c.position}</td>
                <td className="num">{c.articleCount}</td>
                <td>
                  <details className="kb-category-edit">
                    <summary aria-label={`Edit ${c.name}`}>Edit</summary>
                    <Form method="post" className="form" aria-label={`Edit ${c.name}`}>
                      <input type="hidden" name="id" value={c.id} />
                      <Field label="Name" name="name" required maxLength={80} defaultValue={c.name} />
                      <Field label="Slug" name="slug" maxLength={80} defaultValue={c.slug} />
                      <Field label="Description" name="description" maxLength={300} defaultValue={c.description} />
                      <SelectField label="Parent" name="parentId" options={parentOptions.filter((o) => o.value !== c.id)} defaultValue={c.parentId ?? ""} />
                      <Field label="Position" name="position" type="number" min={0} max={1000} defaultValue={String(c.position)} />
                      <div className="actions">
                        <button type="submit" name="intent" value="save" className="btn btn-sm">
                          Save
                        </button>
                        <button type="submit" name="intent" value="delete" className="btn btn-ghost btn-sm" aria-label={`Delete ${c.name}`}>
                          Delete
                        </button>
                      </div>
                    </Form>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card" aria-labelledby="new-category-title">
        <h2 id="new-category-title" className="card-title">
          New category
        </h2>
        <Form method="post" className="form" aria-labelledby="new-category-title">
          <input type="hidden" name="intent" value="save" />
          <div className="grid-2">
            <Field label="Name" name="name" required maxLength={80} defaultValue={failure?.values.name} error={failure?.fieldErrors.name} />
            <Field label="Slug" name="slug" maxLength={80} defaultValue={failure?.values.slug} hint="Leave empty to make one from the name." error={failure?.fieldErrors.slug} />
            <SelectField label="Parent" name="parentId" options={parentOptions} defaultValue={failure?.values.parentId ?? ""} error={failure?.fieldErrors.parentId} />
            <Field label="Position" name="position" type="number" min={0} max={1000} defaultValue={failure?.values.position ?? "0"} />
          </div>
          <Field label="Description" name="description" maxLength={300} defaultValue={failure?.values.description} error={failure?.fieldErrors.description} />
          <div className="actions">
            <SubmitButton pendingText="Saving…">Create category</SubmitButton>
          </div>
        </Form>
      </section>
    </>
  );
}
