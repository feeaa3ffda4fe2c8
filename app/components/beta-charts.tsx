/** Server-rendered SVG bar charts with a text equivalent (the table beside each chart is the accessible data). */
export function BarChart({ title, bars, unit = "", max }: { title: string; bars: { label: string; value: number | null; note?: string }[]; unit?: string; max?: number }) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value ?? 0));
  const rowH = 30;
  const labelW = 150;
  const width = 520;
  const barW = width - labelW - 90;
  return (
    <svg className="beta-chart" viewBox={`0 0 ${width} ${bars.length * rowH + 8}`} role="img" aria-label={title} preserveAspectRatio="xMinYMin meet">
      {bars.map((b, i) => {
        const w = b.value === null ? 0 : Math.max(2, (b.value / top) * barW);
        const y = i * rowH + 4;
        return (
          <g key={b.label}>
            <text x={labelW - 8} y={y + 17} textAnchor="end" className="beta-chart-label">
              {b.label}
            </text>
            <rect x={labelW} y={y + 4} width={w} height={rowH - 10} rx={3} className="beta-chart-bar" />
            <text x={labelW + w + 6} y={y + 17} className="beta-chart-value">
              {b.value === null ? "—" : `${Math.round(b.value * 10) / 10}${unit}`}
              {b.note ? ` ${b.note}` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
