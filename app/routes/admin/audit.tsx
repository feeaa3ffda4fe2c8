import { Form, Link } from "react-router";
import type { Route } from "./+types/audit";
import { DataTable } from "~/components/data-table";
import { formatDateTime, useTimeZone } from "~/components/time-zone";
import { requirePermission } from "~/modules/auth/guard.server";
import { auditActionLabels, auditActions, auditTargetTypes } from "~/modules/audit/actions";
import { actorSuggestions, auditFilterSchema, detailsText, listAuditEvents } from "~/modules/audit/log.server";

export const meta: Route.MetaFunction = () => [{ title: "Audit log · Support Portal" }];

const FILTER_KEYS = ["actor", "action", "targetType", "targetId", "from", "to"] as const;

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "read:audit");
  const params = Object.fromEntries(url.searchParams);
  const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, typeof params[k] === "string" ? params[k]!.slice(0, 200) : ""])) as Record<(typeof FILTER_KEYS)[number], string>;
  const timeZone = user.timeZone ?? "UTC";
  const [suggestions, parsed] = [await actorSuggestions(), auditFilterSchema.safeParse(params)];
  if (!parsed.success) {
    // Keep what was typed and say what is wrong; show no rows rather than unfiltered ones.
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { rows: [], nextCursor: null, values, errors, suggestions, timeZone, after: false, exportQuery: "" };
  }
  const page = await listAuditEvents(parsed.data, timeZone);
  const exportParams = new URLSearchParams();
  for (const k of FILTER_KEYS) if (values[k]) exportParams.set(k, values[k]);
  return {
    rows: page.rows.map((r) => ({ ...r, at: r.at.toISOString(), details: detailsText(r.data) })),
    nextCursor: page.nextCursor,
    values,
    errors: {} as Record<string, string>,
    suggestions,
    timeZone,
    after: !!parsed.data.after,
    exportQuery: exportParams.toString(),
  };
}

export default function AuditLog({ loaderData }: Route.ComponentProps) {
  const { rows, nextCursor, values, errors, suggestions, timeZone, after, exportQuery } = loaderData;
  const zone = useTimeZone();
  const filtered = Object.values(values).some(Boolean);
  const newestHref = exportQuery ? `?${exportQuery}` : "/admin/audit";
  const olderHref = nextCursor ? `?${new URLSearchParams([...new URLSearchParams(exportQuery), ["after", nextCursor]]).toString()}` : null;
  const fieldError = (name: string) =>
    errors[name] ? (
      <span className="error" id={`audit-${name}-error`}>
        {errors[name]}
      </span>
    ) : null;
  const describedBy = (name: string) => (errors[name] ? `audit-${name}-error` : undefined);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p>
            Who did what to what, newest first: sign-ins, account, user, organization, group, SLA, token and webhook changes. Dates and
            times are in your time zone ({timeZone}).
          </p>
        </div>
        <div className="actions">
          <a className="btn btn-secondary btn-sm" href={`/admin/audit.csv${exportQuery ? `?${exportQuery}` : ""}`} download>
            Export CSV
          </a>
        </div>
      </div>

      {Object.keys(errors).length ? (
        <div className="alert alert-error" role="alert">
          The filter is not valid: {Object.values(errors).join(" ")}
        </div>
      ) : null}

      <Form
        method="get"
        role="search"
        aria-label="Filter the audit log"
        style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(13rem, 1fr))", gap: "var(--space-3)", alignItems: "start", marginBottom: "var(--space-4)" }}
      >
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input
            id="audit-actor"
            type="search"
            name="actor"
            list="audit-actor-list"
            placeholder="Name or email, or system"
            defaultValue={values.actor}
            aria-invalid={errors.actor ? true : undefined}
            aria-describedby={describedBy("actor")}
          />
          <datalist id="audit-actor-list">
            <option value="system">Events without a person (command line, jobs)</option>
            {suggestions.map((s) => (
              <option key={s.email} value={s.email}>
                {s.name}
              </option>
            ))}
          </datalist>
          {fieldError("actor")}
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={values.action} aria-invalid={errors.action ? true : undefined} aria-describedby={describedBy("action")}>
            <option value="">Any action</option>
            {values.action && !(auditActions as string[]).includes(values.action) ? <option value={values.action}>{values.action}</option> : null}
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {auditActionLabels[a]} ({a})
              </option>
            ))}
          </select>
          {fieldError("action")}
        </div>
        <div className="field">
          <label htmlFor="audit-target-type">Target type</label>
          <select id="audit-target-type" name="targetType" defaultValue={values.targetType} aria-invalid={errors.targetType ? true : undefined} aria-describedby={describedBy("targetType")}>
            <option value="">Any target</option>
            {auditTargetTypes.map((t) => (
              <option key={t} value={t}>
                {t.replace(/_/g, " ")}
              </option>
            ))}
          </select>
          {fieldError("targetType")}
        </div>
        <div className="field">
          <label htmlFor="audit-target-id">Target id</label>
          <input id="audit-target-id" type="text" name="targetId" defaultValue={values.targetId} placeholder="Exact id" aria-invalid={errors.targetId ? true : undefined} aria-describedby={describedBy("targetId")} />
          {fieldError("targetId")}
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" name="from" defaultValue={values.from} aria-invalid={errors.from ? true : undefined} aria-describedby={describedBy("from")} />
          {fieldError("from")}
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" name="to" defaultValue={values.to} aria-invalid={errors.to ? true : undefined} aria-describedby={describedBy("to")} />
          {fieldError("to")}
        </div>
        <div className="actions" style={{ alignSelf: "end" }}>
          <button type="submit" className="btn btn-secondary btn-sm">
            Filter
          </button>
          {filtered ? (
            <Link to="/admin/audit" className="btn btn-ghost btn-sm">
              Clear filters
            </Link>
          ) : null}
        </div>
      </Form>

      <DataTable
        caption="Audit events, newest first"
        columns={["Time", "Actor", "Action", "Target", "Details", "IP"]}
        rows={rows}
        empty={
          <div className="empty">
            <h2>No events</h2>
            <p>{filtered ? "No event matches this filter." : "Nothing has been recorded yet."}</p>
          </div>
        }
        row={(r) => (
          <tr key={r.id}>
            <td>
              <time dateTime={r.at}>{formatDateTime(r.at, zone)}</time>
            </td>
            <td>
              {r.actor ? (
                <>
                  <Link to={`/admin/users?q=${encodeURIComponent(r.actor.email)}`}>{r.actor.name}</Link>
                  <div className="muted">{r.actor.email}</div>
                </>
              ) : (
                <span className="muted">System</span>
              )}
            </td>
            <td>
              {r.actionLabel}
              <div>
                <code>{r.action}</code>
              </div>
            </td>
            <td>
              {r.targetType ? (
                <>
                  <span className="muted">{r.targetType.replace(/_/g, " ")}</span>{" "}
                  {r.targetHref ? <Link to={r.targetHref}>{r.targetLabel ?? shortId(r.targetId)}</Link> : (r.targetLabel ?? <code title={r.targetId ?? undefined}>{shortId(r.targetId)}</code>)}
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td style={{ maxWidth: "28rem", overflowWrap: "anywhere" }}>{r.details ? <span title={r.details}>{truncate(r.details, 140)}</span> : <span className="muted">—</span>}</td>
            <td>{r.ip ?? <span className="muted">—</span>}</td>
          </tr>
        )}
      />

      <nav className="actions" aria-label="Audit log pages" style={{ marginTop: "var(--space-4)" }}>
        {after ? (
          <Link to={newestHref} className="btn btn-secondary btn-sm">
            Newest events
          </Link>
        ) : null}
        {olderHref ? (
          <Link to={olderHref} className="btn btn-secondary btn-sm">
            Older events
          </Link>
        ) : null}
      </nav>
    </>
  );
}

function shortId(id: string | null): string {
  if (!id) return "";
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
