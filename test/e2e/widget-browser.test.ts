/**
 * The website chat widget in a real browser (Debian's chromium, or KTEST_CHROMIUM, via playwright-core,
 * headless): a shop page served by a second Bun.serve — another origin than the appliance — embeds the
 * snippet; the visitor opens the bubble, sends a message and sees the LLM mock's reply, exactly once and
 * rendered safely; the shop's hostile CSS does not reach the widget (shadow DOM); the visitor's token
 * survives a reload (localStorage) and the chat is still there; a file picked with the widget's button goes
 * with the next message and the model reads it. The same page from an origin not on the
 * list shows the refusal. Screenshots go to test-artifacts/; any console or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { agents } from "../../src/db/schema/index.ts";
import { saveWidget } from "../../src/widget/store.ts";
import { tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

/** The browser's own getComputedStyle, inside page.evaluate (this file is type-checked without the DOM lib). */
declare const getComputedStyle: (el: unknown) => Record<string, string>;

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");
const CHROMIUM = process.env.KTEST_CHROMIUM ?? "/usr/bin/chromium";

let llm: LlmMock;
let t: TestApp;
let shop: Server<undefined>;
let browser: BrowserContext;
let page: Page;
let profile: string;
let widgetId = "";
const problems: string[] = [];
/** Set while the test provokes the refusal: the browser logs the 403 answer. */
let expecting403 = false;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  llm.on({}, { text: "We are open **9 to 5**, Monday to Friday. <img src=x onerror=alert(1)>" });
  t = await startTestApp(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] }],
    },
    { listen: true },
  );
  const base = `http://127.0.0.1:${t.app.server!.port}`;
  // The shop: another origin (its own port), with CSS that would wreck any widget it could reach.
  shop = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      new Response(
        `<!doctype html><html><head><title>Acme shop</title><style>
          * { font-family: "Comic Sans MS", cursive !important; color: #0f0 !important; }
          button { background: red !important; display: inline !important; width: 5px !important; }
          div, konstruct-chat { border: 5px dashed orange !important; }
        </style></head><body><h1>Acme shop</h1><p>Our products.</p>
        <script src="${base}/widget/${widgetId}.js" async></script></body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      ),
  });
  const tenantId = await tenantIdOf(t.app, "acme");
  const [agent] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents));
  widgetId = await saveWidget(t.app.db, t.app.secrets, t.app.gateway.connections, tenantId, agent!.id, { origins: [`http://127.0.0.1:${shop.port}`], enabled: true });
  profile = mkdtempSync(join(tmpdir(), "konstruct-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1100, height: 800 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (expecting403 && m.text().includes("status of 403")) return;
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => (problems.push(`dialog: ${d.message()}`), d.dismiss()));
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  shop?.stop(true);
  await t?.cleanup();
  await llm?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("a visitor on another origin opens the bubble, writes, and sees the reply once; the shop's CSS stays out", async () => {
  await page.goto(`http://127.0.0.1:${shop.port}/`);
  const bubble = page.locator("[data-konstruct-widget] .bubble");
  await bubble.waitFor();
  expect(await bubble.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(36, 86, 214)");
  expect(await bubble.evaluate((b) => getComputedStyle(b).width)).toBe("56px");
  expect(await page.locator("[data-konstruct-widget]").evaluate((h) => getComputedStyle(h).borderTopWidth)).toBe("0px");
  await page.screenshot({ path: join(ARTIFACTS, "widget-closed.png") });
  await bubble.click();
  const input = page.locator("[data-konstruct-widget] textarea");
  await input.fill("When are you open?");
  await input.press("Enter");
  const reply = page.locator("[data-konstruct-widget] .agent");
  await reply.first().waitFor();
  await expect(reply.first().innerText()).resolves.toContain("We are open 9 to 5, Monday to Friday.");
  expect(await reply.first().locator("b").innerText()).toBe("9 to 5");
  expect(await reply.first().locator("img").count()).toBe(0);
  expect(await page.locator("[data-konstruct-widget] .visitor").innerText()).toBe("When are you open?");
  await page.waitForTimeout(4500); // the next idle poll comes and goes
  expect(await reply.count()).toBe(1);
  expect(llm.journal().filter((j) => j.lastUser?.includes("When are you open?"))).toHaveLength(1);
  await page.screenshot({ path: join(ARTIFACTS, "widget-open.png") });

  // The token is in localStorage: after a reload the same visitor sees the same chat.
  const stored = await page.evaluate((id) => localStorage.getItem(`konstruct-widget:${id}`), widgetId);
  expect(stored).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  await page.reload();
  await page.locator("[data-konstruct-widget] .bubble").click();
  await page.locator("[data-konstruct-widget] .agent").first().waitFor();
  expect(await page.locator("[data-konstruct-widget] .agent").count()).toBe(1);
  expect(problems).toEqual([]);
}, 60_000);

test("the visitor attaches a file with the picker: it goes with the next message, the chat names it, the model reads it", async () => {
  const widget = page.locator("[data-konstruct-widget]");
  const agentLines = await widget.locator(".agent").count();
  await widget.locator("input[type=file]").setInputFiles({ name: "order.txt", mimeType: "text/plain", buffer: Buffer.from("Order 4711: two blue mugs, to ship on Friday.") });
  await expect(widget.locator(".note").innerText()).resolves.toBe("Attached: order.txt");
  await widget.locator("textarea").fill("What is in my order?");
  await widget.locator("textarea").press("Enter");
  await widget.locator(".agent").nth(agentLines).waitFor();
  const mine = widget.locator(".visitor").last();
  expect(await mine.innerText()).toContain("What is in my order?");
  expect(await mine.locator(".files").innerText()).toBe("Attached: order.txt");
  const asked = llm.journal().filter((j) => j.lastUser?.includes("What is in my order?"));
  expect(asked).toHaveLength(1);
  expect(asked[0]!.lastUser).toContain("Order 4711: two blue mugs");
  await page.screenshot({ path: join(ARTIFACTS, "widget-file.png") });
  expect(problems).toEqual([]);
}, 60_000);

test("the same page from an origin not on the list: the widget says why, and nothing reaches the agent", async () => {
  expecting403 = true;
  const calls = llm.journal().length;
  await page.goto(`http://localhost:${shop.port}/`);
  await page.locator("[data-konstruct-widget] .bubble").click();
  await page.locator("[data-konstruct-widget] .error").waitFor();
  expect(await page.locator("[data-konstruct-widget] .error").innerText()).toContain("is not on the chat widget's list of allowed origins");
  await page.screenshot({ path: join(ARTIFACTS, "widget-refused.png") });
  expect(llm.journal().length).toBe(calls);
  expect(problems).toEqual([]);
}, 60_000);
