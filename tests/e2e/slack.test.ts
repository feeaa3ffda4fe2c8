import { createHmac } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

// The browser flow needs no Slack: mapping before a token is saved makes no API call, and saving
// credentials does not call Slack either (Test connection and the event flow: integration tests).
describe.runIf(hasBrowser())("Slack settings in the browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an admin finds Slack in the admin navigation, maps a channel and saves credentials shown masked", async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, "admin@demo.test");
    await page.goto("/admin/users");
    await page.getByRole("link", { name: "Slack", exact: true }).click();
    await page.waitForURL("**/admin/slack");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Slack/);

    const map = page.getByRole("form", { name: "Map a channel" });
    await map.getByLabel("Slack channel ID").fill("general");
    await map.getByLabel("Organization").selectOption({ label: "Acme" });
    await map.getByRole("button", { name: "Save mapping" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/Fix the marked fields/);
    await expect.poll(() => map.getByLabel("Slack channel ID").inputValue()).toBe("general");
    await map.getByLabel("Slack channel ID").fill("C0ACME0001");
    await map.getByLabel("Organization").selectOption({ label: "Acme" });
    await map.getByLabel("Fallback requester").selectOption({ label: "Alice Anders (alice@acme.test)" });
    await map.getByRole("button", { name: "Save mapping" }).click();
    await page.waitForURL("**/admin/slack?done=mapped**");
    const row = page.getByRole("row", { name: /C0ACME0001/ });
    await expect.poll(() => row.textContent()).toMatch(/Acme/);

    const creds = page.getByRole("form", { name: "Slack credentials" });
    await creds.getByLabel("Bot token").fill("xoxb-1111-2222-e2etokenabcd");
    await creds.getByLabel("Signing secret").fill("0123456789abcdef0123456789abcdef");
    await creds.getByRole("button", { name: "Save credentials" }).click();
    await page.waitForURL("**/admin/slack?done=saved");
    const html = await page.content();
    expect(html).not.toContain("xoxb-1111-2222-e2etokenabcd");
    expect(html).not.toContain("0123456789abcdef0123456789abcdef");
    await expect.poll(() => page.locator("dl.details").textContent()).toContain("xoxb-••••••abcd");
    // The form starts empty again: typed secrets are not kept in the page.
    expect(await creds.getByLabel("Bot token").inputValue()).toBe("");
    await screenshot(page, "admin-slack");

    // Through the real HTTP stack (raw body, CSRF exemption of /webhooks/*): a request signed
    // with the saved secret is answered; a wrongly signed one is refused.
    const body = JSON.stringify({ token: "t", challenge: "e2e-challenge-42", type: "url_verification" });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sign = (secret: string) => "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
    const send = (secret: string) =>
      fetch(`${baseUrl()}/webhooks/slack`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-slack-request-timestamp": timestamp, "x-slack-signature": sign(secret), origin: "https://slack.com" },
      });
    const ok = await send("0123456789abcdef0123456789abcdef");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: "e2e-challenge-42" });
    expect((await send("ffffffffffffffffffffffffffffffff")).status).toBe(401);

    // The refused mapping answered 400 on purpose; nothing else may log an error.
    expect(errors.filter((e) => !e.includes("status of 400"))).toEqual([]);
  });
});
