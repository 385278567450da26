/**
 * Debian's Chromium for the browser tests (never a downloaded browser): one persistent profile in a
 * temporary folder, the flags this closed network needs, and every console error or page error
 * collected in `problems` so a test can assert the page ran clean.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.KTEST_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface TestBrowser {
  browser: BrowserContext;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "konstruct-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, viewport, args: CHROMIUM_ARGS });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const problems: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()} (${m.location().url})`)));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.setDefaultTimeout(15_000);
  return {
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the console's own form (English labels) and waits for the dashboard. */
export async function signInPage(b: TestBrowser, base: string, email: string, password: string): Promise<void> {
  const { page } = b;
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin`);
}
