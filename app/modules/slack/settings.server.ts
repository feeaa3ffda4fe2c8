import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { organizations, slackChannels, slackEvents, slackSettings, tickets, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { now } from "~/lib/clock";
import type { Actor } from "../auth/permissions";
import { audit } from "../audit/audit.server";
import { configuredClient, slackClient, slackConfig, slackErrorText, SlackNotConnected } from "./client.server";
import { maskSecret } from "./constants";

/** Settings of the Slack connection (/admin/slack). Callers authorize (manage:slack). */
export class SlackAdminError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
  }
}

export async function slackAdminPage() {
  const config = await slackConfig();
  const [mappings, orgs, contacts, recent] = await Promise.all([
    db()
      .select({
        id: slackChannels.id,
        channelId: slackChannels.channelId,
        channelName: slackChannels.channelName,
        organizationId: slackChannels.organizationId,
        organizationName: organizations.name,
        fallbackRequesterId: slackChannels.fallbackRequesterId,
        fallbackName: users.name,
        fallbackEmail: users.email,
      })
      .from(slackChannels)
      .innerJoin(organizations, eq(organizations.id, slackChannels.organizationId))
      .innerJoin(users, eq(users.id, slackChannels.fallbackRequesterId))
      .orderBy(asc(organizations.name), asc(slackChannels.channelName)),
    db().select({ id: organizations.id, name: organizations.name }).from(organizations).orderBy(asc(organizations.name)),
    db()
      .select({ id: users.id, name: users.name, email: users.email, organizationId: users.organizationId })
      .from(users)
      .where(and(eq(users.role, "customer"), isNull(users.disabledAt)))
      .orderBy(asc(users.name)),
    db()
      .select({
        eventId: slackEvents.eventId,
        type: slackEvents.type,
        status: slackEvents.status,
        outcome: slackEvents.outcome,
        receivedAt: slackEvents.receivedAt,
        ticketNumber: tickets.number,
      })
      .from(slackEvents)
      .leftJoin(tickets, eq(tickets.id, slackEvents.ticketId))
      .orderBy(desc(slackEvents.receivedAt))
      .limit(10),
  ]);
  return {
    connection: {
      botToken: maskSecret(config.botToken),
      signingSecret: maskSecret(config.signingSecret),
      tokenSource: config.tokenSource,
      secretSource: config.secretSource,
      teamName: config.teamName,
      teamId: config.teamId,
      botUserId: config.botUserId,
      testedAt: config.testedAt,
    },
    requestUrl: `${env().APP_URL}/webhooks/slack`,
    mappings,
    organizations: orgs,
    contacts: contacts.filter((c): c is typeof c & { organizationId: string } => !!c.organizationId),
    recent,
  };
}

/** Saves what was typed; a blank field keeps the stored value. */
export async function saveSlackCredentials(actor: Actor, input: { botToken: string | null; signingSecret: string | null }): Promise<void> {
  if (!input.botToken && !input.signingSecret) throw new SlackAdminError("Enter a bot token or a signing secret to save (blank fields keep what is stored).");
  await db().transaction(async (tx) => {
    const at = now();
    const patch = {
      ...(input.botToken ? { botToken: input.botToken, teamId: null, teamName: null, botUserId: null, botId: null, testedAt: null } : {}),
      ...(input.signingSecret ? { signingSecret: input.signingSecret } : {}),
      updatedById: actor.id,
      updatedAt: at,
    };
    await tx
      .insert(slackSettings)
      .values({ id: 1, ...patch })
      .onConflictDoUpdate({ target: slackSettings.id, set: patch });
    await audit(tx, {
      actorId: actor.id,
      action: "slack.settings_updated",
      targetType: "slack",
      data: { botToken: input.botToken ? "changed" : "kept", signingSecret: input.signingSecret ? "changed" : "kept" },
    });
  });
}

export async function clearSlackCredentials(actor: Actor): Promise<void> {
  await db().transaction(async (tx) => {
    await tx
      .update(slackSettings)
      .set({ botToken: null, signingSecret: null, teamId: null, teamName: null, botUserId: null, botId: null, testedAt: null, updatedById: actor.id, updatedAt: now() })
      .where(eq(slackSettings.id, 1));
    await audit(tx, { actorId: actor.id, action: "slack.settings_updated", targetType: "slack", data: { botToken: "removed", signingSecret: "removed" } });
  });
}

/** auth.test with the configured token; remembers the workspace and the bot's own ids (to ignore its messages). */
export async function testSlackConnection(actor: Actor): Promise<{ team: string; botUserId: string }> {
  let result;
  try {
    const { client } = await configuredClient();
    result = await client.auth.test();
  } catch (error) {
    if (error instanceof SlackNotConnected) throw new SlackAdminError("Save a bot token first.", "botToken");
    throw new SlackAdminError(`Slack refused the connection test: ${slackErrorText(error)}.`);
  }
  const patch = {
    teamId: result.team_id ?? null,
    teamName: result.team ?? null,
    botUserId: result.user_id ?? null,
    botId: result.bot_id ?? null,
    testedAt: now(),
  };
  await db().transaction(async (tx) => {
    await tx
      .insert(slackSettings)
      .values({ id: 1, ...patch, updatedAt: now() })
      .onConflictDoUpdate({ target: slackSettings.id, set: patch });
    await audit(tx, { actorId: actor.id, action: "slack.connection_tested", targetType: "slack", data: { team: patch.teamName, teamId: patch.teamId } });
  });
  return { team: patch.teamName ?? patch.teamId ?? "the workspace", botUserId: patch.botUserId ?? "" };
}

export interface MappingInput {
  channelId: string;
  organizationId: string;
  fallbackRequesterId: string;
}

/**
 * Maps a channel to an organization (a second save of the same channel updates it). The channel's
 * name is looked up with conversations.info when a token is configured; a failed lookup still
 * saves and answers a warning.
 */
export async function saveSlackMapping(actor: Actor, input: MappingInput): Promise<{ warning: string | null }> {
  const [org] = await db().select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.id, input.organizationId));
  if (!org) throw new SlackAdminError("Choose an organization.", "organizationId");
  const [contact] = await db()
    .select({ id: users.id, role: users.role, organizationId: users.organizationId, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, input.fallbackRequesterId));
  if (!contact || contact.role !== "customer" || contact.organizationId !== org.id || contact.disabledAt) {
    throw new SlackAdminError(`Choose an active contact of ${org.name} as the fallback requester.`, "fallbackRequesterId");
  }
  let channelName = "";
  let warning: string | null = null;
  const config = await slackConfig();
  if (config.botToken) {
    try {
      const info = await slackClient(config.botToken).conversations.info({ channel: input.channelId });
      channelName = info.channel?.name ?? "";
      if (info.channel && info.channel.is_member === false) warning = `The bot is not a member of #${channelName}: invite it with /invite @yourbot, or no messages arrive.`;
    } catch (error) {
      warning = `Saved, but Slack could not look the channel up (${slackErrorText(error)}): check the ID and that the bot is in the channel.`;
    }
  } else {
    warning = "Saved. Connect Slack (bot token) so the channel name can be looked up and messages can arrive.";
  }
  await db().transaction(async (tx) => {
    const at = now();
    await tx
      .insert(slackChannels)
      .values({ channelId: input.channelId, channelName, organizationId: org.id, fallbackRequesterId: contact.id, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: slackChannels.channelId,
        set: { organizationId: org.id, fallbackRequesterId: contact.id, updatedAt: at, ...(channelName ? { channelName } : {}) },
      });
    await audit(tx, { actorId: actor.id, action: "slack.channel_mapped", targetType: "slack_channel", targetId: null, data: { channelId: input.channelId, channelName, organizationId: org.id } });
  });
  return { warning };
}

export async function deleteSlackMapping(actor: Actor, id: string): Promise<void> {
  await db().transaction(async (tx) => {
    const removed = await tx.delete(slackChannels).where(eq(slackChannels.id, id)).returning({ channelId: slackChannels.channelId, organizationId: slackChannels.organizationId });
    if (!removed.length) throw new SlackAdminError("That mapping no longer exists.", undefined, 404);
    await audit(tx, { actorId: actor.id, action: "slack.channel_unmapped", targetType: "slack_channel", data: removed[0]! });
  });
}

/** Known channels (mapped ones) for the escalation rule form's suggestions. */
export async function knownSlackChannels() {
  return db().select({ channelId: slackChannels.channelId, channelName: slackChannels.channelName }).from(slackChannels).orderBy(asc(slackChannels.channelName));
}
