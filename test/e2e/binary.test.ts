/**
 * The compiled single binary answers on both channels: a Telegram private message (long polling)
 * and a Slack mention (Events API), offline, from an empty directory. Builds dist/konstruct when it
 * is missing (a clean clone, i.e. CI) or when KTEST_REBUILD is set — locally a stale dist/ would
 * otherwise be what is tested.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { securityConfig } from "../support/outbound.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { BINARY, ensureBinary, writeBinaryConfig } from "../support/binary.ts";
import { testPort } from "../support/ports.ts";

let llm: LlmMock;
let ws: SlackWorkspace;
let tg: TelegramShim;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  ensureBinary();
  [llm, ws, tg] = await Promise.all([startLlmMock(), startSlackWorkspace(), startTelegramShim({ bots: [{ username: "BinaryBot" }] })]);
  llm.replyAll("Answered by the **binary**.");
  dir = tempDir("konstruct-binary-");
}, 120_000);
afterAll(async () => {
  await Promise.all([llm.stop(), ws.stop(), tg.stop()]);
  dir.remove();
});

test("the binary answers a Telegram message and a Slack mention", async () => {
  const port = testPort();
  writeBinaryConfig(dir.path, port, llm.url, {
    tenants: [
      {
        slug: "acme",
        name: "Acme",
        agents: [
          {
            slug: "ada",
            name: "Ada",
            models: ["mock/m"],
            channels: [
              { kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot },
              { kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl },
            ],
          },
        ],
      },
    ],
  });
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path }, stdout: "pipe", stderr: "inherit" });
  try {
    let out = "";
    const decoder = new TextDecoder();
    const slackChannel = await (async () => {
      for await (const chunk of child.stdout) {
        out += decoder.decode(chunk);
        const m = out.match(/"channel":"([0-9a-f-]{36})","kind":"slack"[^\n]*"msg":"channel connection started"/);
        if (m) return m[1]!;
      }
      throw new Error(`binary exited:\n${out}`);
    })();

    await tg.userSends(8001, "hello binary");
    const [tgReply] = await tg.waitForReplies(8001, 1, { timeoutMs: 15_000 });
    expect(tgReply!.text).toBe("Answered by the <b>binary</b>.");

    const ev = slackEvents.appMention(ws, { text: "hello from slack" });
    const status = await eventually(async () => {
      const res = await fetch(ws.signed(ev, { url: `http://127.0.0.1:${port}/hooks/slack/${slackChannel}` }));
      return res.status === 503 ? null : res.status;
    }, 15_000, "slack event accepted");
    expect(status).toBe(200);
    const replies = await eventually(async () => {
      const r = (await ws.messages(ws.channel, ev.event.ts)).filter((m) => m.user === ws.bot.userId);
      return r.length ? r : null;
    }, 15_000, "slack reply");
    expect(replies[0]!.text).toBe("Answered by the *binary*.");
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 90_000);
