const levelLabels = { red: "Red", amber: "Amber", green: "Green" } as const;
const levelClass = { red: "badge badge-danger", amber: "badge badge-warning", green: "badge badge-success" } as const;

/** The red/amber/green support-health badge of an onboarded beta customer; reasons on hover and for screen readers. */
export function HealthBadge({ level, reasons }: { level: "red" | "amber" | "green"; reasons: string[] }) {
  return (
    <span className={`${levelClass[level]} beta-health beta-health-${level}`} title={reasons.join("; ")}>
      <span aria-hidden="true" className="beta-health-dot" />
      Health: {levelLabels[level]}
      <span className="visually-hidden"> ({reasons.join("; ")})</span>
    </span>
  );
}
