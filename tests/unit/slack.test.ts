import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { maskSecret, SLACK_CHANNEL_ID } from "~/modules/slack/constants";
import { classifySlackEvent } from "~/modules/slack/events.server";
import { markdownToSlack, slackToMarkdown, subjectFromSlack } from "~/modules/slack/format";
import { slackSignature, verifySlackSignature } from "~/modules/slack/signature";

// The example from Slack's "Verifying requests from Slack" guide.
const GUIDE = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};

describe("Slack request signatures", () => {
  it("matches the example in Slack's guide", () => {
    expect(slackSignature(GUIDE.secret, GUIDE.timestamp, GUIDE.body)).toBe(GUIDE.signature);
    expect(verifySlackSignature({ secret: GUIDE.secret, timestamp: GUIDE.timestamp, signature: GUIDE.signature, rawBody: Buffer.from(GUIDE.body), nowSeconds: 1531420618 + 60 })).toEqual({ ok: true });
  });

  it("refuses old or future timestamps, other bodies, malformed and missing headers", () => {
    const base = { secret: GUIDE.secret, timestamp: GUIDE.timestamp, signature: GUIDE.signature, rawBody: Buffer.from(GUIDE.body), nowSeconds: 1531420618 };
    expect(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds + 301 }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds - 301 }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds + 300 }).ok).toBe(true);
    expect(verifySlackSignature({ ...base, rawBody: Buffer.from(GUIDE.body + " ") }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, signature: GUIDE.signature.toUpperCase() }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, signature: "v1=" + GUIDE.signature.slice(3) }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, signature: null }).ok).toBe(false);
    expect(verifySlackSignature({ ...base, timestamp: "1531420618.5" }).ok).toBe(false);
  });

  it("signs the raw bytes: non-ASCII bodies verify byte for byte", () => {
    const body = Buffer.from(JSON.stringify({ text: "Grüße 🚨" }), "utf8");
    const sig = "v0=" + createHmac("sha256", "s3cret-s3cret").update(Buffer.concat([Buffer.from("v0:1700000000:"), body])).digest("hex");
    expect(verifySlackSignature({ secret: "s3cret-s3cret", timestamp: "1700000000", signature: sig, rawBody: body, nowSeconds: 1700000000 }).ok).toBe(true);
  });
});

describe("Slack text", () => {
  it("turns mrkdwn into markdown", () => {
    expect(slackToMarkdown("Hi <@U1> see <https://x.test/a?b=1&amp;c=2|the page> and <https://y.test> in <#C1|general> &lt;3", { U1: "Sam" })).toBe(
      "Hi @Sam see [the page](https://x.test/a?b=1&c=2) and https://y.test in #general <3",
    );
    expect(slackToMarkdown("*bold* and ~gone~\n* a bullet")).toBe("**bold** and ~~gone~~\n* a bullet");
    expect(slackToMarkdown("<!here> <mailto:a@b.test|a@b.test>")).toBe("@here a@b.test");
  });

  it("turns an agent's markdown into mrkdwn, escaping what Slack treats as markup, leaving code alone", () => {
    expect(markdownToSlack("## Steps\n**Clear** the cache & see [guide](https://h.test/x?a=1&b=2) <now>")).toBe("*Steps*\n*Clear* the cache &amp; see <https://h.test/x?a=1&b=2|guide> &lt;now&gt;");
    expect(markdownToSlack("Run `a && b` then\n```\nx < y\n```")).toBe("Run `a && b` then\n```\nx < y\n```");
    expect(markdownToSlack("~~old~~")).toBe("~old~");
  });

  it("builds a subject from the first line", () => {
    expect(subjectFromSlack("\n**Export** fails\nmore")).toBe("Export fails");
    expect(subjectFromSlack("")).toBe("Message from Slack");
    expect(subjectFromSlack("x".repeat(200))).toHaveLength(120);
  });

  it("masks secrets and recognises channel ids", () => {
    expect(maskSecret("xoxb-1234-5678-abcdefgh")).toBe("xoxb-••••••efgh");
    expect(maskSecret("short")).toBe("••••••");
    expect(maskSecret(null)).toBeNull();
    expect(SLACK_CHANNEL_ID.test("C0123ABCD")).toBe(true);
    expect(SLACK_CHANNEL_ID.test("D0123ABCD")).toBe(false);
    expect(SLACK_CHANNEL_ID.test("#general")).toBe(false);
  });
});

describe("classifySlackEvent", () => {
  const bot = { botUserId: "UBOT", botId: "BBOT" };
  const msg = { type: "message", channel: "C1234567", user: "U1", text: "hi", ts: "1.1" };
  it("accepts people's messages and thread replies", () => {
    expect(classifySlackEvent(msg, bot)).toMatchObject({ kind: "message", threadTs: null });
    expect(classifySlackEvent({ ...msg, ts: "1.2", thread_ts: "1.1" }, bot)).toMatchObject({ kind: "message", threadTs: "1.1" });
    expect(classifySlackEvent({ ...msg, thread_ts: "1.1" }, bot)).toMatchObject({ kind: "message", threadTs: null });
    expect(classifySlackEvent({ ...msg, subtype: "file_share", text: "", files: [{}] }, bot)).toMatchObject({ kind: "message" });
  });
  it("ignores bots, our own user, edits, deletes, DMs and other events", () => {
    for (const e of [
      { ...msg, bot_id: "B9" },
      { ...msg, user: "UBOT" },
      { ...msg, subtype: "message_changed" },
      { ...msg, subtype: "message_deleted" },
      { ...msg, channel_type: "im" },
      { ...msg, text: "" },
      { type: "app_mention", channel: "C1234567", user: "U1", text: "hi", ts: "1.1" },
      { type: "reaction_added" },
    ]) {
      expect(classifySlackEvent(e, bot).kind).toBe("ignore");
    }
  });
});
