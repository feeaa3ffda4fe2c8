// The bench's concrete targets in a seeded database: the deep page's keyset cursor (2,000 pages
// of 50 into the agent's solved+closed view, or as deep as the data allows) and a ticket with one
// of the seeded 100-message threads. Shared by bench/run.ts and bench/drizzle-overhead.ts.
import type postgres from "postgres";

export interface BenchTargets {
  agentId: string;
  filteredRows: number;
  deepPage: number;
  cursor: string;
  /** The cursor page's last ticket number (a fallback ticket for small data sets). */
  deepNumber: number;
  bigTicketNumber: number;
}

export async function lookupTargets(pg: postgres.Sql, agentEmail: string): Promise<BenchTargets> {
  const [agent] = await pg<{ id: string }[]>`select id from users where email = ${agentEmail}`;
  if (!agent) throw new Error(`no ${agentEmail}: was this database filled by npm run bench:seed?`);
  const scope = pg`(t.group_id is null or t.assignee_id = ${agent.id} or t.group_id in (select group_id from group_members where user_id = ${agent.id})) and t.merged_into_id is null`;
  const [{ n: filteredRows }] = (await pg`select count(*)::int as n from tickets t where ${scope} and t.status in ('solved', 'closed')`) as unknown as [{ n: number }];
  const deepPage = Math.max(2, Math.min(2000, Math.floor(filteredRows / 50) - 1));
  const [deep] = await pg<{ key: string; number: number }[]>`
    select to_char(t.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, t.number from tickets t
    where ${scope} and t.status in ('solved', 'closed') order by t.updated_at desc, t.number desc offset ${(deepPage - 1) * 50 - 1} limit 1`;
  const cursor = Buffer.from(JSON.stringify({ key: deep!.key, number: deep!.number })).toString("base64url");
  const [bigTicket] = await pg<{ number: number }[]>`select t.number from tickets t where t.number % 1000 = 7 and ${scope} order by t.number limit 1`;
  // (a data set too small for the seeded 100-message threads falls back to the deep page's ticket)
  return { agentId: agent.id, filteredRows, deepPage, cursor, deepNumber: deep!.number, bigTicketNumber: bigTicket?.number ?? deep!.number };
}
