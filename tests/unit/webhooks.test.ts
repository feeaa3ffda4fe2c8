import { describe, expect, it } from "vitest";
import { addressRefusal, webhookUrlIssue } from "~/modules/webhooks/address";
import { signatureHeader, signatureV1, verifySignature } from "~/modules/webhooks/signing";
import { slackText } from "~/modules/webhooks/slack";
import { activeSecrets, webhookBackoffMs } from "~/modules/webhooks/deliver.server";

describe("webhook signatures", () => {
  const body = JSON.stringify({ id: "e1", type: "ping", createdAt: "2026-03-02T09:00:00.000Z", data: {} });
  const t = 1_772_441_200;

  it("is HMAC-SHA256 over '<t>.<body>' in hex (a known vector)", () => {
    // printf '1772441200.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureV1("whsec_test", t, '{"a":1}')).toBe("5cb96c89ac580e899d20112aa506224915fb22d6e628ce18c2edc0430c65c425");
  });

  it("puts the timestamp first and one v1 per secret", () => {
    const header = signatureHeader(["new", "old"], t, body);
    const parts = header.split(",");
    expect(parts[0]).toBe(`t=${t}`);
    expect(parts.slice(1)).toEqual([`v1=${signatureV1("new", t, body)}`, `v1=${signatureV1("old", t, body)}`]);
  });

  it("verifies with either secret during a rotation, and refuses tampering and stale timestamps", () => {
    const header = signatureHeader(["new", "old"], t, body);
    expect(verifySignature(header, body, "new", { nowSeconds: t })).toBe(true);
    expect(verifySignature(header, body, "old", { nowSeconds: t + 10 })).toBe(true);
    expect(verifySignature(header, body, "other", { nowSeconds: t })).toBe(false);
    expect(verifySignature(header, body.replace("ping", "pong"), "new", { nowSeconds: t })).toBe(false);
    expect(verifySignature(header, body, "new", { nowSeconds: t + 301 })).toBe(false);
    expect(verifySignature(`t=${t}`, body, "new", { nowSeconds: t })).toBe(false);
    expect(verifySignature(null, body, "new", { nowSeconds: t })).toBe(false);
  });

  it("signs with the previous secret only until its grace period ends", () => {
    const at = new Date("2026-03-02T09:00:00Z");
    const hook = { secret: "new", previousSecret: "old", previousSecretExpiresAt: new Date(at.getTime() + 1000) };
    expect(activeSecrets(hook, at)).toEqual(["new", "old"]);
    expect(activeSecrets(hook, new Date(at.getTime() + 1000))).toEqual(["new"]);
    expect(activeSecrets({ secret: "only", previousSecret: null, previousSecretExpiresAt: null }, at)).toEqual(["only"]);
  });

  it("backs off exponentially, capped", () => {
    const mid = () => 0.5;
    expect(webhookBackoffMs(1, mid)).toBe(30_000);
    expect(webhookBackoffMs(2, mid)).toBe(60_000);
    expect(webhookBackoffMs(5, mid)).toBe(480_000);
    expect(webhookBackoffMs(30, mid)).toBe(2 * 60 * 60_000);
  });
});

describe("addressRefusal (the SSRF classifier)", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "0x7f.1",
    "2130706433",
    "10.0.0.5",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "169.254.1.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.2.10",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::7f00:1",
    "64:ff9b::a00:1",
    "2002:a00:1::",
    "[::1]",
  ])("refuses %s", (address) => {
    expect(addressRefusal(address)).not.toBeNull();
  });

  it.each(["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a00:1450:4001:80b::200e"])("allows the public %s", (address) => {
    expect(addressRefusal(address)).toBeNull();
  });

  it("names the reason", () => {
    expect(addressRefusal("169.254.169.254")).toMatch(/metadata/);
    expect(addressRefusal("fd00:ec2::254")).toMatch(/metadata/);
    expect(addressRefusal("127.0.0.1")).toMatch(/loopback/);
    expect(addressRefusal("::ffff:127.0.0.1")).toMatch(/loopback.*IPv4-mapped/);
    expect(addressRefusal("10.1.1.1")).toMatch(/private/);
    expect(addressRefusal("100.64.1.1")).toMatch(/carrier-grade/);
    expect(addressRefusal("not-an-ip")).toMatch(/not an IP/);
  });
});

describe("webhookUrlIssue (save-time URL check before DNS)", () => {
  it.each([
    ["http://2130706433/", /loopback/],
    ["http://0x7f.1/", /loopback/],
    ["http://[::ffff:127.0.0.1]/hook", /loopback/],
    ["http://[::1]:8080/", /loopback/],
    ["http://169.254.169.254/latest/meta-data/", /metadata/],
    ["http://10.0.0.1/", /private/],
    ["http://localhost:3000/", /loopback name/],
    ["ftp://example.com/", /https/],
    ["javascript:alert(1)", /https/],
    ["https://user:pass@example.com/", /credentials/],
    ["not a url", /full URL/],
  ])("refuses %s", (url, message) => {
    expect(webhookUrlIssue(url)).toMatch(message);
  });

  it("accepts public URLs, and private ones when allowed", () => {
    expect(webhookUrlIssue("https://example.com/hooks/portal")).toBeNull();
    expect(webhookUrlIssue("https://93.184.216.34/x")).toBeNull();
    expect(webhookUrlIssue("http://127.0.0.1:8080/", { allowPrivate: true })).toBeNull();
    expect(webhookUrlIssue("http://localhost:8080/", { allowPrivate: true })).toBeNull();
    expect(webhookUrlIssue("ftp://127.0.0.1/", { allowPrivate: true })).toMatch(/https/);
  });
});

describe("slackText", () => {
  it("is one readable line with escaped user text and a link", () => {
    const text = slackText({
      type: "ticket.created",
      data: { ticket: { number: 12, subject: "Export <fails> & more", priority: "high", url: "http://portal.test/desk/tickets/12", organization: { name: "Acme" } } },
    });
    expect(text).toBe("New ticket <http://portal.test/desk/tickets/12|#12 Export &lt;fails&gt; &amp; more> from Acme (priority high)");
    expect(slackText({ type: "ping", data: {} })).toMatch(/works/);
    expect(slackText({ type: "deal.stage_changed", data: { deal: { company: "Globex" }, fromLabel: "Demo", toLabel: "Agreement" } })).toBe("Beta deal Globex moved from Demo to Agreement");
  });
});
