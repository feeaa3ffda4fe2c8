import { writeFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

/** Moves the server's clock (TEST_CLOCK_FILE, read by app/lib/clock.ts at most every 100 ms). */
function setServerClockOffset(offsetMs: number) {
  writeFileSync(inject("testClockFile"), JSON.stringify({ offsetMs }));
}

describe.runIf(hasBrowser())("SLA timers in the browser (Chromium, test clock)", () => {
  let browser: Browser;
  beforeAll(async () => {
    setServerClockOffset(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    setServerClockOffset(0);
    await browser?.close();
  });

  it("an agent watches a ticket's first-response timer count down and turn to warning", async () => {
    // An admin sets up a 24/7 calendar and a policy with a 10-minute first response, first in order.
    const admin = await openPage(browser);
    await signIn(admin.page, "admin@demo.test");
    await admin.page.goto("/admin/sla/calendars/new");
    const calendar = admin.page.getByRole("form", { name: "Calendar" });
    await calendar.getByLabel("Name").fill("E2E around the clock");
    await calendar.getByRole("button", { name: "Use 24/7" }).click();
    await expect.poll(() => admin.page.getByRole("status").first().textContent()).toMatch(/24\/7/);
    await expect.poll(() => admin.page.getByLabel("Sunday").inputValue()).toBe("00:00-24:00");
    await admin.page.getByLabel("Time zone").selectOption("UTC");
    await admin.page.getByRole("button", { name: "Save calendar" }).click();
    await admin.page.waitForURL("**/admin/sla?done=calendar");

    await admin.page.goto("/admin/sla/policies/new");
    await admin.page.getByLabel("Name").fill("E2E ten minutes");
    await admin.page.getByLabel("Enterprise").check();
    await admin.page.getByLabel("First response target for normal priority", { exact: true }).fill("10");
    await admin.page.getByLabel("Unit of the first response target for normal priority").selectOption("minutes");
    await admin.page.getByLabel("Business calendar").selectOption({ label: "E2E around the clock" });
    await admin.page.getByRole("button", { name: "Save policy" }).click();
    await admin.page.waitForURL("**/admin/sla?done=policy");
    // Move the new policy to the top, waiting after each move until the list shows it one place up
    // (the URL stays "?done=move" after the first move, so it cannot tell that a move finished).
    const position = () =>
      admin.page
        .getByRole("button", { name: /^Move .* up$/ })
        .evaluateAll((buttons) => buttons.findIndex((b) => b.getAttribute("aria-label") === "Move E2E ten minutes up"));
    for (let i = 0; i < 5; i++) {
      const before = await position();
      if (before <= 0) break;
      await admin.page.getByRole("button", { name: "Move E2E ten minutes up" }).click();
      await expect.poll(position).toBe(before - 1);
    }
    await screenshot(admin.page, "sla-admin");
    expect(admin.errors).toEqual([]);

    // A customer files a normal-priority ticket.
    const customer = await openPage(browser);
    await signIn(customer.page, "alice@acme.test");
    await customer.page.goto("/portal/tickets/new");
    await customer.page.getByLabel("Subject").fill("Dashboards load forever");
    await customer.page.getByLabel("Description").fill("Since this morning the dashboards never finish loading.");
    await customer.page.getByLabel("Priority").selectOption("normal");
    const filedAt = Date.now(); // the ticket is created just after this (real time; the server's offset is 0)
    // The help center may first suggest articles ("check these first"); submitting again files the ticket.
    for (let attempt = 0; attempt < 3 && !/\/portal\/tickets\/\d+/.test(customer.page.url()); attempt++) {
      await customer.page.getByRole("button", { name: /send|submit|create/i }).first().click();
      await customer.page.waitForURL(/\/portal\/tickets\/\d+/, { timeout: 5000 }).catch(() => {});
    }
    expect(customer.page.url()).toMatch(/\/portal\/tickets\/\d+/);
    const number = customer.page.url().split("/").pop()!.split("?")[0]!;
    await expect.poll(() => customer.page.locator("main").textContent()).toContain("We aim to reply within 10 minutes.");
    expect(await customer.page.locator("main").textContent()).not.toMatch(/due in|Warning|Breached|E2E ten minutes/);
    await screenshot(customer.page, "sla-portal-promise");

    // The agent sees the timer running and counting down, without reloading.
    const agent = await openPage(browser);
    await signIn(agent.page, "agent@demo.test");
    await agent.page.goto(`/desk/tickets/${number}`);
    const firstResponse = agent.page.locator('[data-metric="firstResponse"]');
    await expect.poll(() => firstResponse.locator("[data-sla-state]").textContent()).toContain("Running");
    const timer = firstResponse.getByRole("timer");
    const before = await timer.textContent();
    expect(before).toMatch(/due in (9|10) min/);
    await expect.poll(() => timer.textContent(), { timeout: 5000 }).not.toBe(before);

    // Time passes on the server: the warning (80 % of 10 min = 8 min) becomes about 5 s away.
    setServerClockOffset(8 * 60_000 - 5_000 - (Date.now() - filedAt));
    await new Promise((r) => setTimeout(r, 250));
    await agent.page.reload();
    await expect.poll(() => firstResponse.locator("[data-sla-state]").textContent()).toContain("Running");
    expect(await timer.textContent()).toMatch(/due in 2 min/);
    // … and the badge turns to warning by itself, in colour and in words.
    await expect.poll(() => firstResponse.locator("[data-sla-state]").textContent(), { timeout: 10_000 }).toContain("Warning");
    expect(await firstResponse.locator("[data-sla-state]").getAttribute("class")).toContain("badge-warning");
    await screenshot(agent.page, "sla-desk-warning");

    // The sweep recorded the warning on the timeline, and the queue shows the ticket first.
    await expect
      .poll(
        async () => {
          await agent.page.reload();
          return agent.page.locator("main").textContent();
        },
        { timeout: 10_000, interval: 1000 },
      )
      .toMatch(/SLA warning: First response/);
    await agent.page.goto("/desk/views/all-open");
    // Due soonest first: the seeded Acme ticket (18 minutes old, so already breached under the new policy), then ours in warning.
    const rows = agent.page.locator("tbody tr:has(input[name=numbers])");
    await expect.poll(() => rows.first().textContent()).toMatch(/Breached/);
    const ours = rows.filter({ hasText: "Dashboards load forever" });
    await expect.poll(() => ours.locator("[data-sla-state]").textContent()).toMatch(/Warning/);
    await screenshot(agent.page, "sla-queue");
    expect(agent.errors).toEqual([]);
    for (const p of [admin, customer, agent]) await p.context.close();
  });
});
