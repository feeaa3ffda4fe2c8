import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { slackMessages, slackThreads, ticketMessages, users } from "../../../db/schema";
import { db, type Database, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { log } from "~/lib/log.server";
import { enqueueJob } from "../jobs/runner.server";
import { configuredClient, slackErrorText } from "./client.server";
import { SLACK_NOTIFY_JOB, SLACK_REPLY_JOB } from "./constants";
import { markdownToSlack } from "./format";

/**
 * What the portal posts into Slack, always from the job runner:
 * - an agent's public reply on a ticket that started in Slack, into its thread (never an internal note);
 * - escalation rule notifications into a channel.
 *
 * Exactly once in effect: each post is one job with a unique key, and carries message metadata
 * naming what it is (event_type support_portal). A retry first looks for that metadata in the
 * thread or channel (conversations.replies / conversations.history), so a post whose answer was
 * lost is recorded, not repeated.
 */
const METADATA_EVENT = "support_portal";

/**
 * Called in the transaction of an agent's public reply: when the ticket has a Slack thread, records
 * the pending post and queues it. Returns whether the reply goes to Slack.
 */
export async function queueSlackReply(tx: Executor, ticketId: string, ticketMessageId: string): Promise<boolean> {
  const [thread] = await tx.select().from(slackThreads).where(eq(slackThreads.ticketId, ticketId));
  if (!thread) return false;
  await tx
    .insert(slackMessages)
    .values({ ticketMessageId, direction: "outbound", channelId: thread.channelId, threadTs: thread.threadTs, createdAt: now() })
    .onConflictDoNothing();
  await enqueueJob(tx, SLACK_REPLY_JOB, { ticketMessageId }, { uniqueKey: `slack-reply:${ticketMessageId}`, maxAttempts: 8 });
  return true;
}

type Client = Awaited<ReturnType<typeof configuredClient>>["client"];

/** A message of ours carrying `key` in its metadata, in a thread (threadTs) or the channel's recent history. */
async function findPosted(client: Client, channel: string, threadTs: string | null, key: string): Promise<string | null> {
  const result = threadTs
    ? await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
    : await client.conversations.history({ channel, include_all_metadata: true, limit: 100 });
  for (const m of result.messages ?? []) {
    const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
    if (metadata?.event_type === METADATA_EVENT && metadata.event_payload?.key === key && m.ts) return m.ts;
  }
  return null;
}

async function postOnce(input: { channel: string; threadTs: string | null; text: string; key: string; retry: boolean }): Promise<string> {
  const { client } = await configuredClient();
  if (input.retry) {
    const earlier = await findPosted(client, input.channel, input.threadTs, input.key);
    if (earlier) return earlier;
  }
  const posted = await client.chat.postMessage({
    channel: input.channel,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    text: input.text,
    unfurl_links: false,
    metadata: { event_type: METADATA_EVENT, event_payload: { key: input.key } },
  });
  if (!posted.ts) throw new Error("chat.postMessage answered without a ts");
  return posted.ts;
}

/** The reply job. Does nothing when the reply is already posted. */
export async function postSlackReply(ticketMessageId: string, attempt: number, database: Database = db()): Promise<"posted" | "already"> {
  const [row] = await database
    .select({ link: slackMessages, body: ticketMessages.body, visibility: ticketMessages.visibility, authorName: users.name })
    .from(slackMessages)
    .innerJoin(ticketMessages, eq(ticketMessages.id, slackMessages.ticketMessageId))
    .leftJoin(users, eq(users.id, ticketMessages.authorId))
    .where(and(eq(slackMessages.ticketMessageId, ticketMessageId), eq(slackMessages.direction, "outbound")));
  if (!row || row.link.ts) return "already";
  if (row.visibility !== "public") throw new Error("refusing to post an internal note to Slack");
  const text = `*${row.authorName ?? "Support"}* (support):\n${markdownToSlack(row.body)}`;
  try {
    const ts = await postOnce({ channel: row.link.channelId, threadTs: row.link.threadTs, text, key: `reply:${ticketMessageId}`, retry: attempt > 1 });
    await database
      .update(slackMessages)
      .set({ ts, postedAt: now(), lastError: null })
      .where(and(eq(slackMessages.id, row.link.id), isNull(slackMessages.ts)));
    return "posted";
  } catch (error) {
    const message = slackErrorText(error);
    await database.update(slackMessages).set({ lastError: message.slice(0, 500) }).where(eq(slackMessages.id, row.link.id));
    throw new Error(`chat.postMessage failed: ${message}`);
  }
}

const notifySchema = z.object({ channelId: z.string().min(1).max(50), text: z.string().min(1).max(4000), key: z.string().min(1).max(200) });

/** Queues a line of text for a channel (escalation rules), once per key. */
export async function queueSlackNotification(tx: Executor, input: z.infer<typeof notifySchema>): Promise<void> {
  await enqueueJob(tx, SLACK_NOTIFY_JOB, input, { uniqueKey: `slack-notify:${input.key}`, maxAttempts: 6 });
}

export async function postSlackNotification(payload: Record<string, unknown>, attempt: number): Promise<string> {
  const input = notifySchema.parse(payload);
  try {
    const ts = await postOnce({ channel: input.channelId, threadTs: null, text: input.text, key: input.key, retry: attempt > 1 });
    log("info", "slack notification posted", { channel: input.channelId, key: input.key });
    return ts;
  } catch (error) {
    throw new Error(`chat.postMessage to ${input.channelId} failed: ${slackErrorText(error)}`);
  }
}
