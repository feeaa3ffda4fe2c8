import { priorityLabels, priorityTone, statusLabels, statusTone, type TicketPriority, type TicketStatus } from "~/modules/tickets/model";

const toneClass = (tone: string) => (tone === "neutral" ? "badge" : `badge badge-${tone}`);

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span className={toneClass(statusTone[status])}>{statusLabels[status]}</span>;
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return (
    <span className={toneClass(priorityTone[priority])}>
      <span className="visually-hidden">Priority: </span>
      {priorityLabels[priority]}
    </span>
  );
}
