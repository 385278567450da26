/**
 * The Agent Designer's preview in a real browser (Debian's chromium, or KTEST_CHROMIUM, through
 * playwright-core, headless) on an appliance listening on loopback with the LLM mock: a tenant admin
 * edits the persona without saving, asks in the test panel (htmx posts the whole form), gets the
 * answer with its usage and the rendered prompt, asks again comparing a second model side by side,
 * and the saved persona is unchanged. Screenshots at 1280 and 360 px go to test-artifacts/
 * (preview-*.png); at 360 px nothing is wider than the screen. Any console or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Page } from "playwright-core";
import { createUser } from "../../src/admin/accounts/users.ts";
import { agents } from "../../src/db/schema/index.ts";
import { PASSWORD, tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { openBrowser } from "../support/browser.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");

let llm: LlmMock;
let t: TestApp;
let browser: BrowserContext;
let page: Page;
let base: string;
let tenantId: string;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  llm.on({}, { text: "Ahoy, keeper speaking.", usage: { promptTokens: 120, completionTokens: 8 } });
  llm.on({ model: "m2" }, { text: "Hello from the second model.", usage: { promptTokens: 120, completionTokens: 6 } });
  t = await startTestApp(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], persona: "Calm." }] }],
    },
    { listen: true },
  );
  tenantId = await tenantIdOf(t.app, "acme");
  await createUser(t.app.db, { email: "root@example.com", password: PASSWORD, role: "platform_admin", tenantId: null });
  await createUser(t.app.db, { email: "admin@acme.test", password: PASSWORD, role: "tenant_admin", tenantId });
  base = `http://127.0.0.1:${t.app.server!.port}`;
  ({ browser, page, problems, close: closeBrowser } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await t?.cleanup();
  await llm?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `preview-${name}.png`), fullPage: true });

test("a tenant admin tries an unsaved persona, compares two models, and nothing is saved", async () => {
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("admin@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin**`);
  const [ada] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents));
  await page.goto(`${base}/admin/agents/${ada!.id}`);
  await page.getByLabel("Persona", { exact: true }).fill("Talks like a lighthouse keeper.");
  await page.getByLabel("Test message", { exact: true }).fill("Who are you?");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Ahoy, keeper speaking.").first().waitFor();
  expect(String(llm.journal().at(-1)!.messages[0]!.content)).toContain("Persona: Talks like a lighthouse keeper.");
  await page.getByText("120 in / 8 out").waitFor();
  await page.locator("summary", { hasText: "System prompt" }).first().click();
  await page.locator(".preview-system").first().waitFor();
  expect(await page.locator(".preview-system").first().textContent()).toContain("lighthouse keeper");
  await shot("1280");

  await page.getByLabel("Test message", { exact: true }).fill("And again?");
  await page.getByLabel("Compare with").fill("mock/m2");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Hello from the second model.").waitFor();
  expect(await page.locator(".preview-run").count()).toBe(2);
  // The first exchange rode along in the page: the model saw it.
  expect(llm.journal().at(-1)!.messages.some((m) => m.content === "Ahoy, keeper speaking.")).toBe(true);

  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
  expect(overflow).toBeLessThanOrEqual(0);
  await shot("360");

  const [row] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ persona: agents.persona }).from(agents));
  expect(row!.persona).toBe("Calm.");
  expect(problems).toEqual([]);
}, 120_000);
