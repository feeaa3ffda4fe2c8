import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/translation";
import { Field, FormError, SubmitButton } from "~/components/form";
import { KbDate } from "~/components/kb-date";
import { KbMarkdownEditor } from "~/components/kb-editor";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { KbError } from "~/modules/kb/articles.server";
import { articlePath, localeName, translationLocales } from "~/modules/kb/locales";
import { renderArticleMarkdown } from "~/modules/kb/markdown";
import { deleteTranslation, saveTranslation, translationForEdit } from "~/modules/kb/translations.server";

export const meta: Route.MetaFunction = ({ data }) => [
  { title: data ? `${localeName(data.locale)} translation: ${data.article.title} · Knowledge base` : "Translation · Knowledge base" },
];

const paramsSchema = z.object({ id: z.string().uuid(), locale: z.enum(translationLocales as [string, ...string[]]) });

function parseParams(params: Record<string, string | undefined>) {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw data({ message: "There is no such article or language." }, { status: 404 });
  return parsed.data;
}

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:kb");
  const { id, locale } = parseParams(params);
  const found = await translationForEdit(id, locale);
  if (!found) throw data({ message: "There is no such article." }, { status: 404 });
  const saved = url.searchParams.get("saved") === "1";
  return { ...found, locale, saved, originalHtml: renderArticleMarkdown(found.article.body).html };
}

const translationFormSchema = z.object({
  intent: z.enum(["save", "preview", "delete"]).default("save"),
  title: z.string().trim().min(3, "Give the translation a title of at least 3 characters.").max(200, "Keep the title under 200 characters."),
  slug: z.string().trim().max(80, "Keep the slug under 80 characters.").optional().default(""),
  summary: z.string().trim().max(300, "Keep the summary under 300 characters.").optional().default(""),
  body: z.string().trim().min(1, "Write the translation.").max(100_000, "The translation is too long."),
  expectedRevision: z.coerce.number().int().min(1).optional(),
});

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:kb");
  const { id, locale } = parseParams(params);
  const form = await readForm(request);
  if (form.get("intent") === "delete") {
    const deleted = await deleteTranslation(id, locale);
    if (!deleted) throw data({ message: "There is no such translation." }, { status: 404 });
    return redirect(`/desk/kb/articles/${id}?deletedTranslation=${locale}`);
  }
  const parsed = parseForm(form, translationFormSchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  if (input.intent === "preview") return data({ ok: true as const, preview: renderArticleMarkdown(input.body).html });
  try {
    await saveTranslation(user, id, locale, { title: input.title, slug: input.slug || null, summary: input.summary, body: input.body, expectedRevision: input.expectedRevision });
  } catch (e) {
    if (e instanceof KbError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
  return redirect(`/desk/kb/articles/${id}/translations/${locale}?saved=1`);
}

export default function KbTranslation({ loaderData, actionData }: Route.ComponentProps) {
  const { article, translation, locale, saved, originalHtml } = loaderData;
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const preview = actionData && actionData.ok ? actionData.preview : null;
  const values: Record<string, string> = failure?.values ?? {};
  const v = (key: string, fallback: string) => values[key] ?? fallback;
  const language = localeName(locale);
  const outdated = translation ? translation.sourceRevision < article.revision : false;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk/kb">Knowledge base</Link> › <Link to={`/desk/kb/articles/${article.id}`}>{article.title}</Link> › {language}
      </nav>
      <div className="page-header">
        <div>
          <h1>{translation ? `${language} translation` : `Translate into ${language}`}</h1>
          {translation ? (
            <p>
              Revision {translation.revision} · last saved <KbDate value={translation.updatedAt} />
              {translation.updatedByName ? ` by ${translation.updatedByName}` : ""} ·{" "}
              {article.status === "published" ? <Link to={articlePath(translation.slug, locale)}>View in the help center</Link> : "the article is not published"}
            </p>
          ) : (
            <p>Readers who choose {language} get this version; until it exists they see the original with a notice.</p>
          )}
        </div>
      </div>
      {saved && !failure ? (
        <div className="alert alert-success" role="status">
          Saved.
        </div>
      ) : null}
      {outdated ? (
        <div className="alert alert-info" role="note">
          The original changed since this translation was last saved (revision {translation!.sourceRevision} → {article.revision}). Check it and save to mark it current.
        </div>
      ) : null}
      <div className="card">
        <FormError failure={failure} />
        <Form method="post" className="form" noValidate aria-label={`${language} translation`} lang={locale}>
          {translation ? <input type="hidden" name="expectedRevision" value={v("expectedRevision", String(translation.revision))} /> : null}
          <Field label="Title" name="title" required maxLength={200} defaultValue={v("title", translation?.title ?? "")} error={failure?.fieldErrors.title} hint={`Original: ${article.title}`} />
          <Field
            label="Slug"
            name="slug"
            maxLength={80}
            defaultValue={v("slug", translation?.slug ?? "")}
            error={failure?.fieldErrors.slug}
            hint={`The address in ${language}: /help/articles/<slug>?lang=${locale}. Leave empty to make one from the title.`}
          />
          <Field label="Summary" name="summary" maxLength={300} defaultValue={v("summary", translation?.summary ?? "")} hint="One sentence: shown in lists and search engines." error={failure?.fieldErrors.summary} />
          <KbMarkdownEditor key={translation?.revision ?? "new"} defaultValue={v("body", translation?.body ?? "")} error={failure?.fieldErrors.body} serverPreview={preview} />
          <div className="actions">
            <SubmitButton name="intent" value="save" pendingText="Saving…">
              {translation ? "Save translation" : "Create translation"}
            </SubmitButton>
            <SubmitButton name="intent" value="preview" className="btn btn-secondary">
              Preview
            </SubmitButton>
          </div>
        </Form>
      </div>
      {translation ? (
        <Form method="post" className="card" aria-label={`Delete the ${language} translation`}>
          <p className="small muted">Deleting it sends {language} readers to the original again (with a notice).</p>
          <button type="submit" name="intent" value="delete" className="btn btn-danger">
            Delete {language} translation
          </button>
        </Form>
      ) : null}
      <details className="card">
        <summary>Original (English): {article.title}</summary>
        {article.summary ? <p className="muted">{article.summary}</p> : null}
        <div className="markdown" lang="en" dangerouslySetInnerHTML={{ __html: originalHtml }} />
      </details>
    </>
  );
}
