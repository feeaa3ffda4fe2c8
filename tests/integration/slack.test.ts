import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditEvents,
  businessCalendars,
  emailOutbox,
  escalationRules,
  jobs,
  slackChannels,
  slackEvents,
  slackMessages,
  slackSettings,
  slaPolicies,
  ticketMessages,
  tickets,
} from "../../db/schema";
import { now, testClock } from "~/lib/clock";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { createJobRunner } from "~/modules/jobs/runner.server";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { runSlaSweep } from "~/modules/sla/sweep.server";
import "~/modules/slack/jobs.server";
import { updateTicketAsAgent } from "~/modules/tickets/desk.server";
import { action as slackAdminAction, loader as slackAdminLoader } from "~/routes/admin/slack";
import { action as ruleAction } from "~/routes/admin/sla-rule";
import { action as webhookAction, loader as webhookLoader } from "~/routes/webhooks/slack";
import { createOrganization, createUser } from "../support/factories";
import { nextTs, slackSignedHeaders, startFakeSlack, type FakeSlack } from "../support/fake-slack";
import { testDatabase } from "../support/integration-setup";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace(/[yz]/g, "e");
const CHANNEL = "C0ACMESUP";

let fake: FakeSlack;
let acme: { id: string };
let alice: { id: string; email: string };
let fallback: { id: string };
let admin: SignedIn;
let agent: SignedIn;

function setEnv(overrides: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
}

beforeAll(async () => {
  fake = await startFakeSlack();
  setEnv({ SLACK_API_URL: fake.url, SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined });
});

afterAll(async () => {
  setEnv({ SLACK_API_URL: undefined });
  await fake.close();
});

beforeEach(async () => {
  await testDatabase().truncateAll();
  fake.reset();
  fake.users.set("U0ALICE", { id: "U0ALICE", name: "alice", real_name: "Alice Example", email: "alice@acme.test" });
  fake.users.set("U0STRANGER", { id: "U0STRANGER", name: "jo", real_name: "Jo Stranger", email: "jo@elsewhere.test" });
  fake.channels.set(CHANNEL, { id: CHANNEL, name: "acme-support", is_member: true });
  acme = await createOrganization(db(), { name: "Acme", domain: "acme.test", plan: "enterprise" });
  alice = await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice", email: "alice@acme.test" });
  fallback = await createUser(db(), { role: "customer", organizationId: acme.id, name: "Acme Support Desk", email: "support-contact@acme.test" });
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada Admin", email: "ada@portal.test" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam Agent", email: "sam@portal.test" }));
});

afterEach(() => {
  testClock.reset();
});

/** Connects Slack the way an admin does: save credentials, test, map the channel. */
async function connect() {
  let res = await call(slackAdminAction, postForm("/admin/slack", { intent: "save-credentials", botToken: fake.token, signingSecret: SIGNING_SECRET }, admin));
  expect(res.location).toBe("/admin/slack?done=saved");
  res = await call(slackAdminAction, postForm("/admin/slack", { intent: "test" }, admin));
  expect(res.location).toContain("done=tested");
  res = await call(slackAdminAction, postForm("/admin/slack", { intent: "map", channelId: CHANNEL, organizationId: acme.id, fallbackRequesterId: fallback.id }, admin));
  expect(res.location).toBe("/admin/slack?done=mapped");
}

async function post(body: string, headers: Record<string, string>) {
  const request = new Request(url("/webhooks/slack"), { method: "POST", body, headers });
  const res = (await webhookAction({ request, url: new URL(request.url), params: {}, context: {} } as never)) as Response;
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function messageEvent(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`) {
  return { token: "legacy", team_id: fake.team.id, api_app_id: "A0APP", type: "event_callback", event_id: eventId, event_time: Math.floor(Date.now() / 1000), event: { type: "message", channel: CHANNEL, channel_type: "channel", ...event } };
}

async function sendEvent(envelope: Record<string, unknown>, options: { retryNum?: number } = {}) {
  const body = JSON.stringify(envelope);
  // Signed at the server's clock (tests freeze it), as Slack signs at the moment it sends.
  return post(body, slackSignedHeaders(SIGNING_SECRET, body, { ...options, timestamp: Math.floor(now().getTime() / 1000) }));
}

async function runJobs() {
  await createJobRunner({ outbox: false, tasks: [], id: "slack-test-runner" }).tick();
}

async function ticketsInOrder() {
  return db().select().from(tickets).orderBy(asc(tickets.number));
}

async function messagesOf(ticketId: string) {
  return db().select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticketId)).orderBy(asc(ticketMessages.createdAt));
}

describe("POST /webhooks/slack: verification", () => {
  beforeEach(connect);

  it("refuses a bad signature, an old timestamp, a changed body and missing headers with 401", async () => {
    const body = JSON.stringify(messageEvent({ user: "U0ALICE", text: "hi", ts: nextTs() }));
    const good = slackSignedHeaders(SIGNING_SECRET, body);
    expect((await post(body, { ...good, "x-slack-signature": good["x-slack-signature"]!.replace(/.$/, (c) => (c === "0" ? "1" : "0")) })).status).toBe(401);
    expect((await post(body, slackSignedHeaders("another-secret-entirely", body))).status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await post(body, slackSignedHeaders(SIGNING_SECRET, body, { timestamp: old })))).toMatchObject({ status: 401 });
    expect((await post(body.replace("hi", "ho"), good)).status).toBe(401);
    expect((await post(body, { "content-type": "application/json" })).status).toBe(401);
    // A timestamp 4 minutes old is still inside the window.
    expect((await post(body, slackSignedHeaders(SIGNING_SECRET, body, { timestamp: Math.floor(Date.now() / 1000) - 4 * 60 }))).status).toBe(200);
    expect(await db().select().from(slackEvents)).toHaveLength(1);
  });

  it("verifies over the raw bytes (non-ASCII text) and answers url_verification with the challenge", async () => {
    const res = await sendEvent({ token: "legacy", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    expect(res).toEqual({ status: 200, body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" } });
    const unicode = await sendEvent(messageEvent({ user: "U0ALICE", text: "Grüße — 导出失败 🚨", ts: nextTs() }));
    expect(unicode.status).toBe(200);
  });

  it("answers 503 while no signing secret is configured, and 405 to GET", async () => {
    await db().update(slackSettings).set({ signingSecret: null });
    expect((await sendEvent({ type: "url_verification", challenge: "x" })).status).toBe(503);
    const res = (await webhookLoader()) as Response;
    expect(res.status).toBe(405);
  });
});

describe("messages become tickets", () => {
  beforeEach(connect);

  it("a top-level message opens a ticket for the organization; thread replies become public messages", async () => {
    const ts = nextTs();
    const res = await sendEvent(messageEvent({ user: "U0ALICE", text: "*Export* fails with error 500\nSince this morning <https://acme.test/x|see this>", ts }));
    expect(res).toMatchObject({ status: 200, body: { ok: true, duplicate: false } });
    // Acknowledged before any work: no ticket yet, one job queued.
    expect(await ticketsInOrder()).toHaveLength(0);
    expect((await db().select().from(jobs)).map((j) => j.type)).toEqual(["slack.event"]);
    await runJobs();

    const [ticket] = await ticketsInOrder();
    expect(ticket).toMatchObject({ organizationId: acme.id, requesterId: alice.id, channel: "slack", status: "new", subject: "Export fails with error 500" });
    const [first] = await messagesOf(ticket!.id);
    expect(first).toMatchObject({ authorId: alice.id, visibility: "public", channel: "slack" });
    expect(first!.body).toBe("**Export** fails with error 500\nSince this morning [see this](https://acme.test/x)");
    expect(fake.callsOf("users.info")[0]!.params.user).toBe("U0ALICE");
    // Slack tickets are answered in Slack: no "ticket received" email.
    expect(await db().select().from(emailOutbox)).toHaveLength(0);

    await sendEvent(messageEvent({ user: "U0ALICE", text: "Also the PDF export", ts: nextTs(), thread_ts: ts }));
    await sendEvent(messageEvent({ user: "U0STRANGER", text: "Same here", ts: nextTs(), thread_ts: ts }));
    await runJobs();
    const thread = await messagesOf(ticket!.id);
    expect(thread.map((m) => [m.authorId, m.visibility, m.body])).toEqual([
      [alice.id, "public", first!.body],
      [alice.id, "public", "Also the PDF export"],
      [fallback.id, "public", "**Jo Stranger** (jo@elsewhere.test) wrote in Slack:\n\nSame here"],
    ]);
    expect(await ticketsInOrder()).toHaveLength(1);
  });

  it("an unknown Slack user's message is filed for the fallback requester with their name", async () => {
    await sendEvent(messageEvent({ user: "U0STRANGER", text: "Who can help with SSO?", ts: nextTs() }));
    await runJobs();
    const [ticket] = await ticketsInOrder();
    expect(ticket).toMatchObject({ requesterId: fallback.id, subject: "Who can help with SSO?" });
  });

  it("a retry with the same event_id, or the same message again, never duplicates anything", async () => {
    const ts = nextTs();
    const envelope = messageEvent({ user: "U0ALICE", text: "Login loop", ts });
    expect((await sendEvent(envelope)).body).toMatchObject({ duplicate: false });
    expect((await sendEvent(envelope, { retryNum: 1 })).body).toMatchObject({ duplicate: true });
    await runJobs();
    expect((await sendEvent(envelope, { retryNum: 2 })).body).toMatchObject({ duplicate: true });
    // The same Slack message under a different event id (e.g. two subscriptions) is added once.
    await sendEvent({ ...envelope, event_id: "EvOTHER0001" });
    await runJobs();
    expect(await ticketsInOrder()).toHaveLength(1);
    const [ticket] = await ticketsInOrder();
    expect(await messagesOf(ticket!.id)).toHaveLength(1);
    const [other] = await db().select().from(slackEvents).where(eq(slackEvents.eventId, "EvOTHER0001"));
    expect(other).toMatchObject({ status: "ignored", outcome: "message already added" });

    const reply = messageEvent({ user: "U0ALICE", text: "still broken", ts: nextTs(), thread_ts: ts });
    await sendEvent(reply);
    await sendEvent(reply, { retryNum: 1 });
    await runJobs();
    await runJobs();
    expect(await messagesOf(ticket!.id)).toHaveLength(2);
  });

  it("ignores bots (our own posts included), edits, joins, unmapped channels and threads that are not tickets", async () => {
    await sendEvent(messageEvent({ bot_id: fake.bot.botId, user: fake.bot.userId, text: "*Sam* (support): hello", ts: nextTs() }));
    await sendEvent(messageEvent({ subtype: "bot_message", bot_id: "B0OTHER", text: "deploy finished", ts: nextTs() }));
    await sendEvent(messageEvent({ user: fake.bot.userId, text: "from our bot user", ts: nextTs() }));
    await sendEvent(messageEvent({ subtype: "message_changed", message: { text: "edited" }, ts: nextTs() }));
    await sendEvent(messageEvent({ subtype: "channel_join", user: "U0ALICE", text: "has joined", ts: nextTs() }));
    await sendEvent(messageEvent({ user: "U0ALICE", text: "elsewhere", ts: nextTs(), channel: "C0UNMAPPED" }));
    await sendEvent(messageEvent({ user: "U0ALICE", text: "reply to a non-ticket", ts: nextTs(), thread_ts: "1700000000.000001" }));
    await runJobs();
    expect(await ticketsInOrder()).toHaveLength(0);
    const rows = await db().select().from(slackEvents);
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.status === "ignored")).toBe(true);
    // Our own bot's message is ignored in the request itself (no job), by bot id.
    expect(rows.map((r) => r.outcome).sort()).toEqual(
      ["channel is not mapped to an organization", "message subtype channel_join", "message subtype message_changed", "reply in a thread that is not a ticket", "sent by a bot", "sent by a bot", "sent by this app"].sort(),
    );
  });

  it("a users.info failure is retried by the job runner, and the ticket is created once", async () => {
    fake.failNext("users.info", 1, "ratelimited");
    await sendEvent(messageEvent({ user: "U0ALICE", text: "Retry me", ts: nextTs() }));
    await runJobs();
    expect(await ticketsInOrder()).toHaveLength(0);
    const [job] = await db().select().from(jobs);
    expect(job).toMatchObject({ status: "queued", attempts: 1 });
    testClock.advance(60 * 60_000);
    await runJobs();
    expect(await ticketsInOrder()).toHaveLength(1);
  });
});

describe("agent replies go back into the thread", () => {
  beforeEach(connect);

  async function slackTicket() {
    const ts = nextTs();
    await sendEvent(messageEvent({ user: "U0ALICE", text: "The dashboard is blank", ts }));
    await runJobs();
    const [ticket] = await ticketsInOrder();
    return { ticket: ticket!, ts };
  }

  it("posts a public reply to the right thread exactly once; an internal note is never posted", async () => {
    const { ticket, ts } = await slackTicket();
    await updateTicketAsAgent(agent.user, ticket.number, { version: ticket.version, reply: { body: "Internal: **looks like** bug 42", visibility: "internal" } });
    await runJobs();
    expect(fake.callsOf("chat.postMessage")).toHaveLength(0);

    const [fresh] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    await updateTicketAsAgent(agent.user, ticket.number, { version: fresh!.version, reply: { body: "We are on it: **clear the cache** and see [the guide](https://help.test/cache).", visibility: "public" } });
    await runJobs();
    await runJobs();
    const posts = fake.callsOf("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.params).toMatchObject({ channel: CHANNEL, thread_ts: ts });
    expect(posts[0]!.params.text).toBe("*Sam Agent* (support):\nWe are on it: *clear the cache* and see <https://help.test/cache|the guide>.");
    expect(posts[0]!.authorization).toBe(`Bearer ${fake.token}`);
    const [link] = await db().select().from(slackMessages).where(eq(slackMessages.direction, "outbound"));
    expect(link).toMatchObject({ channelId: CHANNEL, threadTs: ts, ts: fake.posted[0]!.ts });
    // Answered in Slack, so no reply email.
    expect((await db().select().from(emailOutbox)).filter((m) => m.template === "ticket_reply")).toHaveLength(0);

    // Our own post comes back as an event: ignored, nothing added.
    await sendEvent(messageEvent({ user: fake.bot.userId, bot_id: fake.bot.botId, text: posts[0]!.params.text, ts: fake.posted[0]!.ts, thread_ts: ts }));
    await runJobs();
    expect((await messagesOf(ticket.id)).length).toBe(3);
  });

  it("retries a failed post, and a post whose answer was lost is not repeated", async () => {
    const { ticket, ts } = await slackTicket();
    fake.failNext("chat.postMessage", 1, "service_unavailable");
    await updateTicketAsAgent(agent.user, ticket.number, { version: ticket.version, reply: { body: "First answer", visibility: "public" } });
    await runJobs();
    expect(fake.posted).toHaveLength(0);
    const [job] = await db().select().from(jobs).where(eq(jobs.type, "slack.reply"));
    expect(job).toMatchObject({ status: "queued", attempts: 1, lastError: "chat.postMessage failed: service_unavailable" });
    testClock.advance(60 * 60_000);
    await runJobs();
    expect(fake.posted.map((m) => [m.thread_ts, m.text])).toEqual([[ts, "*Sam Agent* (support):\nFirst answer"]]);

    // Slack accepts the second reply but the answer is lost: the retry finds it in the thread.
    fake.loseNextAnswer("chat.postMessage");
    const [fresh] = await db().select().from(tickets).where(eq(tickets.id, ticket.id));
    await updateTicketAsAgent(agent.user, ticket.number, { version: fresh!.version, reply: { body: "Second answer", visibility: "public" } });
    await runJobs();
    expect(fake.posted).toHaveLength(2);
    testClock.advance(60 * 60_000);
    await runJobs();
    expect(fake.posted).toHaveLength(2);
    expect(fake.callsOf("conversations.replies").length).toBeGreaterThanOrEqual(1);
    const links = await db().select().from(slackMessages).where(eq(slackMessages.direction, "outbound"));
    expect(links.map((l) => l.ts).sort()).toEqual(fake.posted.map((m) => m.ts).sort());
  });

  it("replies on tickets that did not start in Slack are not posted", async () => {
    const t = await createUser(db(), { role: "customer", organizationId: acme.id, name: "Web", email: "web@acme.test" });
    const [row] = await db().insert(tickets).values({ organizationId: acme.id, requesterId: t.id, subject: "Web ticket", channel: "web" }).returning();
    await updateTicketAsAgent(agent.user, row!.number, { version: row!.version, reply: { body: "Hello", visibility: "public" } });
    await runJobs();
    expect(fake.callsOf("chat.postMessage")).toHaveLength(0);
  });
});

describe("escalation rules notify a Slack channel", () => {
  beforeEach(connect);

  it("saves the action from the rule form and posts once when the rule fires", async () => {
    const bad = await call(ruleAction, postForm("/admin/sla/rules/new", { name: "To Slack", active: "on", metric: "firstResponse", trigger: "breach", slackChannelId: "#general" }, admin), { id: "new" });
    expect(bad.status).toBe(400);
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors.slackChannelId).toMatch(/channel ID/);

    const saved = await call(ruleAction, postForm("/admin/sla/rules/new", { name: "To Slack", active: "on", metric: "firstResponse", trigger: "breach", slackChannelId: "c0escalate" }, admin), { id: "new" });
    expect(saved.location).toBe("/admin/sla?done=rule");
    const [rule] = await db().select().from(escalationRules);
    expect(rule!.actions.slackChannelId).toBe("C0ESCALATE");

    const cal = twentyFourSeven("UTC");
    const [c] = await db().insert(businessCalendars).values({ name: "24/7", timeZone: cal.timeZone, hours: cal.hours, holidays: [] }).returning();
    await db().insert(slaPolicies).values({ name: "All", position: 0, calendarId: c!.id, targets: { normal: { firstResponseMinutes: 60 } } });
    const T0 = new Date("2026-03-02T09:00:00Z");
    testClock.freeze(T0);
    const ts = nextTs();
    await sendEvent(messageEvent({ user: "U0ALICE", text: "Urgent: nothing loads", ts }));
    await runJobs();
    const [ticket] = await ticketsInOrder();
    expect(ticket!.firstResponseDueAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");

    const at = new Date(T0.getTime() + 61 * 60_000);
    expect((await runSlaSweep(db(), at)).escalations).toBe(1);
    expect((await runSlaSweep(db(), new Date(at.getTime() + 60_000))).escalations).toBe(0);
    testClock.freeze(at);
    await runJobs();
    await runJobs();
    const posts = fake.callsOf("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.params.channel).toBe("C0ESCALATE");
    expect(posts[0]!.params.thread_ts).toBeUndefined();
    expect(posts[0]!.params.text).toContain(`First response SLA breached on #${ticket!.number} Urgent: nothing loads`);
  });
});

describe("/admin/slack", () => {
  it("is for admins only", async () => {
    const customer = await signInAs(alice);
    expect((await call(slackAdminLoader, getRequest("/admin/slack", agent))).status).toBe(403);
    expect((await call(slackAdminLoader, getRequest("/admin/slack", customer))).status).toBe(403);
    expect((await call(slackAdminLoader, getRequest("/admin/slack"))).location).toBe("/login?redirectTo=%2Fadmin%2Fslack");
    const refused = await call(slackAdminAction, postForm("/admin/slack", { intent: "save-credentials", botToken: "xoxb-stolen", signingSecret: "abcdef0123456789" }, agent));
    expect(refused.status).toBe(403);
    expect(await db().select().from(slackSettings)).toHaveLength(0);
    expect((await call(slackAdminLoader, getRequest("/admin/slack", admin))).status).toBe(200);
  });

  it("stores the credentials, shows them masked only, and never echoes them back", async () => {
    const bad = await call(slackAdminAction, postForm("/admin/slack", { intent: "save-credentials", botToken: "not-a-token", signingSecret: SIGNING_SECRET }, admin));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.data)).not.toContain(SIGNING_SECRET);
    expect(JSON.stringify(bad.data)).not.toContain("not-a-token");
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors.botToken).toMatch(/xoxb-/);

    await connect();
    const page = await call(slackAdminLoader, getRequest("/admin/slack", admin));
    const text = JSON.stringify(page.data);
    expect(text).not.toContain(fake.token);
    expect(text).not.toContain(SIGNING_SECRET);
    const data = page.data as Awaited<ReturnType<typeof slackAdminLoader>>;
    expect(data.connection).toMatchObject({ botToken: `xoxb-••••••${fake.token.slice(-4)}`, teamName: "Fake Workspace", botUserId: "U0BOT", tokenSource: "settings" });
    expect(data.mappings).toEqual([expect.objectContaining({ channelId: CHANNEL, channelName: "acme-support", organizationName: "Acme", fallbackName: "Acme Support Desk" })]);
    expect(data.requestUrl).toBe("http://portal.test/webhooks/slack");
    // A blank field keeps what is stored.
    await call(slackAdminAction, postForm("/admin/slack", { intent: "save-credentials", botToken: "", signingSecret: "0123456789abcdef0123" }, admin));
    const [row] = await db().select().from(slackSettings);
    expect(row).toMatchObject({ botToken: fake.token, signingSecret: "0123456789abcdef0123" });
    const audits = await db().select({ action: auditEvents.action, data: auditEvents.data }).from(auditEvents);
    expect(audits.map((a) => a.action)).toContain("slack.channel_mapped");
    expect(JSON.stringify(audits)).not.toContain(fake.token);
  });

  it("refuses a fallback requester outside the organization and a malformed channel id; reports a failed test", async () => {
    const globex = await createOrganization(db(), { name: "Globex" });
    const carol = await createUser(db(), { role: "customer", organizationId: globex.id, name: "Carol" });
    let res = await call(slackAdminAction, postForm("/admin/slack", { intent: "map", channelId: CHANNEL, organizationId: acme.id, fallbackRequesterId: carol.id }, admin));
    expect(res.status).toBe(400);
    expect((res.data as { fieldErrors: Record<string, string> }).fieldErrors.fallbackRequesterId).toMatch(/contact of Acme/);
    res = await call(slackAdminAction, postForm("/admin/slack", { intent: "map", channelId: "#support", organizationId: acme.id, fallbackRequesterId: fallback.id }, admin));
    expect((res.data as { fieldErrors: Record<string, string>; values: Record<string, string> }).fieldErrors.channelId).toMatch(/channel ID/);
    expect((res.data as { values: Record<string, string> }).values.channelId).toBe("#support");
    expect(await db().select().from(slackChannels)).toHaveLength(0);

    await call(slackAdminAction, postForm("/admin/slack", { intent: "save-credentials", botToken: "xoxb-wrong-token", signingSecret: SIGNING_SECRET }, admin));
    res = await call(slackAdminAction, postForm("/admin/slack", { intent: "test" }, admin));
    expect(res.status).toBe(400);
    expect((res.data as { formError: string }).formError).toBe("Slack refused the connection test: invalid_auth.");
  });

  it("environment variables override the stored credentials", async () => {
    await connect();
    setEnv({ SLACK_SIGNING_SECRET: "env-secret-0123456789" });
    try {
      const body = JSON.stringify({ type: "url_verification", challenge: "c" });
      expect((await post(body, slackSignedHeaders(SIGNING_SECRET, body))).status).toBe(401);
      expect((await post(body, slackSignedHeaders("env-secret-0123456789", body))).status).toBe(200);
      const page = await call(slackAdminLoader, getRequest("/admin/slack", admin));
      expect((page.data as Awaited<ReturnType<typeof slackAdminLoader>>).connection.secretSource).toBe("env");
    } finally {
      setEnv({ SLACK_SIGNING_SECRET: undefined });
    }
  });
});
