/** Requests and errors per day as server-rendered SVG bars (no script needed). */
export interface UsageDay {
  day: string;
  requests: number;
  errors: number;
}

export function ApiUsageChart({ days, label }: { days: UsageDay[]; label: string }) {
  const width = 600;
  const height = 120;
  const pad = { top: 8, bottom: 20, left: 34 };
  const max = Math.max(1, ...days.map((d) => d.requests));
  const slot = (width - pad.left) / Math.max(1, days.length);
  const bar = Math.max(2, slot - 3);
  const plot = height - pad.top - pad.bottom;
  const y = (n: number) => pad.top + plot - (n / max) * plot;
  const totalRequests = days.reduce((s, d) => s + d.requests, 0);
  const totalErrors = days.reduce((s, d) => s + d.errors, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${label}: ${totalRequests} requests and ${totalErrors} errors in the last ${days.length} days`} style={{ maxWidth: width, display: "block" }}>
        <line x1={pad.left} x2={width} y1={y(0)} y2={y(0)} stroke="currentColor" strokeOpacity={0.3} />
        <text x={pad.left - 4} y={y(max) + 8} textAnchor="end" fontSize="10" fill="currentColor">
          {max}
        </text>
        <text x={pad.left - 4} y={y(0)} textAnchor="end" fontSize="10" fill="currentColor">
          0
        </text>
        {days.map((d, i) => {
          const x = pad.left + i * slot + 1;
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.requests} requests, ${d.errors} errors`}</title>
              <rect x={x} y={y(d.requests)} width={bar} height={y(0) - y(d.requests)} fill="var(--accent)" />
              {d.errors > 0 ? <rect x={x} y={y(d.errors)} width={bar} height={y(0) - y(d.errors)} fill="var(--danger)" /> : null}
            </g>
          );
        })}
        <text x={pad.left} y={height - 4} fontSize="10" fill="currentColor">
          {days[0]?.day}
        </text>
        <text x={width} y={height - 4} fontSize="10" textAnchor="end" fill="currentColor">
          {days[days.length - 1]?.day}
        </text>
      </svg>
      <figcaption className="small muted">
        <span style={{ color: "var(--accent)" }}>■</span> requests ({totalRequests}) · <span style={{ color: "var(--danger)" }}>■</span> errors ({totalErrors}), per day (UTC)
      </figcaption>
    </figure>
  );
}
