/**
 * The Teams pages and the History pages (src/versions/) in a real browser (Debian's chromium through
 * playwright-core, headless) on an appliance listening on loopback: a tenant admin creates a team in
 * the form, edits it, opens its History (two versions, a readable diff), rolls back with the button
 * (a third version), and opens a channel's History after changing its settings, where the credential
 * shows only as "changed". Screenshots at 1280 and 360 px go to test-artifacts/ (teams-*.png,
 * history-*.png); at 360 px nothing is wider than the screen. Any console or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createUser } from "../../src/admin/accounts/users.ts";
import { PASSWORD, tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { openBrowser } from "../support/browser.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");
const TOKEN = "123456:SECRET-never-on-a-page";

let t: TestApp;
let page: Page;
let base: string;
let tenantId: string;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestApp(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: "http://127.0.0.1:9/v1" }] },
      tenants: [
        {
          slug: "acme",
          name: "Acme",
          agents: [
            { slug: "desk", name: "Front desk", models: ["mock/m"], channels: [{ kind: "telegram", name: "acme-tg", mode: "webhook", bot_token: TOKEN, webhook_secret: "hook-secret-value" }] },
            { slug: "billing", name: "Billing", models: ["mock/m"] },
            { slug: "it", name: "IT helpdesk", models: ["mock/m"] },
          ],
        },
      ],
    },
    { listen: true, adapters: {} },
  );
  tenantId = await tenantIdOf(t.app, "acme");
  await createUser(t.app.db, { email: "root@example.com", password: PASSWORD, role: "platform_admin", tenantId: null });
  await createUser(t.app.db, { email: "admin@acme.test", password: PASSWORD, role: "tenant_admin", tenantId });
  base = `http://127.0.0.1:${t.app.server!.port}`;
  let page_;
  ({ page: page_, problems, close: closeBrowser } = await openBrowser());
  page = page_;
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await t?.cleanup();
});

/** One screenshot at 1280 px and one at 360 px (where nothing may be wider than the screen). */
async function shots(name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
  expect(overflow, `${name} at 360 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("teams: create, edit, History with a diff, roll back; a channel's History shows its credential only as changed", async () => {
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("admin@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin**`);

  await page.goto(`${base}/admin/teams/new`);
  await page.getByLabel("Name", { exact: true }).fill("Front office");
  await page.getByLabel("Slug", { exact: true }).fill("front-office");
  await page.getByLabel("Coordinator").selectOption({ label: "Front desk (desk)" });
  await page.getByLabel("Specialists").fill("billing | invoices, refunds and payment questions");
  await shots("teams-new");
  await page.getByRole("button", { name: "Create team" }).click();
  await page.waitForURL(/\/admin\/teams\/[0-9a-f-]{36}/);
  await page.getByLabel("Specialists").fill("billing | invoices, refunds and payment questions\nit | laptops, passwords and VPN");
  await page.getByLabel("Delegations per turn").fill("4");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/flash=saved/);
  await shots("teams-edit");
  await page.goto(`${base}/admin/teams`);
  await page.getByText("Front office").first().waitFor();
  await shots("teams-list");

  await page.goto(`${base}/admin/teams`);
  await page.getByRole("link", { name: "Front office" }).first().click();
  await page.getByRole("link", { name: "History" }).click();
  await page.getByText("Version 2 (current)").waitFor();
  expect(await page.locator("#v2 .diff-table").textContent()).toContain("laptops, passwords and VPN");
  await shots("history-team");
  await page.locator("#v1").getByRole("button", { name: "Roll back to this version" }).click();
  await page.getByText("Version 3 (current)").waitFor();
  expect(await page.locator("#v3 .muted").first().textContent()).toContain("admin@acme.test · rollback");

  await page.goto(`${base}/admin/channels`);
  await page.getByRole("link", { name: "acme-tg" }).first().click();
  await page.getByLabel("In groups").selectOption("all");
  await page.getByLabel("Feedback buttons").selectOption("on");
  await page.getByLabel("Bot token (from @BotFather)").fill("654321:ANOTHER-secret-token");
  await page.getByRole("button", { name: "Save and restart" }).click();
  await page.waitForURL(/flash=/);
  await page.getByRole("link", { name: "History" }).click();
  await page.getByText("Version 2 (current)").waitFor();
  const v2 = (await page.locator("#v2").textContent()) ?? "";
  expect(v2).toContain("settings.groups");
  expect(v2).toContain("secret bot_token");
  expect(v2).toContain("changed");
  const html = await page.content();
  for (const secret of [TOKEN, "ANOTHER-secret-token", "hook-secret-value"]) expect(html).not.toContain(secret);
  await shots("history-channel");
  expect(problems).toEqual([]);
}, 120_000);
