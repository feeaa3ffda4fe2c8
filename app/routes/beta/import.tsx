import { Form, Link, redirect } from "react-router";
import type { Route } from "./+types/import";
import { DataTable } from "~/components/data-table";
import { FormError, SubmitButton } from "~/components/form";
import { formFailure, readForm } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getActiveProgram } from "~/modules/beta/deals.server";
import { importColumns, type ParsedImport } from "~/modules/beta/csv";
import { commitImport, previewImport } from "~/modules/beta/import.server";

export const meta: Route.MetaFunction = () => [{ title: "Import deals · Beta program · Support Portal" }];

const MAX_BYTES = 1024 * 1024;

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  return { columns: importColumns };
}

/**
 * Two steps: "preview" validates the file and shows every row with its errors; "import" sends
 * the same text back and imports all rows in one transaction — or none when any row is wrong.
 */
export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:beta");
  const program = await getActiveProgram();
  if (!program) notFound("There is no active beta program.");
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BYTES * 2) return formFailure(null, {}, "The file is larger than 1 MB.", 413);
  const form = await readForm(request);
  const file = form.get("file");
  let text = typeof form.get("csv") === "string" ? String(form.get("csv")) : "";
  if (file && typeof file === "object" && "text" in file && file.size > 0) {
    if (file.size > MAX_BYTES) return formFailure(null, { file: "The file is larger than 1 MB." }, "The file is larger than 1 MB.", 413);
    text = await file.text();
  }
  if (!text.trim()) return formFailure(null, { file: "Choose a CSV file or paste its content." }, "Choose a CSV file or paste its content.");
  if (form.get("intent") === "import") {
    const result = await commitImport({ id: user.id, name: user.name }, program, text);
    if ("imported" in result) return redirect(`/beta?moved=${encodeURIComponent(`${result.imported} imported deals`)}&to=prospect`);
    return { ok: true as const, csv: text, parsed: result.parsed, refused: true };
  }
  return { ok: true as const, csv: text, parsed: await previewImport(program, text), refused: false };
}

export default function BetaImport({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const preview = actionData && actionData.ok ? (actionData as { csv: string; parsed: ParsedImport; refused: boolean }) : undefined;
  const bad = preview ? preview.parsed.rows.filter((r) => r.errors.length).length : 0;
  return (
    <div className="beta-import">
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / <Link to="/beta/reports">Reports</Link> / Import
      </p>
      <h1>Import deals from CSV</h1>
      <p className="muted">
        Columns: {loaderData.columns.join(", ")} (company and owner_email required; stage prospect, demo, agreement or lost). Every row is imported, or none.
      </p>
      <FormError failure={failure} />
      <Form method="post" encType="multipart/form-data" className="form card">
        <input type="hidden" name="intent" value="preview" />
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-invalid={failure?.fieldErrors.file ? true : undefined} />
          {failure?.fieldErrors.file ? <span className="error">{failure.fieldErrors.file}</span> : null}
        </div>
        <SubmitButton className="btn btn-secondary" pendingText="Checking…">
          Preview
        </SubmitButton>
      </Form>
      {preview ? (
        <section className="card" aria-labelledby="preview-h">
          <h2 id="preview-h" className="card-title">
            Preview
          </h2>
          {preview.parsed.error ? (
            <div className="alert alert-error" role="alert">
              {preview.parsed.error}
            </div>
          ) : bad ? (
            <div className="alert alert-error" role="alert">
              {preview.refused ? "Nothing was imported: " : ""}
              {bad} of {preview.parsed.rows.length} rows have errors. Fix them in the file and preview again.
            </div>
          ) : (
            <div className="alert alert-success" role="status">
              All {preview.parsed.rows.length} rows are valid.
            </div>
          )}
          {preview.parsed.rows.length ? (
            <DataTable
              caption="Rows of the file"
              className="small"
              columns={["Line", "Company", "Owner", "Stage", "Contact", "Problems"]}
              rows={preview.parsed.rows}
              row={(r) => (
                <tr key={r.line} className={r.errors.length ? "beta-row-error" : ""}>
                  <td>{r.line}</td>
                  <td>{r.values.company}</td>
                  <td>{r.values.owner_email}</td>
                  <td>{r.values.stage || "prospect"}</td>
                  <td>{r.values.contact_email}</td>
                  <td>{r.errors.length ? <span className="error">{r.errors.join("; ")}</span> : "OK"}</td>
                </tr>
              )}
            />
          ) : null}
          {!preview.parsed.error && !bad ? (
            <Form method="post">
              <input type="hidden" name="csv" value={preview.csv} />
              <SubmitButton name="intent" value="import" pendingText="Importing…">
                Import {preview.parsed.rows.length} deals
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
