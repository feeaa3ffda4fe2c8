import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/revisions";
import { DataTable } from "~/components/data-table";
import { KbDateTime } from "~/components/kb-date";
import { parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { articleForEdit, getRevision, KbError, listRevisions, restoreRevision } from "~/modules/kb/articles.server";
import { diffLines, diffStats } from "~/modules/kb/diff";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `History: ${data?.article.title ?? "article"} · Knowledge base` }];

const idSchema = z.string().uuid();
const querySchema = z.object({
  from: z.coerce.number().int().min(1).optional().catch(undefined),
  to: z.coerce.number().int().min(1).optional().catch(undefined),
});

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:kb");
  if (!idSchema.safeParse(params.id).success) throw data({ message: "There is no such article." }, { status: 404 });
  const article = await articleForEdit(params.id);
  if (!article) throw data({ message: "There is no such article." }, { status: 404 });
  const revisions = await listRevisions(article.id);
  const q = querySchema.parse(Object.fromEntries(url.searchParams));
  const to = q.to ?? article.revision;
  const from = q.from ?? Math.max(1, to - 1);
  const [a, b] = await Promise.all([getRevision(article.id, from), getRevision(article.id, to)]);
  let diff = null;
  if (a && b) {
    const text = (r: NonNullable<typeof a>) => `# ${r.title}\n\n${r.summary ? `> ${r.summary}\n\n` : ""}${r.body}`;
    const lines = diffLines(text(a), text(b));
    diff = { from, to, lines, stats: diffStats(lines) };
  }
  return {
    article: { id: article.id, title: article.title, revision: article.revision },
    revisions: revisions.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    diff,
  };
}

const restoreSchema = z.object({ intent: z.literal("restore"), number: z.coerce.number().int().min(1) });

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:kb");
  if (!idSchema.safeParse(params.id).success) throw data({ message: "There is no such article." }, { status: 404 });
  const parsed = parseForm(await readForm(request), restoreSchema);
  if (!parsed.success) return parsed.response;
  try {
    const { revision } = await restoreRevision(user, params.id, parsed.data.number);
    return redirect(`/desk/kb/articles/${params.id}/revisions?restored=${parsed.data.number}&to=${revision}`);
  } catch (e) {
    if (e instanceof KbError) throw data({ message: e.message }, { status: e.status });
    throw e;
  }
}

export default function KbRevisions({ loaderData }: Route.ComponentProps) {
  const { article, revisions, diff } = loaderData;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/desk/kb">Knowledge base</Link> › <Link to={`/desk/kb/articles/${article.id}`}>{article.title}</Link> › History
      </nav>
      <div className="page-header">
        <div>
          <h1>History</h1>
          <p>Every saved version with its author. Restoring a version saves it as a new revision.</p>
        </div>
      </div>
      <div className="kb-history">
        <DataTable
          caption="Revisions, newest first"
          columns={["Revision", "Author", "Saved", "Actions"]}
          rows={revisions}
          row={(r) => (
            <tr key={r.number} aria-current={diff?.to === r.number ? "true" : undefined}>
              <td>
                <strong>#{r.number}</strong> {r.note ? <span className="muted small">{r.note}</span> : null}
                {r.number === article.revision ? <span className="badge badge-accent">Current</span> : null}
              </td>
              <td>{r.authorName ?? "Unknown"}</td>
              <td className="small"><KbDateTime value={r.createdAt} /></td>
              <td>
                <div className="actions">
                  {r.number > 1 ? (
                    <Link to={`?from=${r.number - 1}&to=${r.number}`} className="btn btn-ghost btn-sm" aria-label={`Changes in revision ${r.number}`}>
                      Changes
                    </Link>
                  ) : null}
                  {r.number !== article.revision ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="restore" />
                      <input type="hidden" name="number" value={r.number} />
                      <button type="submit" className="btn btn-secondary btn-sm" aria-label={`Restore revision ${r.number}`}>
                        Restore
                      </button>
                    </Form>
                  ) : null}
                </div>
              </td>
            </tr>
          )}
        />
        {diff ? (
          <section className="card" aria-labelledby="diff-title">
            <h2 id="diff-title" className="card-title">
              Changes from revision {diff.from} to {diff.to}{" "}
              <span className="small muted">
                (+{diff.stats.added} −{diff.stats.removed} lines)
              </span>
            </h2>
            {diff.from === diff.to ? (
              <p className="muted">This is the first revision.</p>
            ) : (
              <div className="kb-diff" role="table" aria-label={`Line changes from revision ${diff.from} to ${diff.to}`}>
                {diff.lines.map((l, i) => (
                  <div key={i} role="row" className={`kb-diff-line kb-diff-${l.type}`}>
                    <span role="cell" className="kb-diff-no" aria-hidden="true">
                      {l.oldNumber ?? ""}
                    </span>
                    <span role="cell" className="kb-diff-no" aria-hidden="true">
                      {l.newNumber ?? ""}
                    </span>
                    <span role="cell" className="kb-diff-text">
                      <span className="visually-hidden">{l.type === "added" ? "Added: " : l.type === "removed" ? "Removed: " : ""}</span>
                      <span aria-hidden="true">{l.type === "added" ? "+ " : l.type === "removed" ? "− " : "  "}</span>
                      {l.text}
                    </span>
                  </div>
                ))}
              </div>
            )}
          </section>
        ) : null}
      </div>
    </>
  );
}
