import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/edit";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { KbMarkdownEditor } from "~/components/kb-editor";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { allCategories, articleForEdit, createArticle, draftFromTicketMessage, feedbackComments, KbError, updateArticle } from "~/modules/kb/articles.server";
import { localeName, translationLocales } from "~/modules/kb/locales";
import { renderArticleMarkdown } from "~/modules/kb/markdown";
import { translationsByArticle } from "~/modules/kb/translations.server";
import { kbStatuses, kbVisibilities, statusLabels, visibilityLabels } from "~/modules/kb/visibility";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.article ? `Edit: ${data.article.title}` : "New article"} · Knowledge base` }];

const uuidParam = z.string().uuid();

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:kb");
  const categories = await allCategories();
  const saved = url.searchParams.get("saved") === "1";
  if (!params.id) {
    const search = url.searchParams;
    const fromMessage = search.get("fromMessage");
    const draft = fromMessage && uuidParam.safeParse(fromMessage).success ? await draftFromTicketMessage(fromMessage) : null;
    const title = draft?.title ?? search.get("title")?.slice(0, 200) ?? "";
    return { article: null, categories, comments: [], prefillTitle: title, prefillBody: draft?.body ?? "", saved, translations: [] };
  }
  if (!uuidParam.safeParse(params.id).success) throw data({ message: "There is no such article." }, { status: 404 });
  const article = await articleForEdit(params.id);
  if (!article) throw data({ message: "There is no such article." }, { status: 404 });
  const translations = (await translationsByArticle([article.id])).get(article.id) ?? [];
  return { article, categories, comments: await feedbackComments(article.id), prefillTitle: "", prefillBody: "", saved, translations };
}

export const articleFormSchema = z.object({
  title: z.string().trim().min(3, "Give the article a title of at least 3 characters.").max(200, "Keep the title under 200 characters."),
  slug: z.string().trim().max(80, "Keep the slug under 80 characters.").optional().default(""),
  summary: z.string().trim().max(300, "Keep the summary under 300 characters.").optional().default(""),
  body: z.string().trim().min(1, "Write the article.").max(100_000, "The article is too long."),
  categoryId: z.union([z.literal(""), z.string().uuid()]).optional().default(""),
  tags: z.string().max(500).optional().default(""),
  status: z.enum(kbStatuses, { message: "Choose a status." }),
  visibility: z.enum(kbVisibilities, { message: "Choose who may read it." }),
  isFaq: z.literal("on").optional(),
  note: z.string().trim().max(200).optional().default(""),
  expectedRevision: z.coerce.number().int().min(1).optional(),
  intent: z.enum(["save", "preview"]).default("save"),
});

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:kb");
  const form = await readForm(request);
  const parsed = parseForm(form, articleFormSchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  if (input.intent === "preview") return data({ ok: true as const, preview: renderArticleMarkdown(input.body).html, saved: false });
  const article = {
    title: input.title,
    slug: input.slug || null,
    summary: input.summary,
    body: input.body,
    categoryId: input.categoryId || null,
    tags: [...new Set(input.tags.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 20),
    status: input.status,
    visibility: input.visibility,
    isFaq: input.isFaq === "on",
    note: input.note,
  };
  try {
    if (!params.id) {
      const created = await createArticle(user, article);
      return redirect(`/desk/kb/articles/${created.id}?saved=1`);
    }
    if (!uuidParam.safeParse(params.id).success) throw data({ message: "There is no such article." }, { status: 404 });
    if (!input.expectedRevision) return formFailure(form, {}, "Reload the page and try again.");
    await updateArticle(user, params.id, { ...article, expectedRevision: input.expectedRevision });
    return redirect(`/desk/kb/articles/${params.id}?saved=1`);
  } catch (e) {
    if (e instanceof KbError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
}

export default function KbEdit({ loaderData, actionData }: Route.ComponentProps) {
  const { article, categories, comments, prefillTitle, prefillBody, saved, translations } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const preview = actionData && actionData.ok ? actionData.preview : null;
  const values: Record<string, string> = failure?.values ?? {};
  const v = (key: string, fallback: string) => values[key] ?? fallback;
  const topLevel = categories.filter((c) => !c.parentId);
  const categoryOptions = [
    { value: "", label: "No category" },
    ...topLevel.flatMap((c) => [{ value: c.id, label: c.name }, ...categories.filter((s) => s.parentId === c.id).map((s) => ({ value: s.id, label: `${c.name} › ${s.name}` }))]),
  ];
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk/kb">Knowledge base</Link> › {article ? article.title : "New article"}
      </nav>
      <div className="page-header">
        <div>
          <h1>{article ? "Edit article" : "New article"}</h1>
          {article ? (
            <p>
              Revision {article.revision} ·{" "}
              {article.status === "published" ? <Link to={`/help/articles/${article.slug}`}>View in the help center</Link> : "not published"}
            </p>
          ) : null}
        </div>
        {article ? (
          <Link to={`/desk/kb/articles/${article.id}/revisions`} className="btn btn-secondary">
            History ({article.revision})
          </Link>
        ) : null}
      </div>
      {saved && !failure ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      <div className="card">
        <FormError failure={failure} />
        <Form method="post" className="form" noValidate aria-label={article ? "Edit article" : "New article"}>
          {article ? <input type="hidden" name="expectedRevision" value={v("expectedRevision", String(article.revision))} /> : null}
          <Field label="Title" name="title" required maxLength={200} defaultValue={v("title", article?.title ?? prefillTitle)} error={failure?.fieldErrors.title} />
          <div className="grid-2">
            <Field
              label="Slug"
              name="slug"
              maxLength={80}
              defaultValue={v("slug", article?.slug ?? "")}
              error={failure?.fieldErrors.slug}
              hint={article ? `Changing it keeps /help/articles/${article.slug} redirecting here.` : "Leave empty to make one from the title."}
            />
            <Field label="Tags" name="tags" defaultValue={v("tags", article?.tags.join(", ") ?? "")} hint="Comma-separated, e.g. billing, invoices" error={failure?.fieldErrors.tags} />
          </div>
          <Field label="Summary" name="summary" maxLength={300} defaultValue={v("summary", article?.summary ?? "")} hint="One sentence: shown in lists and search engines." error={failure?.fieldErrors.summary} />
          <KbMarkdownEditor key={article?.revision ?? "new"} defaultValue={v("body", article?.body ?? prefillBody)} error={failure?.fieldErrors.body} serverPreview={preview} />
          <div className="grid-2">
            <SelectField label="Category" name="categoryId" defaultValue={v("categoryId", article?.categoryId ?? "")} options={categoryOptions} error={failure?.fieldErrors.categoryId} />
            <SelectField
              label="Visibility"
              name="visibility"
              defaultValue={v("visibility", article?.visibility ?? "public")}
              options={kbVisibilities.map((x) => ({ value: x, label: visibilityLabels[x] }))}
              error={failure?.fieldErrors.visibility}
            />
            <SelectField label="Status" name="status" defaultValue={v("status", article?.status ?? "draft")} options={kbStatuses.map((x) => ({ value: x, label: statusLabels[x] }))} error={failure?.fieldErrors.status} />
            <Field label="Revision note" name="note" maxLength={200} defaultValue={v("note", "")} hint="What changed (shown in the history)." />
          </div>
          <label className="checkbox">
            <input type="checkbox" name="isFaq" defaultChecked={values.isFaq ? values.isFaq === "on" : (article?.isFaq ?? false)} /> List on the FAQ page (the title is the question)
          </label>
          <div className="actions">
            <SubmitButton name="intent" value="save" pendingText="Saving…">
              {article ? "Save changes" : "Create article"}
            </SubmitButton>
            <SubmitButton name="intent" value="preview" className="btn btn-secondary">
              Preview
            </SubmitButton>
          </div>
        </Form>
      </div>
      {article ? (
        <section className="card" aria-labelledby="translations-title">
          <h2 id="translations-title" className="card-title">
            Translations
          </h2>
          <table className="table">
            <caption className="visually-hidden">Translations of this article by language</caption>
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">State</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {translationLocales.map((code) => {
                const t = translations.find((x) => x.locale === code);
                return (
                  <tr key={code}>
                    <th scope="row">{localeName(code)}</th>
                    <td>{t ? t.outdated ? <span className="badge badge-warning">Original changed since</span> : <span className="badge badge-success">Translated</span> : <span className="badge">Missing</span>}</td>
                    <td>
                      <Link to={`/desk/kb/articles/${article.id}/translations/${code}`}>{t ? `Edit ${localeName(code)}` : `Translate into ${localeName(code)}`}</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ) : null}
      {article && comments.length ? (
        <section className="card" aria-labelledby="comments-title">
          <h2 id="comments-title" className="card-title">
            Reader comments
          </h2>
          <ul className="kb-link-list">
            {comments.map((c, i) => (
              <li key={i}>
                <span className={c.helpful ? "badge badge-success" : "badge badge-danger"}>{c.helpful ? "Helpful" : "Not helpful"}</span> {c.comment}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
