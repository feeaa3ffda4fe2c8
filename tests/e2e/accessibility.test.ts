import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasBrowser, launchBrowser, openPage, screenshot, seriousA11yViolations, signIn } from "../support/browser";

// axe-core on every main page: no serious or critical violations, in light and dark themes.
const pages: { who: string | null; paths: string[] }[] = [
  { who: null, paths: ["/login", "/forgot-password", "/help", "/help/faq", "/help/search?q=invoice"] },
  { who: "alice@acme.test", paths: ["/portal", "/portal/tickets/new", "/portal/tickets/1", "/account"] },
  { who: "agent@demo.test", paths: ["/desk", "/desk/views/all-open", "/desk/tickets/1", "/desk/customers"] },
  { who: "admin@demo.test", paths: ["/admin/users", "/admin/organizations", "/admin/mailbox", "/admin/groups", "/admin/macros"] },
];

describe.runIf(hasBrowser())("accessibility (axe-core in Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const group of pages) {
      it(`${group.who ?? "signed out"} (${scheme}): ${group.paths.join(", ")}`, async () => {
        const { page, context } = await openPage(browser);
        await page.emulateMedia({ colorScheme: scheme });
        if (group.who) await signIn(page, group.who);
        const problems: string[] = [];
        for (const path of group.paths) {
          const response = await page.goto(path);
          expect(response?.status(), path).toBeLessThan(400);
          for (const v of await seriousA11yViolations(page)) problems.push(`${path}: ${v}`);
          if (scheme === "dark") await screenshot(page, `dark${path.replace(/\//g, "-")}`);
        }
        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }
});
