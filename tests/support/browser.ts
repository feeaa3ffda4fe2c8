import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";

export const DEMO_PASSWORD = "demo-password-2026";
export const baseUrl = () => inject("baseUrl");
export const hasBrowser = () => inject("chromiumPath") !== "";
export const screenshotDir = resolve(import.meta.dirname, "../e2e/screenshots");

/** Launches Debian's Chromium the way this machine allows (no sandbox as root, no background network). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject("chromiumPath"),
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

export interface TrackedPage {
  page: Page;
  context: BrowserContext;
  /** console errors and page errors seen so far (a test fails on them). */
  errors: string[];
}

const trackedErrors = new WeakMap<Page, string[]>();

/** A fresh browser context (own cookies) whose console errors are collected. */
export async function openPage(browser: Browser, options: { width?: number; height?: number } = {}): Promise<TrackedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  trackedErrors.set(page, errors);
  return { page, context, errors };
}

/**
 * Signs in through the form. Every browser test comes from 127.0.0.1, so the suite can empty the
 * sign-in rate limit's per-IP bucket (20, one more every 6 s; app/modules/auth/rate-limit.server.ts):
 * then the form says "Too many sign-in attempts. Try again in N seconds." and this waits as a person
 * would and tries again. The 429's "Failed to load resource" console line is expected then and
 * taken off the page's tracked errors.
 */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const limitMessage = page.getByText(/Too many sign-in attempts/);
    const outcome = await Promise.race([
      page.waitForURL((url) => !url.pathname.startsWith("/login")).then(
        () => "signed-in" as const,
        () => "timeout" as const,
      ),
      limitMessage.waitFor().then(
        () => "limited" as const,
        () => "timeout" as const,
      ),
    ]);
    if (outcome === "signed-in") return;
    if (outcome === "timeout" || attempt >= 4) throw new Error(`Sign-in of ${email} did not complete (${outcome}, attempt ${attempt})`);
    const seconds = Number(/Try again in (\d+) seconds/.exec((await limitMessage.textContent()) ?? "")?.[1] ?? 6);
    const errors = trackedErrors.get(page);
    if (errors) errors.splice(0, errors.length, ...errors.filter((e) => !e.includes("429")));
    await page.waitForTimeout((Math.min(seconds, 40) + 1) * 1000);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page (injected through the DevTools protocol, so the page's CSP does
 * not block it) and returns the serious and critical violations, summarized.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const { readFileSync } = await import("node:fs");
  const { createRequire } = await import("node:module");
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(`${axeSource}\n;0`);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(", ")})`);
}
