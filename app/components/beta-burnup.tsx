import { useId } from "react";

export interface BurnUpData {
  startsOn: string;
  endsOn: string;
  actual: { day: string; value: number }[];
  target: { day: string; value: number }[];
  minimum: { day: string; value: number }[] | null;
  max: number;
}

const DAY = 24 * 60 * 60 * 1000;
const t = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The months between start and end, for the x axis ticks. */
function monthTicks(startsOn: string, endsOn: string): { day: string; label: string }[] {
  const ticks: { day: string; label: string }[] = [];
  const [y, m, d] = startsOn.split("-").map(Number) as [number, number, number];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(y, m - 1 + i, 1));
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(d, last));
    const day = date.toISOString().slice(0, 10);
    if (day > endsOn) break;
    ticks.push({ day, label: `M${i}` });
    if (i > 240) break;
  }
  return ticks;
}

/**
 * A server-rendered burn-up chart: the cumulative actual count as a step line against the target
 * line (and the minimum line, dashed). role="img" with a title and description; the page shows
 * the same numbers in a table beside it.
 */
export function BurnUpChart({ title, description, data, today }: { title: string; description: string; data: BurnUpData; today: string }) {
  const id = useId();
  const width = 560;
  const height = 260;
  const left = 40;
  const right = 16;
  const top = 12;
  const bottom = 34;
  const span = Math.max(DAY, t(data.endsOn) - t(data.startsOn));
  const x = (day: string) => left + ((Math.min(t(day), t(data.endsOn)) - t(data.startsOn)) / span) * (width - left - right);
  // Whole-number gridlines: a step that gives at most 5 of them, the top one at or above the data.
  const yStep = Math.max(1, Math.ceil(data.max / 4));
  const yMax = yStep * Math.ceil((data.max + (data.max % yStep === 0 ? 0.5 : 0)) / yStep);
  const y = (v: number) => top + (1 - v / yMax) * (height - top - bottom);
  const line = (pts: { day: string; value: number }[]) => pts.map((p, i) => `${i ? "L" : "M"}${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  const step = (pts: { day: string; value: number }[]) =>
    pts
      .map((p, i) => (i === 0 ? `M${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}` : `H${x(p.day).toFixed(1)} V${y(p.value).toFixed(1)}`))
      .join(" ");
  const yTicks = Array.from({ length: Math.floor(yMax / yStep) + 1 }, (_, i) => i * yStep);
  const last = data.actual[data.actual.length - 1];
  return (
    <svg className="beta-burnup" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line x1={left} x2={width - right} y1={y(v)} y2={y(v)} className="beta-burnup-grid" />
          <text x={left - 6} y={y(v) + 4} textAnchor="end" className="beta-chart-value">
            {v}
          </text>
        </g>
      ))}
      {monthTicks(data.startsOn, data.endsOn).map((m) => (
        <text key={m.day} x={x(m.day)} y={height - bottom + 18} textAnchor="middle" className="beta-chart-value">
          {m.label}
        </text>
      ))}
      {today >= data.startsOn && today <= data.endsOn ? <line x1={x(today)} x2={x(today)} y1={top} y2={height - bottom} className="beta-burnup-today" /> : null}
      <path d={line(data.target)} className="beta-burnup-target" />
      {data.minimum ? <path d={line(data.minimum)} className="beta-burnup-minimum" /> : null}
      <path d={step(data.actual)} className="beta-burnup-actual" />
      {data.target.slice(1).map((p) => (
        <circle key={`t${p.day}`} cx={x(p.day)} cy={y(p.value)} r={4} className="beta-burnup-target-dot" />
      ))}
      {last ? <circle cx={x(last.day)} cy={y(last.value)} r={4} className="beta-burnup-actual-dot" /> : null}
    </svg>
  );
}

export function BurnUpLegend({ minimum }: { minimum: boolean }) {
  return (
    <p className="beta-burnup-legend small" aria-hidden="true">
      <span className="swatch swatch-actual" /> Actual <span className="swatch swatch-target" /> Target
      {minimum ? (
        <>
          {" "}
          <span className="swatch swatch-minimum" /> Minimum
        </>
      ) : null}{" "}
      <span className="swatch swatch-today" /> Today
    </p>
  );
}
