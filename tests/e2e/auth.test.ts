import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

describe.runIf(hasBrowser())("signing in, out, resetting and inviting (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ["admin@demo.test", "/admin/users", "Admin"],
    ["agent@demo.test", "/desk", "Desk"],
    ["sales@demo.test", "/beta", "Beta program"],
    ["alice@acme.test", "/portal", "Support"],
  ])("%s signs in and lands on %s", async (email, home, navLabel) => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, email);
    expect(new URL(page.url()).pathname).toBe(home);
    await expect.poll(() => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: navLabel }).count()).toBe(1);
    await screenshot(page, `home-${email.split("@")[0]}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?notice=signed-out");
    await page.goto(home);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe(home);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows an error for a wrong password and keeps the email", async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto("/login");
    await page.getByLabel("Email").fill("alice@acme.test");
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("do not match");
    expect(await page.getByLabel("Email").inputValue()).toBe("alice@acme.test");
    await screenshot(page, "login-error");
    // The failed sign-in answers 401: the browser logs that as a console error; nothing else.
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
    await context.close();
  });

  it("resets a forgotten password through the link in the dev mailbox", async () => {
    const customer = await openPage(browser);
    await customer.page.goto("/forgot-password");
    await customer.page.getByLabel("Email").fill("bob@acme.test");
    await customer.page.getByRole("button", { name: /send/i }).click();
    await expect.poll(() => customer.page.getByRole("status").textContent()).toMatch(/if an account exists/i);

    const admin = await openPage(browser);
    await signIn(admin.page, "admin@demo.test");
    await admin.page.goto("/admin/mailbox");
    await admin.page.getByRole("link", { name: /Reset your password/ }).first().click();
    const link = admin.page.getByRole("link", { name: /\/reset-password\// }).first();
    const href = await link.getAttribute("href");
    expect(href).toMatch(/\/reset-password\/[a-z2-7]+$/);
    await screenshot(admin.page, "admin-mailbox-message");

    await customer.page.goto(href!);
    await customer.page.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
    await customer.page.getByLabel("Confirm new password").fill("a-brand-new-password");
    await customer.page.getByRole("button", { name: /set (new )?password/i }).click();
    await customer.page.waitForURL("**/portal");

    // The link works once.
    const again = await openPage(browser);
    await again.page.goto(href!);
    await expect.poll(() => again.page.locator("main").textContent()).toMatch(/invalid|expired|used/i);
    // And the new password signs in.
    const fresh = await openPage(browser);
    await signIn(fresh.page, "bob@acme.test", "a-brand-new-password");
    expect(new URL(fresh.page.url()).pathname).toBe("/portal");
    for (const p of [customer, admin, again, fresh]) await p.context.close();
  });

  it("accepts an invitation sent by an admin", async () => {
    const admin = await openPage(browser);
    await signIn(admin.page, "admin@demo.test");
    await admin.page.goto("/admin/users");
    const invite = admin.page.getByRole("form", { name: /invite staff/i });
    await invite.getByLabel("Email").fill("new.agent@demo.test");
    await invite.getByLabel("Name").fill("Nova Agent");
    await invite.getByLabel("Role").selectOption("agent");
    await invite.getByRole("button", { name: /send invitation/i }).click();
    await expect.poll(() => admin.page.getByRole("status").first().textContent()).toMatch(/invit/i);
    await screenshot(admin.page, "admin-users");

    await admin.page.goto("/admin/mailbox");
    await admin.page.getByRole("link", { name: /invited/i }).first().click();
    const href = await admin.page.getByRole("link", { name: /\/invite\// }).first().getAttribute("href");
    expect(href).toMatch(/\/invite\/[a-z2-7]+$/);

    const invitee = await openPage(browser);
    await invitee.page.goto(href!);
    await invitee.page.getByLabel("Your name").fill("Nova Agent");
    await invitee.page.getByLabel("Password", { exact: true }).fill("nova-password-2026");
    await invitee.page.getByLabel("Confirm password").fill("nova-password-2026");
    await invitee.page.getByRole("button", { name: /accept|create account/i }).click();
    await invitee.page.waitForURL("**/desk");
    expect(invitee.errors).toEqual([]);
    await admin.context.close();
    await invitee.context.close();
  });

  it("refuses a customer the staff pages and another organization's page", async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, "carol@globex.test");
    for (const path of ["/admin/users", "/desk", "/admin/organizations"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/do not have access/i);
    }
    await screenshot(page, "customer-forbidden");
    await context.close();
  });

  it("refuses a cross-site form post", async () => {
    const res = await fetch(`${baseUrl()}/login`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "email=alice%40acme.test&password=demo-password-2026",
      redirect: "manual",
    });
    expect(res.status).toBe(403);
  });
});
