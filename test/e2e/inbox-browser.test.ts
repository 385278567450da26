/**
 * The inbox in a real browser (Debian's chromium, or KTEST_CHROMIUM, through playwright-core,
 * headless) on an appliance listening on loopback, with the Telegram emulator as the user's side:
 * a user types /human; an operator signs in, finds it waiting in the inbox, opens it, takes it,
 * leaves an internal note, replies (the user gets it in Telegram), sees the user's next message
 * appear without reloading (htmx polling), and returns the chat to the AI. Screenshots at 1280 and
 * 360 px go to test-artifacts/ (inbox-*.png); at 360 px nothing is wider than the screen. Any
 * console or page error fails.
 *
 * Then canned replies: a tenant admin adds one on /admin/inbox/canned by keyboard, takes a waiting
 * chat, types a greeting, picks the canned reply from the menu under the reply box with the keyboard
 * and presses Insert (htmx swaps in only the box: the greeting stays, the canned text follows), adds
 * to it and sends it; the user gets it in Telegram, line breaks kept (inbox-canned-*.png).
 *
 * Then the keyboard: `?` opens the shortcuts' help (Esc closes it), j / k move through the waiting list
 * (the choice survives the list's polling), Enter opens one, a takes it, r focuses the reply box (keys
 * typed there are text, not shortcuts), e returns it to the AI (inbox-keys-*.png).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Page } from "playwright-core";
import { createUser } from "../../src/admin/accounts/users.ts";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { PASSWORD } from "../support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { openBrowser } from "../support/browser.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");

let llm: LlmMock;
let tg: TelegramShim;
let t: TestApp;
let browser: BrowserContext;
let page: Page;
let base: string;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  llm = await startLlmMock();
  llm.on({}, { text: "Ada here, happy to help again." });
  tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
  t = await startTestApp(
    "embedded",
    {
      server: { host: "127.0.0.1", port: 0 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "acme-tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
    },
    { listen: true },
  );
  const { tenantId } = await t.channel("acme", "acme-tg");
  await createUser(t.app.db, { email: "root@example.com", password: PASSWORD, role: "platform_admin", tenantId: null });
  await createUser(t.app.db, { email: "maria@acme.test", password: PASSWORD, role: "operator", tenantId });
  await createUser(t.app.db, { email: "lea@acme.test", password: PASSWORD, role: "tenant_admin", tenantId });
  base = `http://127.0.0.1:${t.app.server!.port}`;
  ({ browser, page, problems, close: closeBrowser } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await t?.cleanup();
  await tg?.stop();
  await llm?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `inbox-${name}.png`), fullPage: true });
const cannedShot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `inbox-canned-${name}.png`), fullPage: true });
const keysShot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `inbox-keys-${name}.png`), fullPage: true });
const CANNED = "Refunds reach your card within 5 working days.";
async function cannedAt360(name: string) {
  await page.setViewportSize({ width: 360, height: 800 });
  await noOverflow();
  await cannedShot(name);
  await page.setViewportSize({ width: 1280, height: 900 });
}
async function noOverflow() {
  const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
  expect(overflow).toBeLessThanOrEqual(0);
}

test("an operator takes a chat from the inbox, answers in Telegram, sees new messages live, returns it", async () => {
  await tg.userSends(4301, "/human");
  await eventually(() => tg.botReplies(4301).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
  await tg.userSends(4301, "My invoice INV-77 is charged twice.");

  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("maria@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin`);
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await page.getByText(/waiting \d+ min/).waitFor();
  await shot("01-waiting-1280");
  await page.setViewportSize({ width: 360, height: 800 });
  await noOverflow();
  await shot("02-waiting-360");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("link", { name: /asked for a person/ }).click();
  await page.getByText("My invoice INV-77 is charged twice.").waitFor();
  await page.getByRole("button", { name: "Take it" }).click();
  await page.getByText("You own this conversation now").waitFor();
  await page.getByLabel("Internal note (never sent to the user)").fill("Check the payment provider first.");
  await page.getByRole("button", { name: "Add note" }).click();
  await page.getByText("Check the payment provider first.").waitFor();
  await page.getByLabel("Reply to the user (sent through their channel)").fill("I refunded the second charge of INV-77.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await page.getByText("Reply sent to the user.").waitFor();
  await eventually(() => tg.botReplies(4301).find((r) => r.visible === "maria (human): I refunded the second charge of INV-77."), 10_000, "reply in Telegram");
  expect(tg.botReplies(4301).filter((r) => r.visible.includes("payment provider"))).toHaveLength(0);

  // The user's next message appears without a reload (polling every 3 s).
  await tg.userSends(4301, "Thank you, all good now!");
  await page.getByText("Thank you, all good now!").waitFor({ timeout: 15_000 });
  await shot("03-conversation-1280");
  await page.setViewportSize({ width: 360, height: 800 });
  await noOverflow();
  await shot("04-conversation-360");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("button", { name: "Return to AI" }).click();
  await page.getByText("Returned to the AI.").waitFor();
  await tg.userSends(4301, "One more question");
  await eventually(() => tg.botReplies(4301).find((r) => r.visible === "Ada here, happy to help again."), 10_000, "the AI answers again");
  await page.goto(`${base}/admin/inbox?tab=resolved`);
  await page.getByText(/returned to the AI by console:maria@acme.test/).waitFor();
  await shot("05-resolved-1280");
  expect(problems).toEqual([]);
}, 120_000);

test("a tenant admin saves a canned reply, inserts it by keyboard after a greeting and sends it", async () => {
  await tg.userSends(4401, "/human");
  await eventually(() => tg.botReplies(4401).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
  await tg.userSends(4401, "Where is my refund?");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("lea@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin`);
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await page.getByRole("link", { name: "Canned replies" }).click();
  await page.getByLabel("Title").focus();
  await page.keyboard.type("Refund timeline");
  await page.keyboard.press("Tab");
  await page.keyboard.type(CANNED);
  await page.getByRole("button", { name: "Add" }).focus();
  await page.keyboard.press("Enter");
  await page.getByText("Saved.").waitFor();
  await page.getByText(CANNED).waitFor();
  await cannedShot("01-list-1280");
  await cannedAt360("02-list-360");

  await page.goto(`${base}/admin/inbox`);
  await page.getByRole("link", { name: /asked for a person/ }).click();
  await page.getByText("Where is my refund?").waitFor();
  await page.getByRole("button", { name: "Take it" }).click();
  await page.getByText("You own this conversation now").waitFor();
  const box = page.getByLabel("Reply to the user (sent through their channel)");
  await box.fill("Hello!");
  await page.getByLabel("Canned reply").focus();
  await page.keyboard.press("ArrowDown"); // one option: stays on it
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter"); // Insert
  await eventually(async () => ((await box.inputValue()) === `Hello!\n\n${CANNED}` ? true : undefined), 10_000, "canned text inserted");
  expect(page.url()).not.toContain("canned="); // htmx swapped the box; no reload
  await cannedShot("03-reply-1280");
  await cannedAt360("04-reply-360");
  await box.press("Control+End");
  await page.keyboard.type(" Sorry for the wait.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await page.getByText("Reply sent to the user.").waitFor();
  await eventually(() => tg.botReplies(4401).find((r) => r.visible === `lea (human): Hello!\n\n${CANNED} Sorry for the wait.`), 10_000, "reply in Telegram, line breaks kept");
  expect(tg.botReplies(4401).map((r) => r.visible)).toContain(`lea (human): Hello!\n\n${CANNED} Sorry for the wait.`);
  expect(problems).toEqual([]);
}, 120_000);

test("keyboard: ? shows the shortcuts, j/k move, Enter opens, a takes, r replies, e returns", async () => {
  for (const chat of [4501, 4502]) {
    await tg.userSends(chat, "/human");
    await eventually(() => tg.botReplies(chat).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
  }
  await tg.userSends(4502, "Second chat: please cancel my order.");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill("maria@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/admin`);
  await page.goto(`${base}/admin/inbox`);
  const rows = page.locator("ul.inbox > li");
  await eventually(async () => ((await rows.count()) === 2 ? true : undefined), 10_000, "two waiting");

  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await page.keyboard.press("?");
  await help.waitFor();
  expect(await help.textContent()).toContain("return to the AI");
  await page.keyboard.press("j"); // a dialog is open: not a shortcut
  expect(await page.locator("li[data-current]").count()).toBe(0);
  await keysShot("01-help-1280");
  await page.setViewportSize({ width: 360, height: 800 });
  await noOverflow();
  await keysShot("02-help-360");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "hidden" });

  const hrefs = await rows.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const currentHref = () => page.locator("li[data-current] a").getAttribute("href");
  await page.keyboard.press("j");
  expect(await currentHref()).toBe(hrefs[0]!);
  await page.keyboard.press("j");
  await page.keyboard.press("j"); // stops at the last
  expect(await currentHref()).toBe(hrefs[1]!);
  await page.keyboard.press("k");
  await page.keyboard.press("j");
  expect(await currentHref()).toBe(hrefs[1]!);
  // The list re-renders every 3 s: the choice and the focus stay on the same handoff.
  await Bun.sleep(3_500);
  await eventually(async () => ((await page.evaluate("document.activeElement?.getAttribute('href')")) === hrefs[1] ? true : undefined), 5_000, "focus kept");
  expect(await currentHref()).toBe(hrefs[1]!);
  await keysShot("03-list-1280");

  await page.keyboard.press("Enter");
  await page.waitForURL((u) => `${u.pathname}${u.search}` === hrefs[1]);
  await page.getByText("Second chat: please cancel my order.").waitFor();
  await page.keyboard.press("a");
  await page.getByText("You own this conversation now").waitFor();
  await page.keyboard.press("r");
  const box = page.getByLabel("Reply to the user (sent through their channel)");
  expect(await page.evaluate("document.activeElement?.id")).toBe("f-reply");
  await page.keyboard.type("Your order is cancelled."); // e, r, a typed here are text
  expect(await box.inputValue()).toBe("Your order is cancelled.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await page.getByText("Reply sent to the user.").waitFor();
  await eventually(() => tg.botReplies(4502).find((r) => r.visible === "maria (human): Your order is cancelled."), 10_000, "reply in Telegram");
  await keysShot("04-taken-1280");
  await page.keyboard.press("e");
  await page.getByText("Returned to the AI.").waitFor();
  expect(problems).toEqual([]);
}, 120_000);
