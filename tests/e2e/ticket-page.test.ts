// The agent's ticket page with its thread and assignee options built on the server and left out of
// the document's hydration data (app/lib/document-html.ts): hydration keeps them, a failed action
// (no revalidation) keeps them, the thread's in-app link navigates without a reload, and without
// JavaScript reply, note, status and assignment still post as plain forms.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

describe.runIf(hasBrowser())("the agent's ticket page (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("hydrates the server-built thread and options, keeps them through a refused action, and links in the app", async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, "agent@demo.test");
    await page.goto("/desk/tickets/1");
    const timeline = page.getByRole("list", { name: "Timeline" });
    const assignee = page.getByRole("form", { name: "Ticket fields" }).getByLabel("Assignee");
    const reply = page.getByRole("form", { name: "Reply" });
    // a public reply (client-side post and revalidation: the thread comes with the data)
    const text = `Server-built thread check ${Date.now()}`;
    await reply.getByLabel("Public reply").check();
    await reply.getByLabel("Message").fill(text);
    await reply.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => timeline.getByText(text).count()).toBe(1);

    // a document load: the thread and the options are in the markup only
    await page.reload();
    const items = await timeline.getByRole("listitem").count();
    expect(items).toBeGreaterThan(1);
    const options = await assignee.locator("option").count();
    expect(options).toBeGreaterThan(1);
    const assigned = await assignee.inputValue();
    // a refused action (400, no revalidation): the page re-renders with the document's data
    await page.getByLabel("Merge this ticket into").fill("not a number");
    await page.getByRole("button", { name: "Merge", exact: true }).click();
    await expect.poll(() => page.getByText("Enter a ticket number such as 1234.").count()).toBe(1);
    expect(await timeline.getByRole("listitem").count()).toBe(items);
    expect(await timeline.getByText(text).count()).toBe(1);
    expect(await assignee.locator("option").count()).toBe(options);
    expect(await assignee.inputValue()).toBe(assigned);
    await screenshot(page, "desk-ticket-server-thread");

    // the thread's "Turn this reply into a help article" navigates in the app (no document load)
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const article = timeline.getByRole("listitem").filter({ hasText: text }).getByRole("link", { name: "Turn this reply into a help article" });
    await article.click();
    await page.waitForURL(/\/desk\/kb\/new\?fromMessage=/);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // back: the ticket's data comes as a .data request, the thread with it
    await page.goBack();
    await expect.poll(() => timeline.getByText(text).count()).toBe(1);
    expect(await assignee.locator("option").count()).toBe(options);
    // The refused merge answers 400: the browser logs that as a console error; nothing else.
    expect(errors.filter((e) => !e.includes("400"))).toEqual([]);
    await context.close();
  });

  it("posts a note, a reply, a status and an assignment without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: baseUrl(), viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, "agent@demo.test");
    await page.goto("/desk/tickets/2");
    const fields = page.getByRole("form", { name: "Ticket fields" });
    const reply = page.getByRole("form", { name: "Reply" });
    const timeline = page.getByRole("list", { name: "Timeline" });
    const note = `No-JS note ${Date.now()}`;
    await reply.getByLabel("Internal note").check();
    await reply.getByLabel("Message").fill(note);
    await reply.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => timeline.getByText(note).count()).toBe(1);
    expect(await timeline.getByRole("listitem").filter({ hasText: note }).getByText("Internal note").count()).toBe(1);
    const answer = `No-JS reply ${Date.now()}`;
    await reply.getByLabel("Public reply").check();
    await reply.getByLabel("Message").fill(answer);
    await reply.getByLabel("Status after sending").selectOption("pending");
    await reply.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => timeline.getByText(answer).count()).toBe(1);
    expect(await fields.getByLabel("Status").inputValue()).toBe("pending");
    // assign to the second demo agent through the server-built options
    const other = await fields.getByLabel("Assignee").locator("option", { hasText: /./ }).evaluateAll((os) => (os as HTMLOptionElement[]).filter((o) => o.value && !o.selected).map((o) => ({ value: o.value, label: o.textContent })));
    expect(other.length).toBeGreaterThan(0);
    await fields.getByLabel("Assignee").selectOption(other[0]!.value);
    await fields.getByLabel("Status").selectOption("open");
    await fields.getByRole("button", { name: "Update ticket" }).click();
    await expect.poll(() => fields.getByLabel("Assignee").inputValue()).toBe(other[0]!.value);
    expect(await fields.getByLabel("Status").inputValue()).toBe("open");
    expect(await timeline.getByText(`assigned the ticket to ${other[0]!.label}`).count()).toBeGreaterThan(0);
    await screenshot(page, "desk-ticket-nojs");
    await context.close();
  });
});
