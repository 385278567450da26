/**
 * Skills, tools and approvals from the compiled binary: the bundled starter skills are inside it,
 * a skill written into data/skills while it runs is picked up, an MCP server (stdio) contributes a
 * tool the agent calls, and a gated send_message goes through Approve on Telegram.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { securityConfig } from "../support/outbound.ts";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeSkill } from "../support/agent-tools.ts";
import { eventually } from "../support/app.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { BINARY, ensureBinary, writeBinaryConfig } from "../support/binary.ts";
import { testPort } from "../support/ports.ts";

let llm: LlmMock;
let tg: TelegramShim;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  ensureBinary();
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "BinarySkillsBot" }] })]);
  dir = tempDir("konstruct-binary-skills-");
}, 120_000);
afterAll(async () => {
  await Promise.all([llm.stop(), tg.stop()]);
  dir.remove();
});

test("bundled skill + approval on Telegram, MCP over stdio and hot reload, from the binary", async () => {
  const port = testPort();
  const mcp = { name: "orders", transport: "stdio", command: process.execPath, args: [resolve(import.meta.dir, "../fixtures/mcp-orders.ts")], read_only_tools: ["lookup_order"] };
  writeBinaryConfig(dir.path, port, llm.url, {
    tenants: [{ slug: "acme", name: "Acme", mcp_servers: [mcp], agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
  });
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path }, stdout: "pipe", stderr: "inherit" });
  try {
    let out = "";
    const decoder = new TextDecoder();
    // Drained all along: the log is what explains a failure below.
    void (async () => {
      for await (const chunk of child.stdout) out += decoder.decode(chunk);
    })();
    await eventually(() => out.includes('"msg":"konstruct ready"'), 30_000, "binary ready");

    // Bundled meeting-notes-to-actions → send_message (on-write) → Approve.
    const notes = "notes: Ana will send the quote by Friday";
    llm.on({ lastUser: notes, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "meeting-notes-to-actions" } }] });
    llm.on({ lastUser: notes, toolResult: "Skill meeting-notes-to-actions is active" }, { toolCalls: [{ name: "send_message", arguments: { text: "Action items — call\n1. Ana — send the quote — due Friday" } }] });
    llm.on({ lastUser: notes, toolResult: "sent: the message" }, { text: "1 action, none unassigned." });
    await tg.userSends(7001, notes);
    const prompt = await eventually(() => tg.botReplies(7001).find((r) => r.reply_markup?.inline_keyboard?.length), 15_000, "approval prompt");
    expect(prompt.visible).toContain("Ana — send the quote");
    await tg.userClicks(prompt, prompt.reply_markup!.inline_keyboard[0]![0]!.callback_data!);
    await eventually(() => tg.botReplies(7001).find((r) => r.visible === "1 action, none unassigned."), 15_000, "reply after approval");
    expect(tg.botReplies(7001).some((r) => r.visible.startsWith("Action items — call"))).toBe(true);

    // A skill written while the binary runs, allowing the MCP server's lookup.
    writeSkill(join(dir.path, "data"), "order-status", `---\nname: order-status\ndescription: Order status desk (hot).\nmetadata:\n  konstruct:\n    tools: [mcp__orders__lookup_order]\n    risk: L1\n    approval: never\n---\nLook the order up.\n`);
    const ask = "where is order 77";
    llm.on({ lastUser: ask, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "order-status" } }] });
    llm.on({ lastUser: ask, toolResult: "Skill order-status is active" }, { toolCalls: [{ name: "mcp__orders__lookup_order", arguments: { order_id: "77" } }] });
    llm.on({ lastUser: ask, toolResult: "Order 77 (stdio): shipped" }, { text: "Order 77 shipped on 2026-11-28." });
    await Bun.sleep(1500);
    await tg.userSends(7002, ask);
    await eventually(() => tg.botReplies(7002).find((r) => r.visible === "Order 77 shipped on 2026-11-28."), 20_000, "MCP answer").catch((e) => {
      throw new Error(`${(e as Error).message}\n--- binary log ---\n${out.split("\n").slice(-15).join("\n")}`);
    });
    expect(String(llm.journal().find((r) => r.lastUser === ask)!.messages[0]!.content)).toContain("- order-status: Order status desk (hot).");
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 90_000);
