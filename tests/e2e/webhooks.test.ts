import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "~/modules/webhooks/signing";
import { hasBrowser, launchBrowser, openPage, screenshot, seriousA11yViolations, signIn } from "../support/browser";

describe.runIf(hasBrowser())("outgoing webhooks in the browser", () => {
  let browser: Browser;
  let server: Server;
  let port: number;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("an admin adds an endpoint, copies the secret, sends a test and sees it in the delivery log", async () => {
    const admin = await openPage(browser);
    await signIn(admin.page, "admin@demo.test");
    await admin.page.goto("/admin/users");
    await admin.page.getByRole("link", { name: "Webhooks" }).click();
    await admin.page.waitForURL("**/admin/webhooks");

    const form = admin.page.getByRole("form", { name: "New webhook" });
    // Nothing chosen: a clear message, and what was typed stays.
    await form.getByLabel("Endpoint URL").fill(`http://127.0.0.1:${port}/portal-hook`);
    await form.getByLabel("Description").fill("E2E receiver");
    await form.getByRole("button", { name: "Create webhook" }).click();
    await expect.poll(() => admin.page.getByText("Choose at least one event.").count()).toBe(1);
    await expect.poll(() => form.getByLabel("Description").inputValue()).toBe("E2E receiver");

    await form.getByRole("checkbox", { name: /ticket\.created/ }).check();
    await form.getByRole("checkbox", { name: /ticket\.replied/ }).check();
    await form.getByRole("button", { name: "Create webhook" }).click();
    const secretBox = admin.page.getByLabel("Signing secret");
    await expect.poll(() => secretBox.inputValue()).toMatch(/^whsec_/);
    const secret = await secretBox.inputValue();
    await screenshot(admin.page, "webhooks-created");

    await admin.page.getByRole("link", { name: "Open the webhook to send a test" }).click();
    await admin.page.waitForURL(/\/admin\/webhooks\/[0-9a-f-]{36}$/);
    await admin.page.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => admin.page.getByRole("status").first().textContent()).toMatch(/Test ping: delivered \(HTTP 204/);
    const log = admin.page.getByRole("table", { name: /Deliveries to this endpoint/ });
    await expect.poll(() => log.getByRole("row").count()).toBe(2);
    const row = (await log.getByRole("row").nth(1).textContent()) ?? "";
    expect(row).toContain("ping");
    expect(row).toContain("delivered");
    expect(row).toContain("204");
    await screenshot(admin.page, "webhooks-log");
    expect(await seriousA11yViolations(admin.page)).toEqual([]);

    expect(received).toHaveLength(1);
    expect(received[0]!.headers["x-portal-event"]).toBe("ping");
    expect(verifySignature(received[0]!.headers["x-portal-signature"] as string, received[0]!.body, secret)).toBe(true);
    // The refused first submit answered 400 on purpose (the browser logs it); nothing else may log an error.
    expect(admin.errors.filter((e) => !e.includes("status of 400"))).toEqual([]);
  });
});
