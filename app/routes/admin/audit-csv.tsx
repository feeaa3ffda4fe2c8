import { data } from "react-router";
import type { Route } from "./+types/audit-csv";
import { toCsv } from "~/lib/csv";
import { now } from "~/lib/clock";
import { requirePermission } from "~/modules/auth/guard.server";
import { auditCsvRows, auditFilterSchema } from "~/modules/audit/log.server";

const CSV_HEADER = ["time_utc", "actor_email", "actor_name", "action", "action_label", "target_type", "target_id", "target", "ip", "details_json"];

/** /admin/audit.csv: the audit log with the page's filters (cells that look like formulas are neutralized). */
export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "read:audit");
  const params = Object.fromEntries(url.searchParams);
  delete params.after;
  const parsed = auditFilterSchema.safeParse(params);
  if (!parsed.success) throw data({ message: `That audit filter is not valid: ${parsed.error.issues[0]!.message}` }, { status: 400 });
  const { rows, truncated } = await auditCsvRows(parsed.data, user.timeZone ?? "UTC");
  const csv = toCsv(
    CSV_HEADER,
    rows.map((r) => [r.at.toISOString(), r.actor?.email ?? "", r.actor?.name ?? (r.actor ? "" : "system"), r.action, r.actionLabel, r.targetType, r.targetId, r.targetLabel, r.ip, JSON.stringify(r.data)]),
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${now().toISOString().slice(0, 10)}.csv"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      ...(truncated ? { "X-Truncated": "true" } : {}),
    },
  });
}
