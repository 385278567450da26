/**
 * The admin console in a real browser (Debian's chromium, or KTEST_CHROMIUM, driven by playwright-core, headless), on a
 * real appliance listening on loopback with the Telegram emulator and the LLM mock as its peers:
 * first run → create the admin → create a tenant → add the LLM provider → design an AI employee →
 * connect a Telegram bot → a user writes through the emulator → the conversation shows in the UI
 * → the usage page shows the call; plus the web chat, the audit log and a 360 px layout check.
 * A screenshot of every page goes to test-artifacts/; any console error or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");
const CHROMIUM = process.env.KTEST_CHROMIUM ?? "/usr/bin/chromium";

let llm: LlmMock;
let tg: TelegramShim;
let t: TestApp;
let browser: BrowserContext;
let page: Page;
let base: string;
let profile: string;
const problems: string[] = [];
/** Set while the test provokes a validation error: the browser logs the 400 answer of that one form post. */
let expecting400 = false;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  llm.on({}, { text: "Hello! I'm **Ada**, happy to help.", usage: { promptTokens: 120, completionTokens: 30 } });
  tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
  t = await startTestApp(
    "embedded",
    { server: { host: "127.0.0.1", port: 0 }, llm: { prices: { "mock/m": { input_per_mtok: 1000, output_per_mtok: 2000 } } } },
    { listen: true },
  );
  base = `http://127.0.0.1:${t.app.server!.port}`;
  profile = mkdtempSync(join(tmpdir(), "konstruct-chromium-"));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (expecting400 && m.text().includes("status of 400")) return;
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
  await tg?.stop();
  await llm?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The Getting started page at 1280 and at 360 px (nothing wider than the screen), as test-artifacts/start-<name>-<width>.png. */
async function startShots(name: string) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
    const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
    expect({ name, width, overflow }).toEqual({ name, width, overflow: 0 });
    await page.screenshot({ path: join(ARTIFACTS, `start-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function shot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
}

test(
  "a newcomer sets up everything in the browser and sees a Telegram conversation and its cost",
  async () => {
    // First run: every page leads to the setup page.
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe("/setup");
    await shot("01-setup");
    await page.getByLabel("E-mail").fill("root@example.com");
    await page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
    await page.getByLabel("Repeat password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create administrator" }).click();
    // Setup lands on Getting started: step 1 (a tenant) is the current one.
    await page.waitForURL(`${base}/admin/start`);
    await page.getByText("There is no tenant yet.").waitFor();
    expect(await page.locator('[data-step="1"]').getAttribute("data-state")).toBe("current");
    await startShots("01-empty");
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("link", { name: /Getting started/ }).waitFor();
    await shot("02-dashboard-empty");

    // Tenant.
    await page.getByRole("link", { name: "Tenants" }).click();
    await page.getByRole("link", { name: "New tenant" }).click();
    await page.getByLabel("Name").fill("Acme");
    await page.getByLabel("Slug").fill("acme");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await page.waitForURL(/\/admin\/tenants\/[0-9a-f-]{36}/);
    await page.getByRole("link", { name: "Tenants" }).click();
    await page.getByRole("cell", { name: "acme", exact: true }).waitFor();
    await shot("03-tenants");

    // The LLM provider (the aimock server), and its test button.
    await page.getByRole("link", { name: "Providers" }).click();
    await page.getByRole("link", { name: "Add a platform provider" }).click();
    await page.getByLabel("Id").fill("mock");
    await page.getByLabel("Base URL").fill(llm.url);
    await page.getByRole("button", { name: "Add provider" }).click();
    await page.waitForURL(/\/admin\/providers\/mock/);
    await page.getByRole("link", { name: "Providers" }).click();
    await page.getByRole("button", { name: "Test mock" }).click();
    await page.getByText(/✓ \d+ model\(s\) available/).waitFor();
    await shot("04-providers");

    // Agent Designer: a validation error is shown next to its field, then the AI employee is created.
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByRole("link", { name: "New AI employee" }).first().click();
    await page.getByLabel("Name", { exact: true }).fill("Ada");
    await page.getByLabel("Slug").fill("ada");
    await page.getByLabel("Role").fill("support engineer");
    await page.getByLabel("Persona").fill("friendly and concise");
    await page.getByLabel("Model chain").fill("not-a-model");
    expecting400 = true;
    await page.getByRole("button", { name: "Create AI employee" }).click();
    await page.getByText("each entry must be provider_id/model").waitFor();
    expecting400 = false;
    await shot("05-agent-validation");
    await page.getByLabel("Model chain").fill("mock/m");
    await page.getByLabel("Daily budget (USD)").fill("5");
    await page.getByLabel("Escalation rules").fill("refunds over $100 go to a human");
    await page.getByRole("button", { name: "Create AI employee" }).click();
    await page.getByText("Created.").waitFor();
    await shot("06-agent");

    // Connect the Telegram bot (pointed at the emulator), then test the connection.
    await page.getByRole("link", { name: "Connect Telegram" }).click();
    await page.getByLabel("Name").fill("acme-tg");
    await page.getByLabel("Bot token (from @BotFather)").fill(tg.token);
    await page.getByLabel("Bot API root").fill(tg.apiRoot);
    await shot("07-channel-new");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByText("Saved; the connection was restarted.").waitFor();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("✓ connected as @AcmeAdaBot").waitFor();
    expect(await page.content()).not.toContain(tg.token);
    await shot("08-channel");

    // The Slack connect page: manifest with this connection's request URL.
    await page.getByRole("link", { name: "Channels" }).click();
    await page.getByRole("link", { name: "Connect Slack" }).click();
    await page.getByText("Slack app manifest (YAML)").click();
    expect(await page.locator("pre.code").textContent()).toMatch(/request_url: \/hooks\/slack\/[0-9a-f-]{36}/);
    await shot("09-channel-slack");

    // A user writes to the bot through the Telegram emulator; the appliance answers.
    await tg.userSends(4242, "hello Ada, can you help?");
    const [reply] = await tg.waitForReplies(4242, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toContain("I'm Ada");

    // The conversation shows in the UI, with the LLM call expandable in the transcript.
    await page.getByRole("link", { name: "Conversations" }).click();
    await page.getByRole("cell", { name: "acme-tg (telegram)" }).waitFor();
    await shot("10-conversations");
    await page.locator("table a").first().click();
    await page.getByText("hello Ada, can you help?").waitFor();
    await page.getByText("LLM call").first().click();
    await page.getByText("120 prompt + 30 completion").waitFor();
    await shot("11-transcript");

    // Usage shows the call and its cost (120 × $1000/M + 30 × $2000/M = $0.18).
    await page.getByRole("link", { name: "Usage" }).click();
    await page.getByRole("row", { name: /mock\/m/ }).waitFor();
    expect(await page.getByRole("row", { name: /mock\/m/ }).textContent()).toContain("$0.18");
    expect(await page.locator("svg.chart title").first().textContent()).toContain("Cost per day");
    await shot("12-usage");

    // Audit log, filtered by kind.
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByLabel("Kind").selectOption("llm_call");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText("mock/m ok").first().waitFor();
    await shot("13-audit");

    // Web chat: through the same pipeline, the reply appears without reloading.
    await page.getByRole("link", { name: "Web chat" }).click();
    await page.getByLabel("Message").fill("hi from the browser");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator("#chat-log .msg.assistant").getByText(/happy to help/).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel("Message").inputValue()).toBe("");
    await shot("14-chat");

    // Getting started: every step done once the first answer went out, next steps shown.
    await page.goto(`${base}/admin/start`);
    await page.getByRole("heading", { name: "Next steps" }).waitFor();
    expect(await page.locator("[data-step]").evaluateAll((els) => els.map((e) => e.getAttribute("data-state")))).toEqual(["done", "done", "done", "done", "done"]);
    await startShots("02-done");

    // Dashboard with figures.
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByText("Messages today").waitFor();
    await shot("15-dashboard");

    // The remaining pages of the navigation.
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByRole("cell", { name: "support engineer" }).waitFor();
    await shot("17-agents");
    await page.getByRole("link", { name: "Channels" }).click();
    await page.getByRole("cell", { name: "acme-tg" }).waitFor();
    await shot("18-channels");
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByText("root@example.com").first().waitFor();
    await shot("19-users");
    await page.getByRole("link", { name: "API tokens" }).click();
    await shot("20-tokens");
    await page.goto(`${base}/admin/api`);
    await shot("21-api-docs");

    // Sign out, and back in through the login page.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(`${base}/admin/usage`);
    await page.waitForURL(/\/login\?next=/);
    await shot("22-login");
    await page.getByLabel("E-mail").fill("root@example.com");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/admin/usage`);

    // 360 px: nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 800 });
    for (const path of ["/admin", "/admin/agents", "/admin/conversations", "/admin/usage", "/admin/channels"]) {
      await page.goto(`${base}${path}`);
      const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
    }
    await page.goto(`${base}/admin/usage`);
    await shot("16-usage-360px");

    expect(problems).toEqual([]);
  },
  180_000,
);
