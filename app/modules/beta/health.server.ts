import { sql } from "drizzle-orm";
import { db, rowsOf, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { supportHealth, type Health, type HealthInput } from "./analytics";

export interface OrganizationHealth extends HealthInput {
  health: Health;
}

const DAYS_30 = sql`interval '30 days'`;

/**
 * Support health per organization: open tickets, SLA breaches in the last 30 days (sla_events),
 * tickets at risk, CSAT of the last 30 days, and the last contact (a customer message or a logged
 * activity on the organization's deal).
 *
 * One statement, and one pass over each organization's tickets (by tickets_org_updated_idx):
 * the counts are aggregates with FILTER over that pass, the ratings a primary-key probe per ticket
 * and the breaches an sla_events_once_key probe per ticket that can have breached in the window. It used to be seven correlated
 * subqueries per organization, each re-reading the organization's tickets and two of them
 * hash-joining every breach and rating of the last 30 days (all organizations') for each
 * organization: 18 ms per organization at 100k tickets, growing with the whole table
 * (docs/performance.md, pipeline board).
 */
export async function healthFor(organizationIds: string[], executor: Executor = db()): Promise<Map<string, OrganizationHealth>> {
  const result = new Map<string, OrganizationHealth>();
  if (organizationIds.length === 0) return result;
  const at = now();
  // An ISO string, not a Date: postgres.js does not serialize Dates in raw SQL parameters.
  const atIso = at.toISOString();
  const ids = sql.join([...new Set(organizationIds)].map((id) => sql`${id}::uuid`), sql`, `);
  const since = sql`${atIso}::timestamptz - ${DAYS_30}`;
  const rows = rowsOf<{
    id: string;
    open_tickets: number;
    breaches: number;
    at_risk: number;
    good: number;
    bad: number;
    last_message: string | Date | null;
    last_activity: string | Date | null;
  }>(
    await executor.execute(sql`
      select o.id, s.open_tickets, s.breaches, s.at_risk, s.good, s.bad, s.last_message,
        (select max(a.at) from deal_activities a join beta_deals d on d.id = a.deal_id where d.organization_id = o.id and a.kind in ('call', 'meeting', 'email', 'note')) as last_activity
      from organizations o
      cross join lateral (
        select
          count(*) filter (where t.status in ('new', 'open', 'pending', 'on_hold') and t.merged_into_id is null)::int as open_tickets,
          count(*) filter (where t.status in ('new', 'open') and t.merged_into_id is null and (
            least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at) between ${atIso}::timestamptz and ${atIso}::timestamptz + interval '4 hours'
            or exists (select 1 from sla_events w where w.ticket_id = t.id and w.kind = 'warning')))::int as at_risk,
          coalesce(sum(b.n), 0)::int as breaches,
          count(*) filter (where c.rating = 'good')::int as good,
          count(*) filter (where c.rating = 'bad')::int as bad,
          max(t.last_customer_message_at) as last_message
        from tickets t
        -- (limit 1: a ticket has at most one rating; it keeps the planner probing the primary key per ticket)
        left join lateral (select c.rating from csat_ratings c where c.ticket_id = t.id and c.created_at > ${since} limit 1) c on true
        -- Only a ticket open now or changed in the window can have breached in it (no clock runs
        -- while solved or closed, and solving or closing changes updated_at).
        left join lateral (select count(*) as n from sla_events e where e.ticket_id = t.id and e.kind = 'breach' and e.at > ${since}
          and (t.status in ('new', 'open', 'pending', 'on_hold') or t.updated_at > ${since})) b on true
        where t.organization_id = o.id
      ) s
      where o.id in (${ids})`),
  );
  for (const r of rows) {
    const times = [r.last_message, r.last_activity].filter(Boolean).map((v) => new Date(v as string));
    const input: HealthInput = {
      openTickets: Number(r.open_tickets),
      breaches30d: Number(r.breaches),
      atRisk: Number(r.at_risk),
      csatGood30d: Number(r.good),
      csatBad30d: Number(r.bad),
      lastContactAt: times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null,
    };
    result.set(r.id, { ...input, health: supportHealth(input, at) });
  }
  return result;
}
