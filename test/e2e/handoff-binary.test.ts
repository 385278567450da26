/**
 * Issue 13's walk-through from the COMPILED binary, with screenshots: `konstruct serve` on the
 * embedded database polls the Telegram emulator for two tenants (one bot each); console accounts are
 * made with `konstruct admin create` (between a first start, which provisions the tenants from the
 * config, and a second). An Acme user asks for a person in plain words: the model (LLM mock) calls
 * `escalate` and tells the user a person will take over; the conversation waits in the inbox. An
 * operator signs in with Chromium, opens it, takes it and replies — the user gets the reply in
 * Telegram, once, marked as from a person; the user's messages meanwhile reach no model. Returned to
 * the AI, the user's next message is answered by the model exactly once, with the person's reply in
 * its context, and the reloaded handoff page shows the whole story. Globex's tenant admin sees Globex's own waiting chat in the inbox, never Acme's, and
 * Acme's handoff page is refused to them.
 *
 * Screenshots (handoff-binary-*.png) go to `screenshots/` in the test's temp dir and, when
 * KTEST_SCREENSHOTS names a folder, are copied there. Any console or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { PASSWORD } from "../support/admin.ts";
import { eventually } from "../support/app.ts";
import { servedBinary } from "../support/binary.ts";
import { openBrowser, signInPage, type TestBrowser } from "../support/browser.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { testPort } from "../support/ports.ts";

const REASON = "The customer wants a person about a double charge";
const ACME_CHAT = 8301;
const GLOBEX_CHAT = 8302;

let server: ReturnType<typeof servedBinary>;
let llm: LlmMock;
let tg: TelegramShim;
let dir: { path: string; remove(): void };
let shots: string;
let chrome: TestBrowser;
let base: string;
/** Acme's handoff page, as the operator opened it (with its ?tenant=). */
let acmeHandoffUrl = "";

const acmeBot = () => tg.bots[0]!.token;
const globexBot = () => tg.bots[1]!.token;
const chats = () => llm.journal().filter((r) => r.path === "/v1/chat/completions");


beforeAll(async () => {
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "AcmeHandoffBot" }, { username: "GlobexHandoffBot" }] })]);
  dir = tempDir("konstruct-handoff-binary-");
  shots = join(dir.path, "screenshots");
  mkdirSync(shots);
  const port = testPort();
  base = `http://127.0.0.1:${port}`;
  server = servedBinary(dir.path, base);
  const agent = (slug: string, token: string) => ({
    slug, name: slug, models: ["mock/chat"], max_tool_iterations: 4,
    channels: [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }],
  });
  writeFileSync(
    join(dir.path, "konstruct.config.yaml"),
    JSON.stringify({
      security: securityConfig, // the emulators listen on loopback
      server: { host: "127.0.0.1", port },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", acmeBot())] },
        { slug: "globex", name: "Globex", agents: [agent("gus", globexBot())] },
      ],
    }),
  );
  writeFileSync(join(dir.path, "pw"), `${PASSWORD}\n`);
  // Anything unscripted answers this, so a stray model call would show in Telegram as well as the journal.
  llm.replyAll("UNSCRIPTED MODEL ANSWER");
  llm.on({ lastUser: "talk to a real person", hasToolResult: false }, { toolCalls: [{ name: "escalate", arguments: { reason: REASON } }] });
  llm.on({ lastUser: "talk to a real person", toolResult: "escalated:" }, { text: "I have asked a colleague; a person will take over here shortly." });
  llm.on({ lastUser: "Is the refund on its way?" }, { text: "Yes — Maria refunded the second charge of INV-88; it reaches your card within 5 days." });

  // The first start provisions both tenants from the config; accounts need them, and the embedded
  // database belongs to one process at a time.
  await server.serve();
  await server.stop();
  // Without a platform admin the console offers first-run set-up instead of sign-in.
  server.createAccount("root@example.com", "platform_admin");
  server.createAccount("maria@acme.test", "operator", "acme");
  server.createAccount("gina@globex.test", "tenant_admin", "globex");
  await server.serve();
  chrome = await openBrowser();
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await server?.stop();
  await Promise.all([llm?.stop(), tg?.stop()]);
  const keep = process.env.KTEST_SCREENSHOTS;
  if (keep && shots) {
    mkdirSync(keep, { recursive: true });
    for (const f of readdirSync(shots)) copyFileSync(join(shots, f), join(keep, f));
  }
  dir?.remove();
});

const shot = (name: string) => chrome.page.screenshot({ path: join(shots, `handoff-binary-${name}.png`), fullPage: true });
const said = (chat: number, text: string, token: string) =>
  eventually(() => tg.botReplies(chat, token).find((r) => r.visible === text), 20_000, `reply '${text}'`);

const signIn = (email: string) => signInPage(chrome, base, email, PASSWORD);

test("a Telegram user asks for a person: the model escalates, the user is told, the chat waits in the inbox", async () => {
  await tg.userSends(ACME_CHAT, "Please, I want to talk to a real person about INV-88", { token: acmeBot() });
  await said(ACME_CHAT, "I have asked a colleague; a person will take over here shortly.", acmeBot());
  // Globex has a waiting chat of its own (by /human: no model call), to show the inboxes apart.
  await tg.userSends(GLOBEX_CHAT, "/human", { token: globexBot() });
  await said(GLOBEX_CHAT, HUMAN_TEXT.escalated, globexBot());

  await signIn("maria@acme.test");
  const { page } = chrome;
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await page.getByRole("link", { name: new RegExp(REASON) }).waitFor();
  await page.getByText(/waiting \d+ min/).first().waitFor();
  expect(await page.getByRole("link", { name: /asked for a person/ }).count()).toBe(0); // Globex's /human
  await shot("01-inbox-waiting");
  expect(chrome.problems).toEqual([]);
}, 60_000);

test("the operator takes it and replies; the user gets it once; held messages reach no model; returned, the AI answers once", async () => {
  const { page } = chrome;
  await page.getByRole("link", { name: new RegExp(REASON) }).click();
  await page.getByText("Please, I want to talk to a real person about INV-88").waitFor();
  acmeHandoffUrl = page.url();
  const asked = chats().length;

  // Waiting: the user's message is kept for the person and no model is asked.
  await tg.userSends(ACME_CHAT, "It was charged twice on Monday.", { token: acmeBot() });
  await page.getByText("It was charged twice on Monday.").waitFor({ timeout: 15_000 }); // live, without a reload
  await page.getByRole("button", { name: "Take it" }).click();
  await page.getByText("You own this conversation now").waitFor();
  await page.getByLabel("Reply to the user (sent through their channel)").fill("I refunded the second charge of INV-88.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await page.getByText("Reply sent to the user.").waitFor();
  await said(ACME_CHAT, "maria (human): I refunded the second charge of INV-88.", acmeBot());

  // Taken: still no model for the user's messages.
  await tg.userSends(ACME_CHAT, "Thank you, Maria!", { token: acmeBot() });
  await page.getByText("Thank you, Maria!").waitFor({ timeout: 15_000 });
  await shot("02-taken-and-replied");
  await Bun.sleep(1000); // a model call or a bot answer would have happened by now
  expect(chats()).toHaveLength(asked);
  expect(JSON.stringify(llm.journal())).not.toContain("charged twice on Monday");
  expect(tg.botReplies(ACME_CHAT, acmeBot()).map((r) => r.visible)).toEqual([
    "I have asked a colleague; a person will take over here shortly.",
    "maria (human): I refunded the second charge of INV-88.",
  ]);

  await page.getByRole("button", { name: "Return to AI" }).click();
  await page.getByText("Returned to the AI.").waitFor();
  await tg.userSends(ACME_CHAT, "Is the refund on its way?", { token: acmeBot() });
  const answer = "Yes — Maria refunded the second charge of INV-88; it reaches your card within 5 days.";
  await said(ACME_CHAT, answer, acmeBot());
  // A closed handoff's page stops polling; reloaded, it shows the whole story, the AI's answer too.
  await page.reload();
  await page.getByText(answer).waitFor();
  await shot("03-returned-and-ai-answers");
  await Bun.sleep(1500); // a second answer would show
  const replies = tg.botReplies(ACME_CHAT, acmeBot()).map((r) => r.visible);
  expect(replies.filter((r) => r === answer)).toHaveLength(1);
  expect(replies).toHaveLength(3);
  const turn = chats().filter((r) => r.lastUser === "Is the refund on its way?");
  expect(turn).toHaveLength(1);
  expect(chats()).toHaveLength(asked + 1);
  // What the user and the person said meanwhile is in the AI's context.
  expect(JSON.stringify(turn[0]!.messages)).toContain("maria (human): I refunded the second charge of INV-88.");
  expect(JSON.stringify(turn[0]!.messages)).toContain("It was charged twice on Monday.");
  await page.goto(`${base}/admin/inbox?tab=resolved`);
  await page.getByText(/returned to the AI by console:maria@acme.test/).waitFor();
  expect(chrome.problems).toEqual([]);
}, 90_000);

test("Globex's tenant admin sees Globex's chat in the inbox, never Acme's; Acme's handoff page is refused", async () => {
  const { page } = chrome;
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn("gina@globex.test");
  await page.goto(`${base}/admin/inbox?tab=all`);
  await page.getByRole("link", { name: /asked for a person/ }).waitFor();
  const inbox = await page.content();
  expect(inbox).not.toContain(REASON);
  expect(inbox).not.toContain("INV-88");
  await shot("04-other-tenant-inbox");
  const refused = await page.goto(acmeHandoffUrl);
  expect(refused!.status()).toBe(403);
  expect(await page.content()).not.toContain("INV-88");
  // The same id under her own tenant is not found either.
  const own = await page.goto(acmeHandoffUrl.replace(/\?.*$/, ""));
  expect(own!.status()).toBe(404);
  expect(await page.content()).not.toContain("INV-88");
  // The only console errors are the two refusals themselves.
  expect(chrome.problems).toHaveLength(2);
  expect(chrome.problems.every((p) => /status of 40[34]/.test(p))).toBe(true);
  expect(readdirSync(shots).sort()).toEqual([
    "handoff-binary-01-inbox-waiting.png",
    "handoff-binary-02-taken-and-replied.png",
    "handoff-binary-03-returned-and-ai-answers.png",
    "handoff-binary-04-other-tenant-inbox.png",
  ]);
}, 60_000);
