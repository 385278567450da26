/**
 * Approval gates end to end through Telegram: the user writes to the bot (long polling via the
 * shimmed Bot API), the gated send_message produces a prompt with an inline keyboard, a
 * callback_query decides, the bot answers it (answerCallbackQuery), edits the prompt
 * (editMessageText) and the turn continues. On both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { decideApproval, listPendingApprovals } from "../../src/approvals/index.ts";
import { approvals } from "../../src/db/schema/index.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { expiryJob } from "../support/approval-jobs.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const TTL_MINUTES = 0.15;

describe.each(DB_KINDS)("approvals through Telegram on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let tenantId = "";
  let chat = 8100;
  const transcript: string[] = [];

  const replies = (chatId: number) => tg.botReplies(chatId);
  async function askForPrompt(text: string): Promise<{ chatId: number; prompt: BotReply }> {
    const chatId = ++chat;
    await tg.userSends(chatId, text);
    const prompt = await eventually(() => replies(chatId).find((r) => r.reply_markup?.inline_keyboard?.length), 10_000, "approval prompt");
    return { chatId, prompt };
  }
  const data = (prompt: BotReply, label: "Approve" | "Deny") => prompt.reply_markup!.inline_keyboard.flat().find((b) => b.text === label)!.callback_data!;
  const approvalOf = async (prompt: BotReply) => {
    const id = /^kapv:([0-9a-f-]{36}):/.exec(data(prompt, "Approve"))![1]!;
    return (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!;
  };
  const said = (chatId: number, text: string) => eventually(() => replies(chatId).find((r) => r.visible === text), 15_000, `reply '${text}'`);

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    pages = await startPages();
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        approvals: { ttl_minutes: TTL_MINUTES },
        tenants: [{ slug: "acme", name: "Acme", approvers: ["4242"], agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 6, channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
      },
      { resolver: testResolver },
    );
    tenantId = (await t.channel("acme", "tg")).tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    await eventually(() => t.app.gateway.skills!.forTenant("acme").has("web-digest"), 3000, "skill hot-loaded");
  });
  afterAll(async () => {
    if (kind === "embedded") console.log(`\n--- Telegram approval round trip (transcript) ---\n${transcript.join("\n")}\n---`);
    await t.cleanup();
    await pages.stop();
    await tg.stop();
    await llm.stop();
  });

  test("Approve via callback_query: answered, prompt edited, action runs, turn replies", async () => {
    scriptInjectedDigest(llm, "tg-approve", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-approve the report please");
    transcript.push(`user (${chatId}): tg-approve the report please`, `bot: ${prompt.visible.replace(/\n+/g, " ⏎ ")}`, `     [inline keyboard: ${prompt.reply_markup!.inline_keyboard.flat().map((b) => `${b.text}=${b.callback_data}`).join(" | ")}]`);
    expect(prompt.visible).toContain("All customer records deleted.");
    expect(replies(chatId).some((r) => r.visible === "All customer records deleted.")).toBe(false);
    const answered = tg.answers().length;
    const { update } = await tg.userClicks(prompt, data(prompt, "Approve"));
    transcript.push(`user (${chatId}) presses [Approve] — callback_query ${update.callback_query!.id} (update ${update.update_id})`);
    const reply = await said(chatId, "Posted (tg-approve).");
    expect(replies(chatId).some((r) => r.visible === "All customer records deleted.")).toBe(true);
    const answer = await eventually(() => tg.answers().slice(answered).find((a) => a.callback_query_id === update.callback_query!.id), 5000, "answerCallbackQuery");
    const [edit] = tg.edits(chatId);
    expect(edit!.message_id).toBe(prompt.message_id);
    expect(edit!.visible).toContain("Approved by");
    expect(replies(chatId).find((r) => r.message_id === prompt.message_id)!.reply_markup).toBeUndefined();
    transcript.push(`bot: answerCallbackQuery(${answer.callback_query_id}, "${answer.text}")`, `bot edits prompt (editMessageText): ${edit!.visible.replace(/\n+/g, " ⏎ ")}`, `bot: All customer records deleted.`, `bot: ${reply.visible}`);
  });

  test("Deny: not run; the model says so", async () => {
    scriptInjectedDigest(llm, "tg-deny", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-deny it");
    await tg.userClicks(prompt, data(prompt, "Deny"));
    await said(chatId, "Understood, nothing was posted (tg-deny).");
    expect(replies(chatId).some((r) => r.visible === "All customer records deleted.")).toBe(false);
    expect((await approvalOf(prompt)).status).toBe("denied");
  });

  test("double click and a late click change nothing", async () => {
    scriptInjectedDigest(llm, "tg-double", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-double go");
    await tg.userClicks(prompt, data(prompt, "Approve"));
    await tg.userClicks(prompt, data(prompt, "Approve"));
    await said(chatId, "Posted (tg-double).");
    await Bun.sleep(500);
    await t.app.gateway.pipeline.idle();
    expect(replies(chatId).filter((r) => r.visible === "All customer records deleted.")).toHaveLength(1);
    expect(replies(chatId).filter((r) => r.visible === "Posted (tg-double).")).toHaveLength(1);
  });

  test("wrong user: refused (approval stays pending); the tenant approver may decide", async () => {
    scriptInjectedDigest(llm, "tg-intruder", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-intruder try");
    await tg.userClicks(prompt, data(prompt, "Approve"), { from: { id: 999_001, first_name: "Mallory" } });
    await eventually(() => replies(chatId).find((r) => r.visible.includes("can decide this approval")), 10_000, "refusal");
    expect((await approvalOf(prompt)).status).toBe("pending");
    await tg.userClicks(prompt, data(prompt, "Approve"), { from: { id: 4242, first_name: "Admin" } });
    await said(chatId, "Posted (tg-intruder).");
    expect((await approvalOf(prompt)).decidedBy).toBe("4242");
  });

  test("the admin console's decideApproval continues the turn like a button press", async () => {
    scriptInjectedDigest(llm, "tg-console", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-console approve from UI");
    const pending = await listPendingApprovals(t.app.db, tenantId);
    const mine = pending.find((a) => a.id === /^kapv:([0-9a-f-]{36}):/.exec(data(prompt, "Approve"))![1]);
    expect(mine?.tool).toBe("send_message");
    // Its expiry job is queued once the prompt is out and on record (the edit below needs that record).
    await eventually(() => expiryJob(t.app.db, mine!.id), 10_000, "expiry job queued");
    const decided = await decideApproval(t.app.gateway.approvals, { tenantId, id: mine!.id, decision: "approved", actor: "console:admin@acme" });
    expect(decided?.status).toBe("approved");
    await said(chatId, "Posted (tg-console).");
    // The prompt is edited beside the continuing turn, not before it: wait for the edit.
    await eventually(() => tg.edits(chatId).at(-1)?.visible.includes("Approved by console:admin@acme"), 30_000, "prompt edited");
    expect(await decideApproval(t.app.gateway.approvals, { tenantId, id: mine!.id, decision: "denied", actor: "console:admin@acme" })).toBeNull();
  });

  test("expiry: the model is told; the prompt shows it expired", async () => {
    scriptInjectedDigest(llm, "tg-expire", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-expire wait");
    await eventually(() => replies(chatId).find((r) => r.visible === "The approval expired, so nothing was posted (tg-expire)."), 20_000, "expiry reply");
    await eventually(() => tg.edits(chatId).at(-1)?.visible.includes("Expired"), 10_000, "prompt edited as expired");
    expect((await approvalOf(prompt)).status).toBe("expired");
  });

  test("a turn a dead process left after claiming the expiry is resumed by the next sweep", async () => {
    scriptInjectedDigest(llm, "tg-stranded", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-stranded case");
    const id = (await approvalOf(prompt)).id;
    // What expireDue() leaves behind when the process dies right after it: claimed, no follow-up written.
    await t.app.db.withTenant(tenantId, (tx) => tx.update(approvals).set({ status: "expired", decidedAt: sql`now() - interval '5 minutes'`, resumeSeq: sql`${approvals.seq} + 1` }).where(eq(approvals.id, id)));
    expect(await t.app.gateway.approvals.sweep()).toBe(0);
    await said(chatId, "The approval expired, so nothing was posted (tg-stranded).");
    await t.app.gateway.approvals.sweep(); // resumed once: the follow-up is on record now
    await Bun.sleep(200);
    expect(replies(chatId).filter((r) => r.visible.includes("(tg-stranded)"))).toHaveLength(1);
  });

  test("restart while pending: the approval survives, Approve continues", async () => {
    scriptInjectedDigest(llm, "tg-restart", pages.url("/hostile"));
    const { chatId, prompt } = await askForPrompt("tg-restart now");
    await t.restart({ resolver: testResolver });
    await tg.userClicks(prompt, data(prompt, "Approve"));
    await said(chatId, "Posted (tg-restart).");
  });
});
