/**
 * Approvals inside background tasks, end to end on Telegram (aimock LLM, both databases): the task's
 * gated send_message puts the task in `waiting_approval`; the chat gets "Task #N is waiting for your
 * approval" with Approve / Deny; /tasks says so; the executor keeps the task's heartbeat meanwhile.
 * Approve → the action runs once and the task's result lands once; Deny and expiry → the model is
 * told and the task finishes saying so; /cancel ends the wait at once and withdraws the prompt; a
 * restart ends a waiting task `failed: interrupted` and its approval can no longer be decided.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { approvals, tasks } from "../../src/db/schema/index.ts";
import { taskTranscript } from "../../src/tasks/store.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const TTL_MINUTES = 0.2; // 12 s: long enough to click, short enough to see one expire
const DELETED = "All customer records deleted.";

describe.each(DB_KINDS)("approvals inside background tasks on Telegram, %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let tenantId = "";
  let chat = 9100;

  const replies = (chatId: number) => tg.botReplies(chatId);
  const taskRows = () => t.app.db.withTenant(tenantId, (tx) => tx.select().from(tasks).orderBy(tasks.number));
  const data = (prompt: BotReply, label: "Approve" | "Deny") => prompt.reply_markup!.inline_keyboard.flat().find((b) => b.text === label)!.callback_data!;
  const approvalOf = async (prompt: BotReply) => {
    const id = /^kapv:([0-9a-f-]{36}):/.exec(data(prompt, "Approve"))![1]!;
    return (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!;
  };

  /** "delegate <marker>" → start_task(goal <marker>) → "On it."; the task then runs the injected-digest script and pauses. */
  async function delegate(marker: string) {
    scriptInjectedDigest(llm, marker, pages.url("/hostile"));
    llm.on({ lastUser: `delegate ${marker}`, hasToolResult: false }, { toolCalls: [{ name: "start_task", arguments: { goal: `${marker}: digest the quarterly report` } }] });
    llm.on({ lastUser: `delegate ${marker}`, hasToolResult: true }, { text: "On it." });
    const chatId = ++chat;
    await tg.userSends(chatId, `delegate ${marker}`);
    const [onIt] = await tg.waitForReplies(chatId, 1);
    expect(onIt!.visible).toBe("On it.");
    const prompt = await eventually(() => replies(chatId).find((r) => r.reply_markup?.inline_keyboard?.length), 15_000, "task approval prompt");
    const task = (await taskRows()).find((r) => r.chatKey === String(chatId))!;
    return { chatId, prompt, task };
  }
  const isResult = (n: number) => (r: BotReply) => new RegExp(`^Task #${n} (done|failed|was cancelled)`).test(r.visible);
  const resultOf = (chatId: number, n: number) => eventually(() => replies(chatId).find(isResult(n)), 20_000, `task #${n} result`);

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
        jobs: { poll_seconds: 0.5 },
        tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
      },
      { resolver: testResolver },
    );
    tenantId = (await t.channel("acme", "tg")).tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    await eventually(() => t.app.gateway.skills!.forTenant("acme").has("web-digest"), 3000, "skill hot-loaded");
  });
  afterAll(async () => {
    await t.cleanup();
    await pages.stop();
    await tg.stop();
    await llm.stop();
  });

  test("Approve: the chat and /tasks say the task waits; the action runs once; the result lands once", async () => {
    const { chatId, prompt, task } = await delegate("tk-approve");
    expect(prompt.visible).toContain(`Task #${task.number} is waiting for your approval`);
    expect(prompt.visible).toContain(DELETED);
    expect(task.status).toBe("waiting_approval");
    expect(replies(chatId).some((r) => r.visible === DELETED)).toBe(false);

    await tg.userSends(chatId, "/tasks");
    const list = await eventually(() => replies(chatId).find((r) => r.visible.startsWith("Your tasks:")), 10_000, "/tasks");
    expect(list.visible).toContain(`#${task.number} waiting for approval`);

    // The executor keeps the waiting task's heartbeat (the sweep must not take it for interrupted).
    const before = (await taskRows()).find((r) => r.id === task.id)!.heartbeatAt!;
    await eventually(async () => (await taskRows()).find((r) => r.id === task.id)!.heartbeatAt! > before, 8000, "heartbeat while waiting");
    await t.app.tasks.sweep();
    expect((await taskRows()).find((r) => r.id === task.id)!.status).toBe("waiting_approval");

    await tg.userClicks(prompt, data(prompt, "Approve"));
    const result = await resultOf(chatId, task.number);
    expect(result.visible).toContain(`Task #${task.number} done`);
    expect(result.visible).toContain("Posted (tk-approve).");
    await eventually(() => tg.edits(chatId).at(-1)?.visible.includes("Approved by"), 5000, "prompt edited");
    await Bun.sleep(1000);
    expect(replies(chatId).filter((r) => r.visible === DELETED)).toHaveLength(1);
    expect(replies(chatId).filter(isResult(task.number))).toHaveLength(1);
    const row = (await taskRows()).find((r) => r.id === task.id)!;
    expect(row.status).toBe("done");
    expect(row.reportedAt).not.toBeNull();
    expect((await approvalOf(prompt)).status).toBe("approved");
    // The task's transcript (console) holds the approval's story: asked, decided, the call it ran.
    const transcript = (await t.app.db.withTenant(tenantId, (tx) => taskTranscript(tx, row))).map((e) => e.summary);
    expect(transcript).toEqual(expect.arrayContaining(["approval requested: send_message", "approval approved: send_message", "send_message (approved)"]));
  }, 60_000);

  test("Deny: not done; the model is told and the task's result says so, once", async () => {
    const { chatId, prompt, task } = await delegate("tk-deny");
    await tg.userClicks(prompt, data(prompt, "Deny"));
    const result = await resultOf(chatId, task.number);
    expect(result.visible).toContain(`Task #${task.number} done`);
    expect(result.visible).toContain("Understood, nothing was posted (tk-deny).");
    await Bun.sleep(1000);
    expect(replies(chatId).some((r) => r.visible === DELETED)).toBe(false);
    expect(replies(chatId).filter(isResult(task.number))).toHaveLength(1);
    expect((await approvalOf(prompt)).status).toBe("denied");
  }, 60_000);

  test("expiry: the model is told; the prompt shows it expired; the task finishes", async () => {
    const { chatId, prompt, task } = await delegate("tk-expire");
    const result = await resultOf(chatId, task.number);
    expect(result.visible).toContain("The approval expired, so nothing was posted (tk-expire).");
    await eventually(() => tg.edits(chatId).some((e) => e.message_id === prompt.message_id && e.visible.includes("Expired")), 5000, "prompt edited as expired");
    expect((await approvalOf(prompt)).status).toBe("expired");
    expect(replies(chatId).some((r) => r.visible === DELETED)).toBe(false);
  }, 60_000);

  test("/cancel stops a waiting task at once; its prompt is withdrawn and a late Approve does nothing", async () => {
    const { chatId, prompt, task } = await delegate("tk-cancel");
    expect(t.app.tasks.executor.running.has(task.id)).toBe(true);
    const cancelledAt = Date.now();
    await tg.userSends(chatId, `/cancel ${task.number}`);
    await eventually(() => replies(chatId).find((r) => r.visible === `Cancelled task #${task.number}.`), 5000, "cancel reply");
    await eventually(() => !t.app.tasks.executor.running.has(task.id), 1000, "executor let go");
    expect(Date.now() - cancelledAt).toBeLessThan(1500);
    await eventually(() => tg.edits(chatId).some((e) => e.message_id === prompt.message_id && e.visible.includes("was stopped")), 5000, "prompt withdrawn");
    expect((await approvalOf(prompt)).status).toBe("expired");
    await tg.userClicks(prompt, data(prompt, "Approve"));
    await Bun.sleep(1500);
    expect(replies(chatId).some((r) => r.visible === DELETED)).toBe(false);
    expect(replies(chatId).some(isResult(task.number))).toBe(false);
    expect((await taskRows()).find((r) => r.id === task.id)!.status).toBe("cancelled");
  }, 60_000);

  test("a restart while waiting ends the task failed: interrupted, once; its approval is withdrawn", async () => {
    const { chatId, prompt, task } = await delegate("tk-restart");
    await t.restart({ resolver: testResolver });
    const note = await resultOf(chatId, task.number);
    expect(note.visible).toContain(`Task #${task.number} failed`);
    expect(note.visible).toContain("interrupted");
    expect((await approvalOf(prompt)).status).toBe("expired");
    await tg.userClicks(prompt, data(prompt, "Approve"));
    await Bun.sleep(1500);
    expect(replies(chatId).some((r) => r.visible === DELETED)).toBe(false);
    expect(replies(chatId).filter(isResult(task.number))).toHaveLength(1);
  }, 60_000);
});
