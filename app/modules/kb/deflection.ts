/**
 * The deflection rule, pure: an opened suggestion followed by no ticket within 30 minutes
 * counts as a deflection.
 *
 * Per visitor, opens are grouped into journeys: a journey starts at an opened suggestion and
 * goes on while the next open comes within the window of the previous one. A ticket filed
 * before the window after the journey's last open has passed makes the journey "filed anyway";
 * a journey whose window has passed without a ticket is a deflection; one whose window is still
 * open at `now` is pending (neither yet).
 */
export const DEFLECTION_WINDOW_MS = 30 * 60 * 1000;

export type DeflectionEventKind = "suggested" | "opened" | "ticket_filed";

export interface DeflectionEvent {
  kind: DeflectionEventKind;
  visitorKey: string;
  at: Date;
  articleId?: string | null;
}

export interface Journey {
  visitorKey: string;
  firstOpenAt: Date;
  lastOpenAt: Date;
  articleIds: string[];
  outcome: "deflected" | "filed_anyway" | "pending";
  ticketAt: Date | null;
}

export interface DeflectionSummary {
  deflected: number;
  filedAnyway: number;
  pending: number;
  journeys: Journey[];
}

export function evaluateDeflections(events: DeflectionEvent[], now: Date, windowMs = DEFLECTION_WINDOW_MS): DeflectionSummary {
  const byVisitor = new Map<string, DeflectionEvent[]>();
  for (const e of events) {
    const list = byVisitor.get(e.visitorKey);
    if (list) list.push(e);
    else byVisitor.set(e.visitorKey, [e]);
  }
  const journeys: Journey[] = [];
  for (const [visitorKey, list] of byVisitor) {
    list.sort((x, y) => x.at.getTime() - y.at.getTime() || order(x.kind) - order(y.kind));
    let current: Journey | null = null;
    const close = () => {
      if (!current) return;
      journeys.push(current);
      current = null;
    };
    for (const e of list) {
      if (current && e.at.getTime() > current.lastOpenAt.getTime() + windowMs) {
        current.outcome = "deflected";
        close();
      }
      if (e.kind === "opened") {
        if (!current) {
          current = { visitorKey, firstOpenAt: e.at, lastOpenAt: e.at, articleIds: [], outcome: "pending", ticketAt: null };
        }
        current.lastOpenAt = e.at;
        if (e.articleId && !current.articleIds.includes(e.articleId)) current.articleIds.push(e.articleId);
      } else if (e.kind === "ticket_filed" && current) {
        current.outcome = "filed_anyway";
        current.ticketAt = e.at;
        close();
      }
    }
    if (current) {
      const c: Journey = current;
      c.outcome = now.getTime() > c.lastOpenAt.getTime() + windowMs ? "deflected" : "pending";
      close();
    }
  }
  return {
    deflected: journeys.filter((j) => j.outcome === "deflected").length,
    filedAnyway: journeys.filter((j) => j.outcome === "filed_anyway").length,
    pending: journeys.filter((j) => j.outcome === "pending").length,
    journeys,
  };
}

// At the same instant an open comes before a ticket (the ticket followed the open).
function order(kind: DeflectionEventKind): number {
  return kind === "ticket_filed" ? 2 : kind === "opened" ? 1 : 0;
}
