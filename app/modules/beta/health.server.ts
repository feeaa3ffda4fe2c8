import { sql } from "drizzle-orm";
import { db, rowsOf, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { supportHealth, type Health, type HealthInput } from "./analytics";

export interface OrganizationHealth extends HealthInput {
  health: Health;
}

const DAYS_30 = sql`interval '30 days'`;

/**
 * Support health per organization: open tickets, SLA breaches in the last 30 days (from
 * sla_events when the SLA module has written them, else from the tickets' cached due times),
 * tickets at risk, CSAT of the last 30 days, and the last contact (a customer message or a logged
 * activity on the organization's deal).
 */
export async function healthFor(organizationIds: string[], executor: Executor = db()): Promise<Map<string, OrganizationHealth>> {
  const result = new Map<string, OrganizationHealth>();
  if (organizationIds.length === 0) return result;
  const at = now();
  // An ISO string, not a Date: postgres.js does not serialize Dates in raw SQL parameters.
  const atIso = at.toISOString();
  const ids = sql.join(organizationIds.map((id) => sql`${id}::uuid`), sql`, `);
  const [hasSlaEvents] = rowsOf<{ present: boolean }>(await executor.execute(sql`select to_regclass('public.sla_events') is not null as present`));
  const breachSource = hasSlaEvents?.present
    ? sql`(select count(*)::int from sla_events e join tickets t2 on t2.id = e.ticket_id
           where t2.organization_id = o.id and e.kind = 'breach' and e.at > ${atIso}::timestamptz - ${DAYS_30})`
    : sql`(select count(*)::int from tickets t2 where t2.organization_id = o.id and t2.created_at > ${atIso}::timestamptz - ${DAYS_30} and (
           (t2.first_response_due_at is not null and coalesce(t2.first_responded_at, ${atIso}::timestamptz) > t2.first_response_due_at)
        or (t2.resolution_due_at is not null and coalesce(t2.solved_at, ${atIso}::timestamptz) > t2.resolution_due_at)))`;
  const warningSource = hasSlaEvents?.present
    ? sql`or exists (select 1 from sla_events w where w.ticket_id = t3.id and w.kind = 'warning')`
    : sql``;
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
      select o.id,
        (select count(*)::int from tickets t where t.organization_id = o.id and t.status not in ('solved', 'closed') and t.merged_into_id is null) as open_tickets,
        ${breachSource} as breaches,
        (select count(*)::int from tickets t3 where t3.organization_id = o.id and t3.status in ('new', 'open') and t3.merged_into_id is null and (
           least(t3.first_response_due_at, t3.next_response_due_at, t3.resolution_due_at) between ${atIso}::timestamptz and ${atIso}::timestamptz + interval '4 hours'
           ${warningSource})) as at_risk,
        (select count(*)::int from csat_ratings c join tickets t4 on t4.id = c.ticket_id where t4.organization_id = o.id and c.rating = 'good' and c.created_at > ${atIso}::timestamptz - ${DAYS_30}) as good,
        (select count(*)::int from csat_ratings c join tickets t4 on t4.id = c.ticket_id where t4.organization_id = o.id and c.rating = 'bad' and c.created_at > ${atIso}::timestamptz - ${DAYS_30}) as bad,
        (select max(t5.last_customer_message_at) from tickets t5 where t5.organization_id = o.id) as last_message,
        (select max(a.at) from deal_activities a join beta_deals d on d.id = a.deal_id where d.organization_id = o.id and a.kind in ('call', 'meeting', 'email', 'note')) as last_activity
      from organizations o where o.id in (${ids})`),
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
