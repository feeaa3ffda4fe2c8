import { slaMetricLabels, type SlaMetricName } from "~/modules/sla/policy";
import { businessTimeText, SlaCountdown, SlaStateBadge } from "./sla-timer";

interface MetricView {
  metric: string;
  label: string;
  state: "inactive" | "running" | "warning" | "breached" | "paused" | "achieved";
  dueAt: string | null;
  warnAt: string | null;
  achievedAt: string | null;
  elapsedMinutes: number;
  targetMinutes: number | null;
  businessMinutesRemaining: number | null;
  cycle: number;
}

/** The SLA card of the desk workspace: each metric's state, live countdown and business time left. */
export function SlaPanel({ sla, timeZone }: { sla: { policyName: string | null; businessHours: boolean; calendarZone: string | null; now: string; metrics: MetricView[] }; timeZone: string | null }) {
  const metrics = sla.metrics.filter((m) => m.state !== "inactive");
  return (
    <section className="card sla-panel" aria-labelledby="sla-title">
      <h2 id="sla-title" className="card-title">
        Service level
      </h2>
      {sla.policyName ? (
        <p className="small muted">
          {sla.policyName} · {sla.businessHours ? `business hours (${sla.calendarZone})` : "24/7"}
        </p>
      ) : (
        <p className="small muted">No SLA policy applies to this ticket.</p>
      )}
      {metrics.map((m) => (
        <div key={m.metric} className="sla-metric" data-metric={m.metric}>
          <span className="sla-metric-name">
            {m.label}
            {m.metric === "nextResponse" && m.cycle > 1 ? ` (${m.cycle})` : ""}
          </span>
          <span>
            {m.dueAt ? <SlaCountdown state={m.state} dueAt={m.dueAt} warnAt={m.warnAt} serverNow={sla.now} timeZone={timeZone} /> : <SlaStateBadge state={m.state} />}
          </span>
          <span className="sla-metric-detail">
            {m.state === "achieved"
              ? m.targetMinutes !== null && m.elapsedMinutes <= m.targetMinutes
                ? "Met the target."
                : "Achieved after the target."
              : businessTimeText(m.businessMinutesRemaining)}
          </span>
        </div>
      ))}
    </section>
  );
}

/** Timeline text of SLA warnings, breaches and escalations. */
export function slaEventText(type: string, d: Record<string, unknown>): string {
  const metric = slaMetricLabels[d.metric as SlaMetricName] ?? String(d.metric ?? "");
  if (type === "sla_warning") return `recorded an SLA warning: ${metric} is close to its target`;
  if (type === "sla_breach") return `recorded an SLA breach: ${metric} missed its target`;
  const actions = Array.isArray(d.actions) && d.actions.length ? ` (${(d.actions as string[]).join(", ")})` : "";
  return `escalated the ticket by rule “${String(d.rule ?? "")}” on ${metric} ${String(d.kind ?? "")}${actions}`;
}
