/**
 * The sign-in pages in Chromium (Debian's, playwright-core, headless), against the spec-built OIDC
 * provider and a real SMTP server on loopback: the login page with "Sign in with Corp SSO", the
 * whole OIDC round trip by clicks, a refusal page, and the password-reset request. Each page is
 * saved at 1280 and 360 px (no horizontal overflow) as test-artifacts/signin-*.png.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { type ConsoleFixture, consoleFixture } from "../support/admin.ts";
import { openBrowser } from "../support/browser.ts";
import { type OidcProvider, startOidcProvider } from "../support/oidc.ts";
import { startSmtp } from "../support/smtp.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");

let f: ConsoleFixture;
let idp: OidcProvider;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let browser: BrowserContext;
let page: Page;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;
let base: string;
const redirectUris: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  idp = startOidcProvider({ redirectUris });
  smtp = await startSmtp();
  f = await consoleFixture(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      smtp: { host: "127.0.0.1", port: smtp.port, from: "Konstruct <noreply@example.com>" },
      admin: {
        oidc: {
          name: "Corp SSO",
          issuer: idp.issuer,
          client_id: idp.clientId,
          client_secret: idp.clientSecret,
          mappings: [{ value: "acme-admins", role: "tenant_admin", tenant: "acme" }],
        },
      },
    },
    { listen: true },
  );
  base = `http://127.0.0.1:${f.app().server!.port}`;
  redirectUris.push(`${base}/login/oidc/callback`);
  ({ browser, page, problems, close: closeBrowser } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await f?.cleanup();
  await smtp?.stop();
  idp?.stop();
});

async function shots(name: string) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
    const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
    expect({ name, width, overflow }).toEqual({ name, width, overflow: 0 });
    await page.screenshot({ path: join(ARTIFACTS, `signin-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("login page with the SSO button; the OIDC round trip by clicks; a refusal; the reset request", async () => {
  await page.goto(`${base}/login`);
  const sso = page.getByRole("link", { name: "Sign in with Corp SSO" });
  await expect(sso.isVisible()).resolves.toBe(true);
  // Keyboard: e-mail, password, Sign in, Forgot, then the SSO link.
  await page.getByLabel("E-mail").focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  expect(await page.evaluate("document.activeElement?.textContent")).toBe("Sign in with Corp SSO");
  await shots("login");

  idp.user = { sub: "emp-1", email: "dana@acme.test", groups: ["acme-admins"] };
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/admin`);
  expect(await page.textContent("body")).toContain("dana@acme.test");
  await shots("oidc-signed-in");

  await browser.clearCookies();
  idp.user = { sub: "emp-2", email: "eve@corp.test", groups: ["everyone"] };
  await page.goto(`${base}/login`);
  await sso.click();
  await page.waitForURL(/\/login\/oidc\/callback/);
  expect(await page.getByRole("alert").textContent()).toContain("no console role is mapped to your groups");
  await shots("oidc-refused");

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.waitForURL(`${base}/login/forgot`);
  await page.getByLabel("E-mail").fill(f.emails.operator);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status").textContent()).resolves.toContain("If that address has an account");
  await shots("reset-request");
  // The refusal page is answered with 401 on purpose; Chromium logs that status, nothing else may show.
  expect(problems.filter((p) => !/status of 401 .*\/login\/oidc\/callback/.test(p))).toEqual([]);
}, 120_000);
