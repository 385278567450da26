/**
 * Background tasks end to end on Telegram (both databases, two tenants): the agent delegates with
 * start_task and answers at once; the chat keeps answering while slow tasks run; /tasks shows them
 * (one queued beyond the tenant's limit); /cancel stops an in-flight model call within a second;
 * each result lands once in the chat it started in; another tenant sees and cancels nothing of it;
 * a restart mid-task ends it `failed: interrupted`, reported once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { auditLog, tasks } from "../../src/db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const SLOW_MS = 2500;

describe.each(DB_KINDS)("background tasks on Telegram, %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  let acme: string;

  /** "research X" → start_task(goal X) → "On it"; a task's own turn (its brief says "Goal: X") takes SLOW_MS. */
  function script() {
    llm.replyAll("pong");
    llm.on({ lastUser: "research" }, { toolCalls: [{ name: "start_task", arguments: { goal: "slow report", context: "for the test" } }] });
    llm.on({ lastUser: "research", hasToolResult: true }, { text: "On it." });
    llm.on({ lastUser: "Goal: slow report" }, { text: "The report: all good.", delayMs: SLOW_MS });
  }

  /** Starts a task whose model call is held 20 s, in chat `chat`; resolves once it is running. */
  async function longTask(chat: number) {
    llm.on({ lastUser: "Goal: slow report" }, { text: "never seen", delayMs: 20_000 });
    await tg.userSends(chat, "research the long thing");
    await tg.waitForReplies(chat, 1);
    return eventually(async () => (await taskRows()).find((r) => r.chatKey === String(chat) && r.status === "running"), 10_000, "running");
  }

  const taskRows = () => t.app.db.withTenant(acme, (tx) => tx.select().from(tasks).orderBy(tasks.number));

  beforeAll(async () => {
    llm = await startLlmMock();
    script();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "GlobexBobBot" }] });
    const [ada, bob] = tg.bots;
    const bot = (token: string) => ({ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      jobs: { poll_seconds: 0.5, tasks_per_tenant: 5 },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/chat"], executor_models: ["mock/strong"], channels: [bot(ada!.token)] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/chat"], channels: [bot(bob!.token)] }] },
      ],
    });
    acme = (await t.channel("acme", "tg")).tenantId;
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  test("six tasks: five run, one waits visibly; the chat answers at normal speed meanwhile; each result lands once", async () => {
    for (let i = 0; i < 6; i++) await tg.userSends(1001, `research topic ${i}`);
    await tg.waitForReplies(1001, 6, { timeoutMs: 20_000 });
    expect(tg.botReplies(1001).every((r) => r.visible === "On it.")).toBe(true);
    const statuses = await eventually(async () => {
      const rows = await taskRows();
      return rows.filter((r) => r.status === "running").length === 5 ? rows : null;
    }, 10_000, "five running");
    expect(statuses.filter((r) => r.status === "queued")).toHaveLength(1);

    // While five executors wait on a slow model, a chat message is answered quickly.
    const sent = Date.now();
    await tg.userSends(1001, "ping");
    const replies = await tg.waitForReplies(1001, 7);
    expect(replies[6]!.visible).toBe("pong");
    expect(Date.now() - sent).toBeLessThan(1500);

    await tg.userSends(1001, "/tasks");
    const [list] = (await tg.waitForReplies(1001, 8)).slice(7);
    expect(list!.visible).toMatch(/#1 running .* step 1 /);
    expect(list!.visible).toContain("queued");

    // All six finish (the sixth after one of the first five), each result exactly once, in this chat.
    await eventually(async () => (await taskRows()).every((r) => r.status === "done" && r.reportedAt), 30_000, "all done and reported");
    await Bun.sleep(500);
    const results = tg.botReplies(1001).filter((r) => r.visible.includes("done —"));
    expect(results.map((r) => r.visible.match(/Task #(\d+)/)![1]).sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(results.every((r) => r.visible.includes("The report: all good."))).toBe(true);
    // The executor used the agent's executor chain, the chat its own.
    const models = new Set(llm.journal().filter((r) => r.lastUser?.includes("Goal: slow report")).map((r) => r.model));
    expect([...models]).toEqual(["strong"]);
    const rows = await taskRows();
    expect(rows.every((r) => r.steps === 1 && r.chatKey === "1001")).toBe(true);
  }, 90_000);

  test("/cancel N stops the in-flight model call within a second; another tenant can neither see nor cancel it", async () => {
    const task = await longTask(2001);
    await eventually(() => t.app.tasks.executor.running.has(task.id), 5000, "executor running");
    await Bun.sleep(300); // its model call is in flight (held 20 s by the mock)

    const [, bob] = tg.bots;
    await tg.userSends(2001, "/tasks", { token: bob!.token });
    await tg.userSends(2001, `/cancel ${task.number}`, { token: bob!.token });
    const bobs = await tg.waitForReplies(2001, 2, { token: bob!.token });
    expect(bobs[0]!.visible).toBe("No tasks running or queued.");
    expect(bobs[1]!.visible).toContain(`no running or queued task #${task.number}`);
    expect((await taskRows()).find((r) => r.id === task.id)!.status).toBe("running");

    const cancelledAt = Date.now();
    await tg.userSends(2001, `/cancel ${task.number}`);
    const [, said] = await tg.waitForReplies(2001, 2);
    expect(said!.visible).toBe(`Cancelled task #${task.number}.`);
    // The executor let go of the model call: it is no longer running and its aborted call is on record.
    await eventually(() => !t.app.tasks.executor.running.has(task.id), 1000, "executor aborted");
    expect(Date.now() - cancelledAt).toBeLessThan(1500);
    const calls = await eventually(async () => {
      const rows = await t.app.db.withTenant(acme, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.kind, "llm_call"), sql`${auditLog.data}->>'task' = ${task.id}`)));
      return rows.length > 0 ? rows : null;
    }, 2000, "aborted call recorded");
    expect(calls[0]!.summary).toContain("failed");
    await Bun.sleep(500);
    expect((await taskRows()).find((r) => r.id === task.id)!.status).toBe("cancelled");
    expect(tg.botReplies(2001).some((r) => r.visible.includes("never seen"))).toBe(false);
  }, 30_000);

  test("a restart mid-task ends it failed: interrupted, reported once in its chat", async () => {
    const task = await longTask(3001);
    await t.restart();
    const [, note] = await tg.waitForReplies(3001, 2, { timeoutMs: 15_000 });
    expect(note!.visible).toContain(`Task #${task.number} failed`);
    expect(note!.visible).toContain("interrupted");
    const row = (await taskRows()).find((r) => r.id === task.id)!;
    expect(row.status).toBe("failed");
    expect(row.reportedAt).not.toBeNull();
    await Bun.sleep(1500);
    expect(tg.botReplies(3001)).toHaveLength(2);
  }, 60_000);
});
