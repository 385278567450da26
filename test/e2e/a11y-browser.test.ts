/**
 * Accessibility walk (axe-core in Debian's Chromium through playwright-core): every console page
 * with no path parameter — discovered from the route table, so a page added later is walked too —
 * plus the detail pages of a seeded tenant and AI employee, and the sign-in page. Each is checked
 * in English/light and German/dark at 1280 and 360 px: no serious or critical axe violation, no
 * horizontal scroll (the page no wider than the screen), no console or page error, and no raw
 * catalogue key (`area.word`) on the page. Screenshots: test-artifacts/a11y-<page>-<lang>-<scheme>-<width>.png.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createUser } from "../../src/admin/accounts/users.ts";
import { ADMIN_ROUTES } from "../../src/admin/routes.ts";
import { en } from "../../src/i18n/catalog/en.ts";
import { eq } from "drizzle-orm";
import { agents } from "../../src/db/schema/index.ts";
import { PASSWORD, tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { openBrowser, type TestBrowser } from "../support/browser.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** Parameterless GETs that are not pages: polled fragments and downloads. */
const NOT_PAGES = new Set(["/admin/start/steps", "/admin/inbox/list", "/admin/audit.csv", "/admin/audit.json", "/admin/people/export"]);
const KEYS = new Set(Object.keys(en).map((k) => k.replace(/_(one|other)$/, "")));

let llm: LlmMock;
let t: TestApp;
let b: TestBrowser;
let base: string;
let pages: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  t = await startTestApp(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] }],
    },
    { listen: true },
  );
  await createUser(t.app.db, { email: "root@example.com", password: PASSWORD, role: "platform_admin", tenantId: null });
  base = `http://127.0.0.1:${t.app.server!.port}`;
  b = await openBrowser();
  const plain = ADMIN_ROUTES.filter((r) => r.method === "GET" && r.path.startsWith("/admin") && !r.path.includes(":") && !NOT_PAGES.has(r.path)).map((r) => r.path);
  pages = ["/login", ...plain];
}, 120_000);

afterAll(async () => {
  await b?.close();
  await t?.cleanup();
  await llm?.stop();
});

const slug = (path: string) => (path === "/admin" ? "dashboard" : path.replace(/^\/(admin\/)?/, "").replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "") || "home");

interface Finding {
  page: string;
  view: string;
  violations: string[];
}

/** `axe: false`: only the page's width is checked (German at 360 px: its longer words, not new markup). */
async function check(page: Page, path: string, view: { lang: "en" | "de"; scheme: "light" | "dark"; width: number; axe?: boolean }): Promise<Finding> {
  await page.setViewportSize({ width: view.width, height: view.width === 360 ? 800 : 900 });
  await page.emulateMedia({ colorScheme: view.scheme });
  await page.setExtraHTTPHeaders({ "accept-language": view.lang });
  const res = await page.goto(`${base}${path}`);
  expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
  const name = `${slug(path)}-${view.lang}-${view.scheme}-${view.width}`;
  let result: { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] } = { violations: [] };
  if (view.axe !== false) {
    await page.evaluate(AXE);
    result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as typeof result;
    await page.screenshot({ path: join(ARTIFACTS, `a11y-${name}.png`), fullPage: true });
  }
  const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
  const text = (await page.evaluate("document.body.innerText")) as string;
  const rawKeys = [...text.matchAll(/\b[a-z][a-zA-Z]*\.[a-zA-Z_.]+\b/g)].map((m) => m[0]).filter((w) => KEYS.has(w));
  const violations: string[] = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  // Not an axe rule, but at 360 px a page that scrolls sideways hides its own controls.
  if (overflow > 0) violations.push(`${overflow}px wider than the screen`);
  if (rawKeys.length) violations.push(`raw catalogue keys: ${rawKeys.join(", ")}`);
  if (view.lang === "de") {
    const lang = await page.getAttribute("html", "lang");
    if (lang !== "de") violations.push(`html lang=${lang}`);
  }
  return { page: path, view: name, violations };
}

test("every console page: no serious or critical axe violation and no sideways scroll in en/light and de/dark at 1280 and 360 px", async () => {
  const { page } = b;
  const found: Finding[] = [];
  // Signed out: the sign-in page.
  for (const view of [{ lang: "en", scheme: "light", width: 1280 }, { lang: "de", scheme: "dark", width: 1280 }] as const) found.push(await check(page, "/login", view));
  await page.setExtraHTTPHeaders({ "accept-language": "en" });
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("root@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin/);
  const tenantId = await tenantIdOf(t.app, "acme");
  const [ada] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "ada")));
  const agentId = ada!.id;
  const detail = [`/admin/tenants/${tenantId}`, `/admin/agents/${agentId}`, `/admin/agents/${agentId}/history`, `/admin/knowledge/agents/${agentId}`];
  for (const path of [...pages.filter((p) => p !== "/login"), ...detail]) {
    for (const view of [
      { lang: "en", scheme: "light", width: 1280 },
      { lang: "en", scheme: "light", width: 360 },
      { lang: "de", scheme: "dark", width: 1280 },
      { lang: "de", scheme: "dark", width: 360, axe: false },
    ] as const)
      found.push(await check(page, path, view));
  }
  const bad = found.filter((f) => f.violations.length > 0).map((f) => `${f.view}: ${f.violations.join("; ")}`);
  expect(bad).toEqual([]);
  expect(b.problems).toEqual([]);
  expect(found.length).toBeGreaterThan(60);
}, 900_000);
