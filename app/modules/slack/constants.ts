/** Slack vocabulary shared by server modules and pages (no I/O). See docs/slack.md. */

/** Job: process one received Events API delivery (payload { eventId }). */
export const SLACK_EVENT_JOB = "slack.event";
/** Job: post a public agent reply into its ticket's Slack thread (payload { ticketMessageId }). */
export const SLACK_REPLY_JOB = "slack.reply";
/** Job: post a line of text into a channel (escalation rules; payload { channelId, text }). */
export const SLACK_NOTIFY_JOB = "slack.notify";

/** Slack conversation ids: C… (public), G… (private / older), D… is a DM and is not mappable. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,20}$/;

export const slackChannelIdMessage = "Use the channel ID (C… or G…), shown at the bottom of the channel’s details in Slack.";

/** Events whose message subtypes carry a customer's words; others (joins, edits, deletes, bots) are ignored. */
export const SLACK_CONTENT_SUBTYPES = new Set(["file_share", "thread_broadcast"]);

/** "xoxb-…abcd": enough to recognise a token, never enough to use it. */
export function maskSecret(value: string | null | undefined): string | null {
  if (!value) return null;
  const prefix = /^xox[a-z]-/.test(value) ? value.slice(0, 5) : "";
  return `${prefix}••••••${value.length > 12 ? value.slice(-4) : ""}`;
}
