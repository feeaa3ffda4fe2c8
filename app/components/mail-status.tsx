/** Pieces shared by the admin mailbox pages. */
const badgeClass: Record<string, string> = {
  queued: "badge badge-accent",
  sending: "badge badge-warning",
  sent: "badge badge-success",
  failed: "badge badge-danger",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={badgeClass[status] ?? "badge"}>{status}</span>;
}

/** A UTC time, the same on server and client (no hydration mismatch), with a machine-readable value. */
export function formatTime(iso: string) {
  const text = iso.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC").replace(/Z$/, " UTC");
  return <time dateTime={iso}>{text}</time>;
}
