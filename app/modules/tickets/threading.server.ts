import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import { ticketMessages, tickets } from "../../../db/schema";
import type { Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { generateToken } from "../auth/tokens";
import { replyAddress, threadHeaders } from "./inbound";

/** The ticket's reply token, generated now for a ticket that has none yet (older rows). */
export async function ensureReplyToken(tx: Executor, ticketId: string): Promise<{ number: number; replyToken: string }> {
  const [row] = await tx.select({ number: tickets.number, replyToken: tickets.replyToken }).from(tickets).where(eq(tickets.id, ticketId));
  if (!row) throw new Error(`ticket ${ticketId} not found`);
  if (row.replyToken) return { number: row.number, replyToken: row.replyToken };
  const [set] = await tx
    .update(tickets)
    .set({ replyToken: generateToken() })
    .where(and(eq(tickets.id, ticketId), isNull(tickets.replyToken)))
    .returning({ replyToken: tickets.replyToken });
  if (set?.replyToken) return { number: row.number, replyToken: set.replyToken };
  // Another transaction set it first.
  const [again] = await tx.select({ replyToken: tickets.replyToken }).from(tickets).where(eq(tickets.id, ticketId));
  return { number: row.number, replyToken: again!.replyToken! };
}

/**
 * Reply-To and threading headers for a mail to a ticket's requester: replies come back to
 * reply+<token>@<INBOUND_EMAIL_DOMAIN>, and Message-ID / In-Reply-To / References make mail
 * clients show the ticket as one conversation. `root` marks the ticket's first mail.
 * Spread the result into enqueueEmail's input.
 */
export async function ticketMailThreading(
  tx: Executor,
  ticketId: string,
  options: { root?: boolean } = {},
): Promise<{ replyTo: string; headers: Record<string, string> }> {
  const domain = env().INBOUND_EMAIL_DOMAIN;
  const ticket = await ensureReplyToken(tx, ticketId);
  const inbound = await tx
    .select({ id: ticketMessages.emailMessageId })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), isNotNull(ticketMessages.emailMessageId)))
    .orderBy(desc(ticketMessages.createdAt))
    .limit(10);
  const earlier = inbound.map((m) => m.id!).reverse();
  return { replyTo: replyAddress(ticket.replyToken, domain), headers: threadHeaders(ticket, domain, earlier, options) };
}
