import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

describe.runIf(hasBrowser())("a ticket from filing to rating (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("customer files, agent takes it with a note and a reply, customer replies, solves and rates", async () => {
    const subject = `Printer spooler crash ${Date.now()}`;
    const customer = await openPage(browser);
    await signIn(customer.page, "alice@acme.test");
    await customer.page.getByRole("link", { name: "New ticket" }).first().click();
    await customer.page.getByLabel("Subject").fill(subject);
    await customer.page.getByLabel("Description").fill("The **spooler** crashes when printing invoices.");
    await customer.page.getByLabel("Priority").selectOption("high");
    await customer.page.getByRole("button", { name: "Submit ticket" }).click();
    await customer.page.waitForURL(/\/portal\/tickets\/\d+\?created=1/);
    const number = customer.page.url().match(/tickets\/(\d+)/)![1]!;
    await expect.poll(() => customer.page.getByRole("status").first().textContent()).toContain(`#${number}`);
    await customer.page.goto("/portal");
    await expect.poll(() => customer.page.getByRole("link", { name: new RegExp(subject) }).count()).toBe(1);
    await screenshot(customer.page, "portal-list");

    const agent = await openPage(browser);
    await signIn(agent.page, "agent@demo.test");
    expect(new URL(agent.page.url()).pathname).toBe("/desk");
    await agent.page.getByRole("link", { name: new RegExp(subject) }).click();
    await agent.page.waitForURL(`**/desk/tickets/${number}`);
    await screenshot(agent.page, "desk-queue-after-open");
    await agent.page.getByRole("button", { name: "Assign to me" }).click();
    await expect.poll(() => agent.page.getByRole("status").first().textContent()).toContain("Saved");

    const reply = agent.page.getByRole("form", { name: "Reply" });
    await reply.getByLabel("Internal note").check();
    await reply.getByLabel("Message").fill("Internal: customer runs driver v2.3, known bug.");
    await reply.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => agent.page.getByText("Internal: customer runs driver v2.3").count()).toBe(1);
    await agent.page.getByRole("form", { name: "Reply" }).getByLabel("Public reply").check();
    await agent.page.getByRole("form", { name: "Reply" }).getByLabel("Message").fill("Please update the driver to **v2.4**; that fixes it.");
    await agent.page.getByRole("form", { name: "Reply" }).getByLabel("Status after sending").selectOption("pending");
    await agent.page.getByRole("form", { name: "Reply" }).getByRole("button", { name: "Send" }).click();
    await expect.poll(() => agent.page.getByText("that fixes it").count()).toBe(1);
    // After a save the forms show the saved ticket, not what was on screen before.
    await expect.poll(() => agent.page.getByRole("form", { name: "Ticket fields" }).getByLabel("Status").inputValue()).toBe("pending");
    expect(await agent.page.getByRole("form", { name: "Ticket fields" }).getByLabel("Assignee").inputValue()).not.toBe("");
    expect(await agent.page.getByRole("form", { name: "Reply" }).getByLabel("Message").inputValue()).toBe("");
    await screenshot(agent.page, "desk-workspace");

    await customer.page.goto(`/portal/tickets/${number}`);
    await expect.poll(() => customer.page.getByText("that fixes it").count()).toBe(1);
    expect(await customer.page.getByText("Internal: customer runs driver").count()).toBe(0);
    await customer.page.getByLabel("Your reply").fill("Updated the driver, works now. Thanks!");
    await customer.page.getByRole("button", { name: "Send reply" }).click();
    await expect.poll(() => customer.page.getByRole("status").first().textContent()).toContain("reply was added");
    expect(await customer.page.getByLabel("Your reply").inputValue()).toBe("");
    await customer.page.getByRole("button", { name: "Mark as solved" }).click();
    await expect.poll(() => customer.page.getByRole("status").first().textContent()).toContain("solved");
    await customer.page.getByLabel("Good, I'm satisfied").check();
    await customer.page.getByLabel("Comment (optional)").fill("Fast and clear.");
    await customer.page.getByRole("button", { name: "Send rating" }).click();
    await expect.poll(() => customer.page.getByRole("status").first().textContent()).toContain("Thanks for rating");
    await screenshot(customer.page, "portal-ticket");

    await agent.page.goto("/desk");
    await screenshot(agent.page, "desk-queue");
    expect(customer.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  });

  it("answers 404 to a customer opening another organization's ticket", async () => {
    const alice = await openPage(browser);
    await signIn(alice.page, "alice@acme.test");
    await alice.page.goto("/portal/tickets/new");
    await alice.page.getByLabel("Subject").fill("Acme private matter");
    await alice.page.getByLabel("Description").fill("Only Acme may read this one.");
    await alice.page.getByRole("button", { name: "Submit ticket" }).click();
    await alice.page.waitForURL(/\/portal\/tickets\/\d+/);
    const number = alice.page.url().match(/tickets\/(\d+)/)![1]!;
    const carol = await openPage(browser);
    await signIn(carol.page, "carol@globex.test");
    const response = await carol.page.goto(`/portal/tickets/${number}`);
    expect(response?.status()).toBe(404);
    expect(await carol.page.getByText("Only Acme may read this one").count()).toBe(0);
    await alice.context.close();
    await carol.context.close();
  });
});
