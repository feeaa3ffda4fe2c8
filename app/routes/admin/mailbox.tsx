import { data, Form, Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/mailbox";
import { db } from "~/lib/db.server";
import { requirePermission } from "~/modules/auth/guard.server";
import { listMailbox, mailboxCounts, OUTBOX_STATUSES } from "~/modules/email/mailbox.server";
import { DataTable } from "~/components/data-table";
import { formatTime, StatusBadge } from "~/components/mail-status";

export const meta: Route.MetaFunction = () => [{ title: "Mailbox · Support Portal" }];

const filterSchema = z.object({
  status: z.enum(OUTBOX_STATUSES).optional().or(z.literal("").transform(() => undefined)),
  q: z.string().trim().max(200).optional(),
  before: z.coerce.number().int().positive().optional().or(z.literal("").transform(() => undefined)),
});

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "read:mailbox");
  const params = Object.fromEntries(url.searchParams);
  const parsed = filterSchema.safeParse(params);
  if (!parsed.success) throw data({ message: "That mailbox filter is not valid." }, { status: 400 });
  const filter = parsed.data;
  const [page, counts] = await Promise.all([listMailbox(db(), { ...filter, limit: 50 }), mailboxCounts(db(), filter.q)]);
  return {
    rows: page.rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
    })),
    nextBefore: page.nextBefore,
    counts,
    filter: { status: filter.status ?? "", q: filter.q ?? "", before: filter.before ?? null },
  };
}

export default function Mailbox({ loaderData }: Route.ComponentProps) {
  const { rows, nextBefore, counts, filter } = loaderData;
  const total = counts.queued + counts.sending + counts.sent + counts.failed;
  const olderParams = new URLSearchParams();
  if (filter.status) olderParams.set("status", filter.status);
  if (filter.q) olderParams.set("q", filter.q);
  const newestHref = `?${olderParams.toString()}`;
  if (nextBefore) olderParams.set("before", String(nextBefore));

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Mailbox</h1>
          <p>Every email the portal sends, newest first. Without a Resend API key, mail stays here and is never sent.</p>
        </div>
      </div>

      <Form method="get" className="inline-form" role="search" aria-label="Filter emails" style={{ marginBottom: "var(--space-4)" }}>
        <label htmlFor="mailbox-status">Status</label>
        <select id="mailbox-status" name="status" defaultValue={filter.status}>
          <option value="">All ({total})</option>
          {(["queued", "sending", "sent", "failed"] as const).map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)} ({counts[s]})
            </option>
          ))}
        </select>
        <label htmlFor="mailbox-q">Recipient</label>
        <input id="mailbox-q" type="search" name="q" defaultValue={filter.q} placeholder="name@example.com" />
        <button type="submit" className="btn btn-secondary btn-sm">
          Filter
        </button>
        {filter.status || filter.q ? (
          <Link to="/admin/mailbox" className="btn btn-ghost btn-sm">
            Clear filter
          </Link>
        ) : null}
      </Form>

      <DataTable
        caption="Outgoing emails, newest first"
        columns={["Recipient", "Subject", "Template", "Status", "Transport", { label: "Attempts", numeric: true }, "Created", "Sent", "Last error"]}
        rows={rows}
        empty={
          <div className="empty">
            <h2>No emails</h2>
            <p>{filter.status || filter.q ? "No email matches this filter." : "Nothing has been sent yet."}</p>
          </div>
        }
        row={(r) => (
          <tr key={r.id}>
            <td>{r.toAddress}</td>
            <td>
              <Link to={`/admin/mailbox/${r.id}`}>{r.subject}</Link>
            </td>
            <td>
              <code>{r.template}</code>
            </td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>{r.transport ?? <span className="muted">—</span>}</td>
            <td className="num">{r.attempts}</td>
            <td>{formatTime(r.createdAt)}</td>
            <td>{r.sentAt ? formatTime(r.sentAt) : <span className="muted">—</span>}</td>
            <td>{r.lastError ? <span title={r.lastError}>{truncate(r.lastError, 60)}</span> : <span className="muted">—</span>}</td>
          </tr>
        )}
      />

      <nav className="actions" aria-label="Mailbox pages" style={{ marginTop: "var(--space-4)" }}>
        {filter.before ? (
          <Link to={newestHref} className="btn btn-secondary btn-sm">
            Newest emails
          </Link>
        ) : null}
        {nextBefore ? (
          <Link to={`?${olderParams.toString()}`} className="btn btn-secondary btn-sm">
            Older emails
          </Link>
        ) : null}
      </nav>
    </>
  );
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
