import type { Route } from "./+types/reports-sla";
import { requirePermission } from "~/modules/auth/guard.server";

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:sla-reports");
  return {};
}

export default function SlaReports() {
  return <h1>SLA reports</h1>;
}
