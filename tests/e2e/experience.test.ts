import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, hasBrowser, launchBrowser, openPage, screenshot, seriousA11yViolations, signIn } from "../support/browser";

/** Horizontal overflow of the page itself (a table may scroll inside its own box). */
async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.runIf(hasBrowser())("experience: phone widths, laptop widths, toasts and notifications (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("serves the icon and robots.txt from public/, and the page links the icon", async () => {
    const icon = await fetch(`${baseUrl()}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toContain("image/svg+xml");
    const robots = await (await fetch(`${baseUrl()}/robots.txt`)).text();
    expect(robots).toContain("Disallow: /desk");
    expect(robots).toContain("Allow: /help");
    const { page } = await openPage(browser);
    await page.goto("/help");
    expect(await page.locator('link[rel="icon"]').getAttribute("href")).toBe("/favicon.svg");
  });

  it("the customer portal and the help center fit a 375 px phone without sideways scrolling", async () => {
    const phone = await openPage(browser, { width: 375, height: 780 });
    await phone.page.goto("/help");
    expect(await pageOverflow(phone.page)).toBeLessThanOrEqual(0);
    await screenshot(phone.page, "mobile-help-home");
    const article = await phone.page.locator('main a[href^="/help/articles/"]').first().getAttribute("href");
    expect(article).toBeTruthy();
    await phone.page.goto("/help/search?q=export");
    expect(await pageOverflow(phone.page)).toBeLessThanOrEqual(0);
    await phone.page.goto(article!);
    expect(await pageOverflow(phone.page)).toBeLessThanOrEqual(0);
    await screenshot(phone.page, "mobile-help-article");

    await signIn(phone.page, "alice@acme.test");
    for (const path of ["/portal", "/portal/tickets/new", "/portal/organization"]) {
      await phone.page.goto(path);
      expect(await pageOverflow(phone.page), path).toBeLessThanOrEqual(0);
    }
    await phone.page.goto("/portal");
    await screenshot(phone.page, "mobile-portal-list");
    await phone.page.locator('a[href^="/portal/tickets/"]:not([href$="/new"])').first().click();
    await phone.page.waitForURL(/\/portal\/tickets\/\d+/);
    expect(await pageOverflow(phone.page)).toBeLessThanOrEqual(0);
    await screenshot(phone.page, "mobile-portal-ticket");
    expect(phone.errors, phone.errors.join("\n")).toEqual([]);
  });

  it("the desk and the pipeline board are usable on a 1024 px laptop", async () => {
    const laptop = await openPage(browser, { width: 1024, height: 768 });
    await signIn(laptop.page, "admin@demo.test");
    for (const path of ["/desk", "/desk/views/all-open", "/beta", "/desk/reports/sla"]) {
      await laptop.page.goto(path);
      expect(await pageOverflow(laptop.page), path).toBeLessThanOrEqual(0);
    }
    expect(laptop.errors, laptop.errors.join("\n")).toEqual([]);
  });

  it("an agent's save shows a toast that can be dismissed; the notifications page is reachable from the bell", async () => {
    const agent = await openPage(browser);
    await signIn(agent.page, "agent@demo.test");
    await agent.page.goto("/desk/views/all-open");
    await agent.page.locator('a[href^="/desk/tickets/"]').first().click();
    await agent.page.waitForURL(/\/desk\/tickets\/\d+$/);
    const reply = agent.page.getByRole("form", { name: "Reply" });
    await reply.getByLabel("Internal note").check();
    await reply.getByLabel("Message").fill("Checked the logs; nothing unusual.");
    await reply.getByRole("button", { name: "Send" }).click();
    const toast = agent.page.locator(".toast");
    await expect.poll(() => toast.textContent()).toContain("internal note added");
    expect(await toast.getAttribute("role")).toBe("status");
    await agent.page.getByRole("button", { name: "Dismiss notification" }).click();
    await expect.poll(() => toast.count()).toBe(0);

    await agent.page.getByRole("link", { name: /^Notifications/ }).click();
    await agent.page.waitForURL("**/notifications");
    await expect.poll(() => agent.page.getByRole("heading", { level: 1 }).textContent()).toBe("Notifications");
    expect(await seriousA11yViolations(agent.page)).toEqual([]);
    await screenshot(agent.page, "notifications");
    // Marking one read shows at once (optimistically) and stays after the round trip.
    const unread = await agent.page.locator(".notification-unread").count();
    if (unread > 0) {
      await agent.page.getByRole("button", { name: /^Mark read/ }).first().click();
      await expect.poll(() => agent.page.locator(".notification-unread").count()).toBe(unread - 1);
      await expect.poll(() => agent.page.locator(".toast").textContent()).toContain("Marked as read");
    }
    expect(agent.errors, agent.errors.join("\n")).toEqual([]);
  });
});
