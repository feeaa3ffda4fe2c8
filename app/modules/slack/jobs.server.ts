import { registerJobHandler } from "../jobs/runner.server";
import { SLACK_EVENT_JOB, SLACK_NOTIFY_JOB, SLACK_REPLY_JOB } from "./constants";
import { processSlackEvent } from "./events.server";
import { postSlackNotification, postSlackReply } from "./outbound.server";

/**
 * Slack's background work, registered at import time (app/server/runtime.server.ts imports this
 * file, so the web process and `npm run worker` both run it).
 */
registerJobHandler(SLACK_EVENT_JOB, async (payload, ctx) => {
  const eventId = typeof payload.eventId === "string" ? payload.eventId : null;
  if (!eventId) throw new Error("slack event job without an eventId");
  await processSlackEvent(eventId, ctx.db);
});

registerJobHandler(SLACK_REPLY_JOB, async (payload, ctx) => {
  const ticketMessageId = typeof payload.ticketMessageId === "string" ? payload.ticketMessageId : null;
  if (!ticketMessageId) throw new Error("slack reply job without a ticketMessageId");
  await postSlackReply(ticketMessageId, ctx.job.attempts, ctx.db);
});

registerJobHandler(SLACK_NOTIFY_JOB, async (payload, ctx) => {
  await postSlackNotification(payload, ctx.job.attempts);
});
