/**
 * Issue 12's "Done when", from the compiled binary on Telegram (telegram-test-api, aimock LLM): a
 * user asks for a research report → the agent starts a background task and answers at once; the
 * user keeps chatting and gets normal replies while the task's slow model call runs; /status lists
 * the task; its result lands once in the same chat. Then the user asks in plain words for a weekly
 * briefing → schedule_task previews the next three runs (nothing saved), the user confirms, the
 * schedule is saved; its cron is this weekday at the coming minute (a real weekly schedule that
 * fires within the next two minutes), and the briefing lands once in the chat.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { BINARY, ensureBinary, writeBinaryConfig } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { testPort } from "../support/ports.ts";

const CHAT = 7301;
const SLOW_MS = 10_000; // long enough that steps 1–3 finish first even on a loaded CI machine

let llm: LlmMock;
let tg: TelegramShim;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  ensureBinary();
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "WorkBinaryBot" }] })]);
  dir = tempDir("konstruct-work-binary-");
}, 120_000);
afterAll(async () => {
  await Promise.all([llm.stop(), tg.stop()]);
  dir.remove();
});

/** A weekly cron for this weekday at the coming minute (UTC), at least 20 s away. */
function weeklyAtNextMinute(now = new Date()): { cron: string; at: Date } {
  const at = new Date(now.getTime() + (now.getUTCSeconds() < 40 ? 60_000 : 120_000));
  at.setUTCSeconds(0, 0);
  return { cron: `${at.getUTCMinutes()} ${at.getUTCHours()} * * ${at.getUTCDay()}`, at };
}

test("research report as a background task, then a weekly briefing scheduled in plain words — from the binary", async () => {
  const port = testPort();
  writeBinaryConfig(dir.path, port, llm.url, {
    jobs: { poll_seconds: 0.5 },
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/chat"], executor_models: ["mock/strong"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
  });
  llm.replyAll("Doing fine, thanks.");
  llm.on({ lastUser: "research", hasToolResult: false }, { toolCalls: [{ name: "start_task", arguments: { goal: "Research report on the EV battery market", expected_output: "a short report" } }] });
  llm.on({ lastUser: "research", hasToolResult: true }, { text: "On it — task #1." });
  llm.on({ lastUser: "Goal: Research report on the EV battery market" }, { text: "EV battery report: prices fell 20% this year.", delayMs: SLOW_MS });

  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path }, stdout: "pipe", stderr: "inherit" });
  let out = "";
  try {
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of child.stdout) out += decoder.decode(chunk);
    })();
    await eventually(() => out.includes('"msg":"konstruct ready"'), 30_000, "binary ready");
    const replies = () => tg.botReplies(CHAT);
    // The answer to `text`: a task's result may land in between, so it is not taken for the answer.
    const answers = (from: number) => replies().slice(from).filter((r) => !r.visible.startsWith("Task #"));
    const next = async (text: string) => {
      const had = replies().length;
      await tg.userSends(CHAT, text);
      return eventually(() => answers(had)[0], 15_000, `answer to ${JSON.stringify(text)}`);
    };
    const results = (n: number) => replies().filter((r: BotReply) => r.visible.startsWith(`Task #${n} done`));

    // 1. A research report: answered at once, the work goes to a background task.
    const asked = Date.now();
    expect((await next("Please research the EV battery market and write me a report")).visible).toBe("On it — task #1.");
    expect(Date.now() - asked).toBeLessThan(SLOW_MS);

    // 2. The chat keeps answering at normal speed while the task's slow model call runs.
    await eventually(() => llm.journal().some((r) => r.model === "strong") || llm.peakInFlight() > 0, 10_000, "task's model call in flight");
    const sent = Date.now();
    expect((await next("How are you today?")).visible).toBe("Doing fine, thanks.");
    expect(Date.now() - sent).toBeLessThan(SLOW_MS / 2);

    // 3. /status lists the task (still running: its model call is held SLOW_MS).
    const status = await next("/status");
    expect(status.visible).toMatch(/#1 running · \d+s · step 1 · \$0\.0000 — Research report on the EV battery market/);
    expect(results(1)).toHaveLength(0);

    // 4. The result lands in the same chat, once.
    const result = await eventually(() => results(1)[0], SLOW_MS + 15_000, "task #1 result");
    expect(result.visible).toContain("EV battery report: prices fell 20% this year.");
    expect(llm.journal().filter((r) => r.lastUser?.includes("Goal: Research report")).map((r) => r.model)).toEqual(["strong"]);

    // 5. A weekly briefing in plain words: previewed first (nothing saved), saved on confirmation.
    const { cron, at } = weeklyAtNextMinute();
    const briefing = { cron, timezone: "UTC", instruction: "Write the weekly news briefing" };
    llm.on({ lastUser: "briefing", hasToolResult: false }, { toolCalls: [{ name: "schedule_task", arguments: briefing }] });
    llm.on({ lastUser: "briefing", toolResult: "preview (not saved)" }, { text: "I can send it every week at that time — the next three runs are listed. Shall I set it up?" });
    llm.on({ lastUser: "yes, set it up", hasToolResult: false }, { toolCalls: [{ name: "schedule_task", arguments: { ...briefing, confirm: true } }] });
    llm.on({ lastUser: "yes, set it up", toolResult: "saved: schedule #1" }, { text: "Done — schedule #1 is set up." });
    llm.on({ lastUser: "Goal: Write the weekly news briefing" }, { text: "Weekly briefing: markets calm, EV prices down." });

    expect((await next("Every week, send me a briefing of the news")).visible).toContain("Shall I set it up?");
    const preview = llm.journal().map((r) => r.messages.at(-1)).find((m) => m?.role === "tool" && String(m.content).startsWith("preview (not saved)"));
    expect(String(preview!.content).match(/^• /gm)).toHaveLength(3);
    expect((await next("/schedules")).visible).toBe("You have no schedules.");
    expect((await next("yes, set it up")).visible).toBe("Done — schedule #1 is set up.");
    const listed = await next("/schedules");
    expect(listed.visible).toContain(`#1 ${cron} UTC · next`);
    expect(listed.visible).toContain("Write the weekly news briefing");

    // 6. The briefing arrives at its due time, once, in this chat.
    const wait = at.getTime() - Date.now() + 30_000;
    const brief = await eventually(() => results(2)[0], wait, "weekly briefing delivered");
    expect(brief.visible).toContain("Weekly briefing: markets calm, EV prices down.");
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    await Bun.sleep(6000); // a ticker round or more: no second run, no second message
    expect(results(2)).toHaveLength(1);
    expect(results(1)).toHaveLength(1);
    expect(replies().filter((r) => r.visible.startsWith("Task #"))).toHaveLength(2);
  } catch (e) {
    console.error(out.split("\n").slice(-40).join("\n"));
    throw e;
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 240_000);
