import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, hasBrowser, launchBrowser, openPage, screenshot, signIn } from "../support/browser";

// Relies on the demo help content (db/seed/kb.ts, seeded with the demo).
describe.runIf(hasBrowser())("help center (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a customer searches, opens an article and votes", async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, "alice@acme.test");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Help" }).click();
    await page.waitForURL("**/help");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("How can we help?");
    await screenshot(page, "help-home");

    await page.getByRole("searchbox", { name: "Search the help center" }).fill("csv export");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL("**/help/search?q=csv+export");
    const result = page.getByRole("link", { name: "CSV export fails or times out" });
    await expect.poll(() => result.count()).toBe(1);
    expect(await page.locator(".kb-snippet mark").count()).toBeGreaterThan(0);
    await screenshot(page, "help-search");

    await result.click();
    await page.waitForURL("**/help/articles/csv-export-fails");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("CSV export fails or times out");
    expect(await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Troubleshooting" }).count()).toBe(1);

    await page.getByRole("button", { name: "Yes" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /helpful|glad/i }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole("button", { name: "Yes" }).getAttribute("aria-pressed")).toBe("true");
    // Changing the vote, with a comment.
    await page.getByRole("button", { name: "No" }).click();
    await expect.poll(() => page.getByRole("button", { name: "No" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByLabel(/missing or unclear/i).fill("Which columns are high-cardinality?");
    await page.getByRole("button", { name: "Send comment" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: /thanks/i }).count()).toBeGreaterThan(0);
    await screenshot(page, "help-article-voted");
    // The vote is remembered. (Reload only once the fetcher's revalidation has finished: a reload
    // in the middle aborts it, which the browser reports as "signal is aborted without reason".)
    await page.waitForLoadState("networkidle");
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: "No" }).getAttribute("aria-pressed")).toBe("true");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("works signed out, shows only public articles and keeps hostile queries as text", async () => {
    const { page, context, errors } = await openPage(browser);
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto("/help/search?q=" + encodeURIComponent('<img src=x onerror=alert(1)>"sso'));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator("main img").count()).toBe(0);
    // SSO articles are for customers only: not found when signed out, and no hint leaks them.
    await page.goto("/help/search?q=okta");
    await expect.poll(() => page.getByText(/No articles match/).count()).toBe(1);
    const response = await page.goto("/help/articles/saml-sso-okta");
    expect(response?.status()).toBe(404);
    const sitemap = await (await fetch(`${baseUrl()}/sitemap.xml`)).text();
    expect(sitemap).toContain("/help/articles/quick-start-guide");
    expect(sitemap).not.toContain("saml-sso-okta");
    await page.goto("/help/faq");
    await page.getByText("Where can I download invoices and receipts?").click();
    await expect.poll(() => page.getByText(/Settings → Billing → Invoices/).first().isVisible()).toBe(true);
    await screenshot(page, "help-faq");
    expect(dialogs).toBe(0);
    // The 404 above is logged by the browser as a failed resource; nothing else.
    expect(errors.filter((e) => !e.includes("404"))).toEqual([]);
    await context.close();
  });

  it("a customer starting a ticket sees suggested articles", async () => {
    const { page, context, errors } = await openPage(browser);
    // Not bob@acme.test: the password-reset test changes his password on the same server.
    await signIn(page, "dan@globex.test");
    await page.goto("/portal/tickets/new");
    await page.getByLabel("Subject").fill("CSV export keeps timing out");
    const suggestion = page.locator(".kb-suggestions").getByRole("link", { name: /CSV export fails or times out/ });
    await expect.poll(() => suggestion.count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, "ticket-suggestions");
    expect(errors).toEqual([]);
    await context.close();
  });
  it("a reader switches to German, searches in German and sees the fallback notice where no translation exists", async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto("/help/articles/download-invoices");
    const languages = page.getByRole("navigation", { name: "Language" });
    await languages.getByRole("link", { name: "Deutsch" }).click();
    await page.waitForURL("**/help/articles/rechnungen-herunterladen?lang=de");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Wo kann ich Rechnungen und Quittungen herunterladen?");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.locator('link[rel="alternate"][hreflang="x-default"]').getAttribute("href")).toBe(`${baseUrl()}/help/articles/download-invoices`);
    expect(await languages.getByRole("link", { name: "Deutsch" }).getAttribute("aria-current")).toBe("true");
    await screenshot(page, "help-article-german");

    // The choice is remembered: German search, stemmed with the german configuration.
    await page.goto("/help/search?q=Rechnungen");
    const hit = page.getByRole("link", { name: "Wo kann ich Rechnungen und Quittungen herunterladen?" });
    await expect.poll(() => hit.count()).toBe(1);
    await screenshot(page, "help-search-german");
    // The results of a loaded page are server-built markup outside the hydration data: once
    // hydrated, a click on one navigates in the app, and going back shows them again.
    await page.waitForLoadState("networkidle");
    const documents: string[] = [];
    page.on("request", (r) => void (r.resourceType() === "document" && documents.push(r.url())));
    await hit.click();
    await page.waitForURL("**/help/articles/rechnungen-herunterladen**");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Wo kann ich Rechnungen und Quittungen herunterladen?");
    await page.goBack();
    await page.waitForURL("**/help/search?q=Rechnungen");
    await expect.poll(() => hit.count()).toBe(1);
    expect(documents).toEqual([]);

    // No German version yet: the English text with a notice.
    await page.goto("/help/articles/csv-export-fails");
    await expect.poll(() => page.getByRole("note").filter({ hasText: "This article is not yet available in Deutsch" }).count()).toBe(1);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");

    // Back to English.
    await page.getByRole("navigation", { name: "Language" }).getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.getByRole("note").filter({ hasText: "not yet available" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("an agent sees which articles lack which translations and opens the translation editor", async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, "agent@demo.test");
    await page.goto("/desk/kb?missing=de");
    await expect.poll(() => page.getByRole("heading", { name: "Translations" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Translate Where can I download invoices and receipts? into Deutsch" }).count()).toBe(0);
    await screenshot(page, "desk-kb-translations");
    await page.getByRole("link", { name: "Translate CSV export fails or times out into Deutsch" }).click();
    await page.waitForURL("**/translations/de");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Translate into Deutsch");
    await page.getByLabel("Title").fill("CSV-Export schlägt fehl");
    await page.getByLabel("Body (markdown)").fill("## Ursachen\n\nZu viele Spalten.");
    await expect.poll(() => page.getByRole("region", { name: "Preview" }).getByRole("heading", { name: "Ursachen" }).count()).toBe(1);
    await screenshot(page, "desk-kb-translation-editor");
    await page.getByRole("button", { name: "Create translation" }).click();
    await page.waitForURL("**/translations/de?saved=1");
    await expect.poll(() => page.getByRole("link", { name: "View in the help center" }).getAttribute("href")).toBe("/help/articles/csv-export-schlagt-fehl?lang=de");
    expect(errors).toEqual([]);
    await context.close();
  });
});
