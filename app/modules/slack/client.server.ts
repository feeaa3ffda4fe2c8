import { LogLevel, WebClient, type Logger } from "@slack/web-api";
import { eq } from "drizzle-orm";
import { slackSettings } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";

/**
 * The connected workspace: bot token and signing secret from the environment
 * (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET) or else from /admin/slack, and the Web API client.
 */
export interface SlackConfig {
  botToken: string | null;
  signingSecret: string | null;
  tokenSource: "env" | "settings" | null;
  secretSource: "env" | "settings" | null;
  teamId: string | null;
  teamName: string | null;
  botUserId: string | null;
  botId: string | null;
  testedAt: Date | null;
}

export async function slackSettingsRow(tx: Executor = db()) {
  const [row] = await tx.select().from(slackSettings).where(eq(slackSettings.id, 1));
  return row ?? null;
}

export async function slackConfig(tx: Executor = db()): Promise<SlackConfig> {
  const row = await slackSettingsRow(tx);
  const e = env();
  const botToken = e.SLACK_BOT_TOKEN ?? row?.botToken ?? null;
  const signingSecret = e.SLACK_SIGNING_SECRET ?? row?.signingSecret ?? null;
  return {
    botToken,
    signingSecret,
    tokenSource: e.SLACK_BOT_TOKEN ? "env" : row?.botToken ? "settings" : null,
    secretSource: e.SLACK_SIGNING_SECRET ? "env" : row?.signingSecret ? "settings" : null,
    teamId: row?.teamId ?? null,
    teamName: row?.teamName ?? null,
    botUserId: row?.botUserId ?? null,
    botId: row?.botId ?? null,
    testedAt: row?.testedAt ?? null,
  };
}

/** The SDK's log lines go to our JSON log (never console.*: tests fail on console.error). */
const sdkLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (...msg: unknown[]) => log("warn", "slack sdk", { detail: msg.map(String).join(" ").slice(0, 500) }),
  error: (...msg: unknown[]) => log("warn", "slack sdk error", { detail: msg.map(String).join(" ").slice(0, 500) }),
  setLevel: () => {},
  getLevel: () => LogLevel.WARN,
  setName: () => {},
};

/**
 * A Web API client. The SDK's own retries are off: a call fails fast and the job runner
 * retries the job with backoff (so a request never hangs a web response for minutes).
 */
export function slackClient(token: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: env().SLACK_API_URL ?? "https://slack.com/api/",
    logger: sdkLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    allowAbsoluteUrls: false,
  });
}

export class SlackNotConnected extends Error {
  constructor() {
    super("Slack is not connected: add the bot token at /admin/slack (or set SLACK_BOT_TOKEN).");
  }
}

/** A client for the configured bot token; throws SlackNotConnected without one. */
export async function configuredClient(tx: Executor = db()): Promise<{ client: WebClient; config: SlackConfig }> {
  const config = await slackConfig(tx);
  if (!config.botToken) throw new SlackNotConnected();
  return { client: slackClient(config.botToken), config };
}

/** Slack's error code of a failed call ("channel_not_found", "invalid_auth", …) or the message. */
export function slackErrorText(error: unknown): string {
  const data = (error as { data?: { error?: string } })?.data;
  if (data?.error) return data.error;
  return (error as Error)?.message ?? String(error);
}
