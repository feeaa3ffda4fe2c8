import type { Route } from "./+types/export";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getActiveProgram } from "~/modules/beta/deals.server";
import { exportDeals } from "~/modules/beta/import.server";

/** The active program's deals as CSV (cells that look like formulas are neutralized). */
export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  const program = await getActiveProgram();
  if (!program) notFound("There is no active beta program.");
  const csv = await exportDeals(program);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="beta-deals-${new Date().toISOString().slice(0, 10)}.csv"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
