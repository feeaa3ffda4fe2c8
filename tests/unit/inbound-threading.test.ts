import { describe, expect, it } from "vitest";
import {
  domainOf,
  headerValue,
  htmlToText,
  isAllowedDownloadUrl,
  isAutoSubmitted,
  parseAddress,
  parseMessageIds,
  replyAddress,
  replyTokenFrom,
  stripQuotedReply,
  threadHeaders,
  ticketIdsIn,
  ticketMessageId,
  ticketRootMessageId,
  verifyTicketMessageId,
} from "~/modules/tickets/inbound";
import { generateToken } from "~/modules/auth/tokens";

const domain = "support.example.com";
const ticket = { number: 42, replyToken: generateToken() };

describe("addresses", () => {
  it("parses display names and lower-cases addresses", () => {
    expect(parseAddress(`"Ada Lovelace" <Ada@Example.COM>`)).toEqual({ address: "ada@example.com", name: "Ada Lovelace" });
    expect(parseAddress("bob@acme.test")).toEqual({ address: "bob@acme.test", name: null });
    expect(parseAddress("not an address")).toBeNull();
    expect(parseAddress("a@b.test\r\nBcc: x@y")).toBeNull();
    expect(domainOf("ada@Example.com")).toBe("example.com");
  });

  it("finds the reply token only in reply+TOKEN@ our domain", () => {
    const address = replyAddress(ticket.replyToken, domain);
    expect(replyTokenFrom(["someone@else.test", `Support <${address}>`], domain)).toBe(ticket.replyToken);
    expect(replyTokenFrom([address.toUpperCase()], domain)).toBe(ticket.replyToken);
    expect(replyTokenFrom([`reply+${ticket.replyToken}@evil.test`], domain)).toBeNull();
    expect(replyTokenFrom([`reply+short@${domain}`], domain)).toBeNull();
    expect(replyTokenFrom([`reply+${ticket.replyToken}'--@${domain}`], domain)).toBeNull();
  });
});

describe("message ids", () => {
  it("parses header lists and reads headers case-insensitively", () => {
    expect(parseMessageIds("<a@x> <b@y>\r\n <a@x>")).toEqual(["<a@x>", "<b@y>"]);
    expect(parseMessageIds(null)).toEqual([]);
    expect(headerValue({ "In-Reply-To": "<a@x>" }, "in-reply-to")).toBe("<a@x>");
  });

  it("signs ticket Message-IDs so they cannot be forged for another ticket", () => {
    const id = ticketMessageId(ticket, domain);
    expect(id).toMatch(new RegExp(`^<ticket-42-[0-9a-f]+@${domain.replace(/\./g, "\\.")}>$`));
    const [parsed] = ticketIdsIn([id], domain);
    expect(parsed!.number).toBe(42);
    expect(verifyTicketMessageId(parsed!, ticket)).toBe(true);
    expect(verifyTicketMessageId(parsed!, { number: 42, replyToken: generateToken() })).toBe(false);
    const forged = id.replace("ticket-42-", "ticket-43-");
    expect(verifyTicketMessageId(ticketIdsIn([forged], domain)[0]!, { number: 43, replyToken: ticket.replyToken })).toBe(false);
    expect(ticketIdsIn(["<ticket-42-root0123@other.test>"], domain)).toEqual([]);
    expect(ticketRootMessageId(ticket, domain)).toBe(ticketRootMessageId(ticket, domain));
  });

  it("builds threading headers: root first, earlier inbound ids after, In-Reply-To the latest", () => {
    const root = ticketRootMessageId(ticket, domain);
    const first = threadHeaders(ticket, domain, ["<c1@mail.test>"], { root: true });
    expect(first["Message-ID"]).toBe(root);
    expect(first["In-Reply-To"]).toBe("<c1@mail.test>");
    const later = threadHeaders(ticket, domain, ["<c1@mail.test>", "<c2@mail.test>"]);
    expect(later["Message-ID"]).not.toBe(root);
    expect(later.References).toBe(`${root} <c1@mail.test> <c2@mail.test>`);
    expect(later["In-Reply-To"]).toBe("<c2@mail.test>");
    expect(Object.values(later).join("")).not.toMatch(/[\r\n]/);
  });
});

describe("quoted replies", () => {
  it("keeps only the new text above 'On … wrote:'", () => {
    expect(stripQuotedReply("Thanks, that worked!\n\nOn Mon, 2 Mar 2026 at 10:00, Support <s@x> wrote:\n> Reply above this line\n> old")).toBe("Thanks, that worked!");
  });
  it("handles a wrapped 'On … wrote:' line and the marker line", () => {
    expect(stripQuotedReply("New info\n\nOn Mon, 2 Mar 2026 at 10:00, Support Team\n<support@example.com> wrote:\n> x")).toBe("New info");
    expect(stripQuotedReply("Short answer\n-- Reply above this line --\nold text")).toBe("Short answer");
    expect(stripQuotedReply("Hi\n\nReply above this line to add to ticket #4.\nHello Ada")).toBe("Hi");
  });
  it("drops Outlook headers and trailing > quotes, keeps inline text", () => {
    expect(stripQuotedReply("Yes\n\nFrom: Support <s@x>\nSent: Monday\nTo: me")).toBe("Yes");
    expect(stripQuotedReply("See below\n\n> quoted 1\n> quoted 2\n")).toBe("See below");
    expect(stripQuotedReply("> question\nanswer inline")).toBe("> question\nanswer inline");
    expect(stripQuotedReply("On second thought, never mind.")).toBe("On second thought, never mind.");
  });
  it("turns sanitized HTML into text", () => {
    expect(htmlToText("<p>Hello &amp; welcome</p><p>Line<br>two</p>")).toBe("Hello & welcome\nLine\ntwo");
  });
});

describe("guards", () => {
  it("recognizes auto-replies", () => {
    expect(isAutoSubmitted({ "Auto-Submitted": "auto-replied" })).toBe(true);
    expect(isAutoSubmitted({ "auto-submitted": "no" })).toBe(false);
    expect(isAutoSubmitted({ Precedence: "bulk" })).toBe(true);
    expect(isAutoSubmitted({})).toBe(false);
  });
  it("downloads attachments only from Resend's host", () => {
    expect(isAllowedDownloadUrl("http://127.0.0.1:4000/_downloads/a/b", "http://127.0.0.1:4000")).toBe(true);
    expect(isAllowedDownloadUrl("http://127.0.0.1:4001/x", "http://127.0.0.1:4000")).toBe(false);
    expect(isAllowedDownloadUrl("https://inbound-cdn.resend.com/a/attachments/b?sig=1", "https://api.resend.com")).toBe(true);
    expect(isAllowedDownloadUrl("http://inbound-cdn.resend.com/a", "https://api.resend.com")).toBe(false);
    expect(isAllowedDownloadUrl("https://evil.test/a", "https://api.resend.com")).toBe(false);
    expect(isAllowedDownloadUrl("https://user:pw@api.resend.com/a", "https://api.resend.com")).toBe(false);
    expect(isAllowedDownloadUrl("file:///etc/passwd", "https://api.resend.com")).toBe(false);
  });
});
