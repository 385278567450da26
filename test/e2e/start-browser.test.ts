/**
 * The first 15 minutes in a real browser (Debian's chromium, playwright-core, headless), from an
 * empty appliance whose only configuration is the LLM provider (the aimock server): /setup →
 * Getting started → a tenant → an AI employee hired from a template → the web chat → the first
 * answer, every step turning green on /admin/start. Clicks are counted (at most 15); the page is
 * saved at 1280 and 360 px as test-artifacts/start-path-*.png.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Locator, type Page } from "playwright-core";
import { startTestApp, type TestApp } from "../support/app.ts";
import { openBrowser } from "../support/browser.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");

let llm: LlmMock;
let t: TestApp;
let browser: BrowserContext;
let page: Page;
let base: string;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;
let clicks = 0;
const click = async (l: Locator) => {
  clicks++;
  await l.click();
};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  llm.on({}, { text: "Hello! I'm your support colleague, happy to help." });
  t = await startTestApp(
    "embedded",
    { server: { host: "127.0.0.1", port: 0 }, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: "sk-test" }] } },
    { listen: true },
  );
  base = `http://127.0.0.1:${t.app.server!.port}`;
  ({ browser, page, problems, close: closeBrowser } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await t?.cleanup();
  await llm?.stop();
});

async function shots(name: string) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
    const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
    expect({ name, width, overflow }).toEqual({ name, width, overflow: 0 });
    await page.screenshot({ path: join(ARTIFACTS, `start-path-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const states = () => page.locator("[data-step]").evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));

async function backToStart() {
  await click(page.getByRole("link", { name: "Dashboard" }));
  await click(page.getByRole("link", { name: /Getting started/ }));
  await page.waitForURL(/\/admin\/start/);
}

test(
  "a newcomer goes from /setup to the first answer in the web chat in at most 15 clicks",
  async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/setup`);
    await page.getByLabel("E-mail").fill("root@example.com");
    await page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
    await page.getByLabel("Repeat password").fill("correct horse battery");
    await click(page.getByRole("button", { name: "Create administrator" }));
    await page.waitForURL(`${base}/admin/start`);
    await shots("1-empty");

    await click(page.getByRole("link", { name: "Create your company's tenant" }));
    await page.getByLabel("Name").fill("Acme");
    await page.getByLabel("Slug").fill("acme");
    await click(page.getByRole("button", { name: "Create tenant" }));
    await page.waitForURL(/\/admin\/tenants\/[0-9a-f-]{36}/);
    await backToStart();
    expect(await states()).toEqual(["done", "current", "todo", "todo", "todo"]);
    await shots("2-tenant");

    await click(page.getByRole("link", { name: "Hire from template" }));
    await click(page.getByRole("link", { name: /^Hire / }).first());
    // The template fills everything but the model chain on a tenant without an AI employee yet.
    await page.getByLabel("Model chain").fill("mock/m");
    await click(page.getByRole("button", { name: "Create AI employee" }));
    await page.getByText("Created.").waitFor();
    await backToStart();
    expect(await states()).toEqual(["done", "done", "current", "todo", "todo"]);
    await shots("3-hired");

    // A second tab stays on the path: its steps poll themselves (htmx, every 3 s) and turn green without a reload.
    const watcher = await browser.newPage();
    await watcher.goto(`${base}/admin/start`);
    expect(await watcher.locator('[data-step="4"]').getAttribute("data-state")).toBe("todo");

    await click(page.getByRole("link", { name: "try the web chat now" }));
    await page.getByLabel("Message").fill("hello, can you help?");
    await click(page.getByRole("button", { name: "Send" }));
    await page.locator("#chat-log .msg.assistant").getByText(/happy to help/).waitFor({ timeout: 20_000 });
    await watcher.locator('[data-step="5"][data-state="done"]').waitFor({ timeout: 15_000 });
    await watcher.getByRole("heading", { name: "Next steps" }).waitFor();
    await watcher.close();
    // Done: the dashboard no longer links the path; the page itself stays at its address.
    await click(page.getByRole("link", { name: "Dashboard" }));
    await page.getByText("Messages today").waitFor();
    expect(await page.getByRole("link", { name: /Getting started/ }).count()).toBe(0);
    await page.goto(`${base}/admin/start`);
    expect(await states()).toEqual(["done", "done", "done", "done", "done"]);
    await page.getByRole("heading", { name: "Next steps" }).waitFor();
    await shots("4-first-answer");

    expect(clicks).toBeLessThanOrEqual(15);
    expect(problems).toEqual([]);
  },
  180_000,
);
