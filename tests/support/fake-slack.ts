import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Slack's Web API (the methods the portal uses) and a signer for Events API
 * requests, so no test talks to slack.com.
 *
 * - POST /api/<method> with a form-urlencoded (or JSON) body and `Authorization: Bearer <token>`,
 *   answered the way Slack does: HTTP 200 with `{ ok: true, … }` or `{ ok: false, error }`.
 * - Methods: auth.test, users.info, conversations.info, conversations.replies,
 *   conversations.history, chat.postMessage. Every call is recorded in `calls`.
 * - chat.postMessage stores the message (ts, thread_ts, text, metadata) in `posted`; replies and
 *   history return stored messages with their metadata, like `include_all_metadata`.
 * - `failNext(method, n, error)` answers the next n calls of a method with `{ ok: false, error }`;
 *   `loseNextAnswer(method)` performs the next call and then answers HTTP 500 (an answer lost on
 *   the way back).
 */
export interface FakeSlackCall {
  method: string;
  params: Record<string, string>;
  authorization: string | null;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name?: string;
  email?: string;
  is_bot?: boolean;
}

export interface FakeSlack {
  /** For SLACK_API_URL (ends with /api/). */
  url: string;
  token: string;
  team: { id: string; name: string };
  bot: { userId: string; botId: string };
  calls: FakeSlackCall[];
  posted: FakeSlackMessage[];
  users: Map<string, FakeSlackUser>;
  channels: Map<string, { id: string; name: string; is_member: boolean }>;
  callsOf(method: string): FakeSlackCall[];
  failNext(method: string, n: number, error?: string): void;
  loseNextAnswer(method: string): void;
  reset(): void;
  close(): Promise<void>;
}

/** Signs an Events API request exactly as Slack does (v0, HMAC-SHA256 of "v0:<ts>:<raw body>", hex). */
export function slackSignedHeaders(signingSecret: string, body: string, options: { timestamp?: number; retryNum?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = "v0=" + createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`, "utf8").digest("hex");
  return {
    "content-type": "application/json",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
    ...(options.retryNum ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" } : {}),
  };
}

let tsCounter = 0;
/** A Slack-like message ts ("1732420000.000123"), unique and increasing. */
export function nextTs(): string {
  tsCounter++;
  return `${1_732_420_000 + tsCounter}.${String(tsCounter).padStart(6, "0")}`;
}

export async function startFakeSlack(options: { token?: string } = {}): Promise<FakeSlack> {
  const token = options.token ?? "xoxb-test-0000-fake";
  let failures = new Map<string, { left: number; error: string }>();
  let lose = new Set<string>();

  const fake: FakeSlack = {
    url: "",
    token,
    team: { id: "T0FAKE", name: "Fake Workspace" },
    bot: { userId: "U0BOT", botId: "B0BOT" },
    calls: [],
    posted: [],
    users: new Map(),
    channels: new Map(),
    callsOf: (method) => fake.calls.filter((c) => c.method === method),
    failNext(method, n, error = "internal_error") {
      failures.set(method, { left: n, error });
    },
    loseNextAnswer(method) {
      lose.add(method);
    },
    reset() {
      fake.calls = [];
      fake.posted = [];
      fake.users.clear();
      fake.channels.clear();
      failures = new Map();
      lose = new Set();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function answer(method: string, p: Record<string, string>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://fake.slack.com/", team: fake.team.name, team_id: fake.team.id, user: "support-bot", user_id: fake.bot.userId, bot_id: fake.bot.botId };
      case "users.info": {
        const u = fake.users.get(p.user ?? "");
        if (!u) return { ok: false, error: "user_not_found" };
        return { ok: true, user: { id: u.id, name: u.name, real_name: u.real_name ?? u.name, is_bot: !!u.is_bot, profile: { real_name: u.real_name ?? u.name, display_name: u.real_name ?? u.name, ...(u.email ? { email: u.email } : {}) } } };
      }
      case "conversations.info": {
        const c = fake.channels.get(p.channel ?? "");
        if (!c) return { ok: false, error: "channel_not_found" };
        return { ok: true, channel: { id: c.id, name: c.name, is_channel: true, is_member: c.is_member } };
      }
      case "conversations.replies": {
        const messages = fake.posted.filter((m) => m.channel === p.channel && (m.ts === p.ts || m.thread_ts === p.ts));
        return { ok: true, messages, has_more: false };
      }
      case "conversations.history":
        return { ok: true, messages: fake.posted.filter((m) => m.channel === p.channel && !m.thread_ts).reverse(), has_more: false };
      case "chat.postMessage": {
        if (!p.channel) return { ok: false, error: "channel_not_found" };
        if (!p.text) return { ok: false, error: "no_text" };
        const message: FakeSlackMessage = {
          channel: p.channel,
          ts: nextTs(),
          text: p.text,
          ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}),
          ...(p.metadata ? { metadata: JSON.parse(p.metadata) as FakeSlackMessage["metadata"] } : {}),
        };
        fake.posted.push(message);
        return { ok: true, channel: p.channel, ts: message.ts, message };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
    const params: Record<string, string> = {};
    if ((req.headers["content-type"] ?? "").includes("application/json")) {
      for (const [k, v] of Object.entries(JSON.parse(raw || "{}") as Record<string, unknown>)) params[k] = typeof v === "string" ? v : JSON.stringify(v);
    } else {
      for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
    }
    const authorization = (req.headers.authorization as string | undefined) ?? null;
    fake.calls.push({ method, params, authorization });
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (authorization !== `Bearer ${fake.token}` && params.token !== fake.token) return send(200, { ok: false, error: "invalid_auth" });
    const failure = failures.get(method);
    if (failure && failure.left > 0) {
      failure.left--;
      return send(200, { ok: false, error: failure.error });
    }
    const body = answer(method, params);
    if (lose.has(method)) {
      lose.delete(method);
      return send(500, { ok: false, error: "lost" });
    }
    send(200, body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return fake;
}
