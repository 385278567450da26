/**
 * Issue 13's "Done when" from the COMPILED binary, answered from Slack, with screenshots: a tenant
 * admin sets Acme's escalation destination to its Slack channel (the Slack emulator) in the console
 * with Chromium; an Acme user talks to the agent in Telegram and asks for a person (the model, the LLM
 * mock, calls `escalate`); the Slack channel gets the notification with *Take it*; a person presses it
 * (a signed interaction to the binary's Slack hook) and replies in the notification's thread (a
 * signed event) — the Telegram user gets it exactly once and no model is asked; the admin returns the
 * chat to the AI in the console and the user's next message is answered by the model once, with the
 * person's reply in its context. The inbox's resolved view and the audit trail show each step with
 * who; Globex's admin sees none of it.
 *
 * Screenshots (handoff-slack-binary-*.png) go to `screenshots/` in the test's temp dir and, when
 * KTEST_SCREENSHOTS names a folder, are copied there. Any console or page error fails.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PASSWORD } from "../support/admin.ts";
import { eventually } from "../support/app.ts";
import { servedBinary, writeBinaryConfig } from "../support/binary.ts";
import { openBrowser, signInPage, type TestBrowser } from "../support/browser.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signedInteraction, type SlackMessage, type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { testPort } from "../support/ports.ts";

const REASON = "The customer wants a person about the broken order 77";
const CHAT = 8401;
const HUMAN = "The replacement for order 77 ships tomorrow; keep the broken one.";
const ANSWER = "Yes: the replacement for order 77 ships tomorrow, and you may keep the broken one.";

let server: ReturnType<typeof servedBinary>;
let llm: LlmMock;
let tg: TelegramShim;
let ws: SlackWorkspace;
let dir: { path: string; remove(): void };
let shots: string;
let chrome: TestBrowser;
let base: string;
/** The binary's Request URL for the Slack channel (read off the destination form's channel choice). */
let hook = "";

const bot = () => tg.bots[0]!.token;
const chats = () => llm.journal().filter((r) => r.path === "/v1/chat/completions");
const said = (text: string) => eventually(() => tg.botReplies(CHAT, bot()).find((r) => r.visible === text), 20_000, `reply '${text}'`);
const replies = () => tg.botReplies(CHAT, bot()).map((r) => r.visible);

/** As Slack delivers: retried while the binary's channel is still starting (503). */
async function slackPost(req: () => Request): Promise<Response> {
  for (let i = 0; ; i++) {
    const res = await fetch(req());
    if (res.status !== 503 || i > 100) return res;
    await Bun.sleep(100);
  }
}

beforeAll(async () => {
  [llm, tg, ws] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "AcmeSlackHandoffBot" }, { username: "GlobexSlackHandoffBot" }] }), startSlackWorkspace({ teamId: "T0ACME" })]);
  dir = tempDir("konstruct-handoff-slack-binary-");
  shots = join(dir.path, "screenshots");
  mkdirSync(shots);
  const port = testPort();
  base = `http://127.0.0.1:${port}`;
  server = servedBinary(dir.path, base);
  const telegram = (token: string) => ({ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot });
  writeBinaryConfig(dir.path, port, llm.url, {
    tenants: [
      {
        slug: "acme", name: "Acme",
        agents: [{ slug: "ada", name: "Ada", models: ["mock/chat"], max_tool_iterations: 4, channels: [
          telegram(tg.bots[0]!.token),
          { kind: "slack", name: "staff", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId },
        ] }],
      },
      { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/chat"], channels: [telegram(tg.bots[1]!.token)] }] },
    ],
  });
  writeFileSync(join(dir.path, "pw"), `${PASSWORD}\n`);
  // Anything unscripted answers this, so a stray model call would show in Telegram as well as the journal.
  llm.replyAll("UNSCRIPTED MODEL ANSWER");
  llm.on({ lastUser: "my order 77 arrived broken" }, { text: "I am sorry! Could you tell me what is broken?" });
  llm.on({ lastUser: "let me talk to a real person", hasToolResult: false }, { toolCalls: [{ name: "escalate", arguments: { reason: REASON } }] });
  llm.on({ lastUser: "let me talk to a real person", toolResult: "escalated:" }, { text: "I have asked a colleague; a person will take over here shortly." });
  llm.on({ lastUser: "Is the replacement on its way?" }, { text: ANSWER });
  // The notification job asks the agent's model for a summary; registered last, it wins over the lines above.
  llm.on({ lastUser: "Reason for the handoff" }, { text: "Order 77 arrived broken; the user wants a person." });

  // The first start provisions the tenants from the config; accounts need them, and the embedded
  // database belongs to one process at a time.
  await server.serve();
  await server.stop();
  server.createAccount("root@example.com", "platform_admin"); // without one the console offers first-run set-up
  server.createAccount("ann@acme.test", "tenant_admin", "acme");
  server.createAccount("gina@globex.test", "tenant_admin", "globex");
  await server.serve();
  chrome = await openBrowser();
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await server?.stop();
  await Promise.all([llm?.stop(), tg?.stop(), ws?.stop()]);
  const keep = process.env.KTEST_SCREENSHOTS;
  if (keep && shots) {
    mkdirSync(keep, { recursive: true });
    for (const f of readdirSync(shots)) copyFileSync(join(shots, f), join(keep, f));
  }
  dir?.remove();
});

const shot = (name: string) => chrome.page.screenshot({ path: join(shots, `handoff-slack-binary-${name}.png`), fullPage: true });

const signIn = (email: string) => signInPage(chrome, base, email, PASSWORD);

test("the tenant admin sets the escalation destination to the Slack channel in the console", async () => {
  await signIn("ann@acme.test");
  const { page } = chrome;
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await page.getByRole("link", { name: "Escalation destination" }).click();
  const channel = page.locator('select[name="channel_id"]');
  const option = channel.locator("option", { hasText: "staff (slack)" });
  const channelId = await option.getAttribute("value");
  expect(channelId).toBeTruthy();
  hook = `${base}/hooks/slack/${channelId}`;
  await channel.selectOption(channelId!);
  await page.locator('input[name="chat"]').fill(ws.channel);
  await page.locator('input[name="timeout_minutes"]').fill("0");
  await page.getByRole("button", { name: "Save destinations" }).click();
  await page.getByText("Saved.").first().waitFor();
  expect(await page.locator('input[name="chat"]').inputValue()).toBe(ws.channel);
  expect(await channel.inputValue()).toBe(channelId!);
  await shot("01-destination-set");
  expect(chrome.problems).toEqual([]);
}, 60_000);

test("Telegram → Slack notification → Take it → thread reply reaches the user once, no model asked → Return to AI → the AI answers once with it", async () => {
  await tg.userSends(CHAT, "Hello, my order 77 arrived broken", { token: bot() });
  await said("I am sorry! Could you tell me what is broken?");
  await tg.userSends(CHAT, "The screen is cracked. Please let me talk to a real person", { token: bot() });
  await said("I have asked a colleague; a person will take over here shortly.");

  // The Slack channel gets the notification: reason, summary, last messages, Take it.
  const notice = await eventually(async () => (await ws.messages(ws.channel)).find((m) => m.blocks?.some((b) => b.elements?.some((e) => e.action_id?.startsWith("khto:")))), 20_000, "Slack notification");
  expect(notice.text).toContain("A person is needed");
  expect(notice.text).toContain(REASON);
  expect(notice.text).toContain("Summary: Order 77 arrived broken; the user wants a person.");
  expect(notice.text).toContain("my order 77 arrived broken");
  const take = notice.blocks!.flatMap((b) => b.elements ?? []).find((e) => e.action_id?.startsWith("khto:"))!;
  const asked = chats().length;

  // Waiting: the user's message is kept for the person, no model is asked.
  await tg.userSends(CHAT, "It is the second time this happens.", { token: bot() });
  const msg = { ...notice, channel: ws.channel } as SlackMessage & { channel: string };
  expect((await slackPost(() => signedInteraction(ws, msg, take.action_id!, { url: hook }))).status).toBe(200);
  const owner = ws.human.userId;
  await eventually(async () => (await ws.messages(ws.channel)).find((m) => m.ts === notice.ts && m.text.includes("took it")), 15_000, "notification says who took it");

  // The owner's reply in the thread (delivered twice, as Slack does on a slow answer) reaches Telegram once.
  const reply = slackEvents.threadReply(ws, { threadTs: notice.ts, text: HUMAN, user: owner });
  expect((await slackPost(() => ws.signed(reply, { url: hook }))).status).toBe(200);
  expect((await slackPost(() => ws.signed(reply, { url: hook, retryNum: 1 }))).status).toBe(200);
  const human = `${owner} (human): ${HUMAN}`;
  await said(human);
  await tg.userSends(CHAT, "Thank you!", { token: bot() });
  await Bun.sleep(1500); // a model call, a second delivery or a bot answer would have happened by now
  expect(chats()).toHaveLength(asked);
  expect(JSON.stringify(llm.journal())).not.toContain("second time this happens");
  expect(replies()).toEqual([
    "I am sorry! Could you tell me what is broken?",
    "I have asked a colleague; a person will take over here shortly.",
    human,
  ]);

  // The admin returns it to the AI from the console (the handoff page, found in the inbox).
  const { page } = chrome;
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await page.getByRole("link", { name: "All" }).first().click();
  await page.getByRole("link", { name: new RegExp(REASON) }).click();
  await page.getByText(HUMAN).first().waitFor();
  await shot("02-taken-in-slack-replied");
  await page.getByRole("button", { name: "Return to AI" }).click();
  await page.getByText("Returned to the AI.").waitFor();

  await tg.userSends(CHAT, "Is the replacement on its way?", { token: bot() });
  await said(ANSWER);
  await Bun.sleep(1500); // a second answer would show
  expect(replies().filter((r) => r === ANSWER)).toHaveLength(1);
  expect(replies()).toHaveLength(4);
  const turn = chats().filter((r) => r.lastUser === "Is the replacement on its way?");
  expect(turn).toHaveLength(1);
  expect(chats()).toHaveLength(asked + 1);
  // What the person said in Slack, and what the user said meanwhile, are in the AI's context.
  expect(JSON.stringify(turn[0]!.messages)).toContain(human);
  expect(JSON.stringify(turn[0]!.messages)).toContain("It is the second time this happens.");
  await page.reload();
  await page.getByText(ANSWER).waitFor();
  await shot("03-returned-ai-answers");
  expect(chrome.problems).toEqual([]);
}, 90_000);

test("the inbox's resolved view and the audit trail tell the whole story with who; Globex's admin sees none of it", async () => {
  const { page } = chrome;
  const owner = `slack:${ws.human.userId}`;
  await page.goto(`${base}/admin/inbox?tab=resolved`);
  await page.getByRole("link", { name: new RegExp(REASON) }).waitFor();
  await page.getByText("returned to the AI by console:ann@acme.test").waitFor();
  await shot("04-inbox-resolved");

  await page.goto(`${base}/admin/audit?kind=handoff`);
  await page.getByText(`escalated: ${REASON}`).first().waitFor();
  const trail = await page.locator("main").innerText();
  for (const line of ["escalation destination", "notified", `taken by ${owner}`, `replied by ${owner}`, "returned by console:ann@acme.test"]) expect(trail).toContain(line);
  await shot("05-audit-trail");
  expect(chrome.problems).toEqual([]);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn("gina@globex.test");
  await page.goto(`${base}/admin/inbox?tab=all`);
  const other = await page.content();
  expect(other).not.toContain("order 77");
  await page.goto(`${base}/admin/audit?kind=handoff`);
  expect(await page.content()).not.toContain("order 77");
  expect(chrome.problems).toEqual([]);
  expect(readdirSync(shots).sort()).toEqual([
    "handoff-slack-binary-01-destination-set.png",
    "handoff-slack-binary-02-taken-in-slack-replied.png",
    "handoff-slack-binary-03-returned-ai-answers.png",
    "handoff-slack-binary-04-inbox-resolved.png",
    "handoff-slack-binary-05-audit-trail.png",
  ]);
}, 60_000);
