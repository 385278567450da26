/**
 * Skills and tools end to end through Telegram (long polling) on both databases: progressive
 * disclosure, enforcement of skill manifests (refused + audited), the SSRF guard on the real
 * http_fetch (loopback, metadata, a name resolving to 10.x, redirects to each), secrets injected by
 * name and never shown to the model, JSON-schema argument validation, per-agent skills, hot reload
 * in the running app, and MCP servers (stdio and streamable HTTP) started by the test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { resolve } from "node:path";
import { auditLog } from "../../src/db/schema/index.ts";
import { startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { startOrdersHttp } from "../fixtures/mcp-orders.ts";

const SECRET = "s3cr3t-orders-token-value";
const ORDERS_SKILL = `---
name: orders-api
description: Look up orders in the orders API.
metadata:
  konstruct:
    tools: [http_fetch]
    network: ["pages.test/echo-auth"]
    secrets: [ORDERS_TOKEN]
    risk: L1
    approval: never
---
Call the orders API with the token.
`;
const ORDER_DESK = `---
name: order-desk
description: Answer questions about orders and cancel them on request.
metadata:
  konstruct:
    tools: ["mcp__orders__*", mcp__desk__lookup_order]
    risk: L2
    approval: on-write
---
Use the order tools.
`;

describe.each(DB_KINDS)("skills and tools end to end on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let desk: ReturnType<typeof startOrdersHttp>;
  let t: TestApp;
  let tenantId = "";
  let chat = 9100;

  /** Sends `text` as a new chat and returns the bot's reply and the tool results the model saw. */
  async function turn(text: string, token?: string) {
    const chatId = ++chat;
    await tg.userSends(chatId, text, token ? { token } : {});
    const [reply] = await tg.waitForReplies(chatId, 1, { token, timeoutMs: 15_000 });
    const requests = llm.journal().filter((r) => r.lastUser === text);
    const toolResults = requests.at(-1)?.messages.filter((m) => m.role === "tool").map((m) => String(m.content)) ?? [];
    return { chatId, reply: reply!, requests, toolResults, system: String(requests[0]?.messages[0]?.content ?? "") };
  }

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "AcmeBobBot" }] });
    pages = await startPages();
    desk = startOrdersHttp();
    const bot = (token: string, name: string) => ({ kind: "telegram", name, bot_token: token, api_root: tg.apiRoot });
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        tenants: [
          {
            slug: "acme",
            name: "Acme",
            secrets: { ORDERS_TOKEN: SECRET },
            mcp_servers: [
              { name: "orders", transport: "stdio", command: process.execPath, args: [resolve(import.meta.dir, "../fixtures/mcp-orders.ts")], read_only_tools: ["lookup_order"] },
              { name: "desk", transport: "http", url: desk.url, read_only_tools: ["lookup_order"] },
            ],
            agents: [
              { slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 8, channels: [bot(tg.bots[0]!.token, "tg-ada")] },
              { slug: "bob", name: "Bob", models: ["mock/m"], skills: ["summarise-thread"], channels: [bot(tg.bots[1]!.token, "tg-bob")] },
            ],
          },
        ],
      },
      { resolver: testResolver },
    );
    tenantId = (await t.channel("acme", "tg-ada")).tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    writeSkill(t.dataDir, "orders-api", ORDERS_SKILL);
    writeSkill(t.dataDir, "order-desk", ORDER_DESK, "acme");
    await eventually(() => ["web-digest", "orders-api", "order-desk"].every((s) => t.app.gateway.skills!.forTenant("acme").has(s)), 3000, "skills hot-loaded");
  });
  afterAll(async () => {
    await t.cleanup();
    desk.stop();
    await pages.stop();
    await tg.stop();
    await llm.stop();
  });

  test("progressive disclosure: the prompt lists names and descriptions; use_skill returns the body", async () => {
    const text = "summarise-me this thread";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "summarise-thread" } }] });
    llm.on({ lastUser: text, hasToolResult: true }, { text: "TL;DR: nothing decided." });
    const r = await turn(text);
    expect(r.reply.visible).toBe("TL;DR: nothing decided.");
    expect(r.system).toContain("- summarise-thread: Summarise the current conversation");
    expect(r.system).toContain("- web-digest: Fetch a page from pages.test");
    expect(r.system).not.toContain("Quote numbers, dates and names exactly"); // body stays out of the prompt
    expect(r.toolResults[0]).toContain("Skill summarise-thread is active");
    expect(r.toolResults[0]).toContain("Quote numbers, dates and names exactly");
  });

  test("use_skill with `file` returns one of the skill's listed files, and nothing else", async () => {
    const text = "checklist-probe";
    llm.on({ lastUser: text, hasToolResult: false }, {
      toolCalls: [
        { name: "use_skill", arguments: { name: "research-web-page", file: "references/checklist.md" } },
        { name: "use_skill", arguments: { name: "research-web-page", file: "../../../etc/passwd" } },
      ],
    });
    llm.on({ lastUser: text, hasToolResult: true }, { text: "Read it." });
    const r = await turn(text);
    expect(r.toolResults[0]).toContain("# Source checklist");
    expect(r.toolResults[1]).toBe("error: research-web-page has no file ../../../etc/passwd (it has: references/checklist.md)");
  });

  test("a call outside the active skill's manifest is refused with a reason, and audited", async () => {
    const text = "refuse-me please";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "send_message", arguments: { text: "hello all" } }] });
    llm.on({ lastUser: text, toolResult: "needs a skill" }, { toolCalls: [{ name: "use_skill", arguments: { name: "research-web-page" } }] });
    llm.on({ lastUser: text, toolResult: "Skill research-web-page is active" }, { toolCalls: [{ name: "send_message", arguments: { text: "hello all" } }, { name: "http_fetch", arguments: { url: pages.url("/hostile"), method: "POST", body: "x" } }] });
    llm.on({ lastUser: text, toolResult: "read-only (risk L1)" }, { text: "I am not allowed to do that." });
    const r = await turn(text);
    expect(r.reply.visible).toBe("I am not allowed to do that.");
    expect(r.toolResults[0]).toContain("refused: send_message needs a skill that allows it; no skill is active");
    expect(r.toolResults.at(-2)).toContain("refused: send_message is not in the tools of the active skill(s) research-web-page");
    expect(r.toolResults.at(-1)).toContain("research-web-page is read-only (risk L1) and this call writes");
    expect(tg.botReplies(r.chatId).map((m) => m.visible)).not.toContain("hello all");
    const audits = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.kind, "refusal"), eq(auditLog.summary, "tool send_message refused"))));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect(audits.map((a) => (a.data as { reason: string }).reason)).toContain("send_message is not in the tools of the active skill(s) research-web-page");
    expect((audits[0]!.data as { arguments: unknown }).arguments).toEqual({ text: "hello all" });
  });

  test("SSRF: loopback, metadata, a name resolving to 10.x and redirects to them are refused", async () => {
    const text = "ssrf-probe the pages";
    const urls = [
      `http://127.0.0.1:${pages.port}/secret`,
      "http://169.254.169.254/latest/meta-data/",
      `http://internal.test:${pages.port}/secret`,
      "http://[::ffff:127.0.0.1]/",
      pages.url("/to-loopback"),
      pages.url("/to-internal"),
      pages.url("/to-metadata"),
      pages.url("/to-page"),
    ];
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "research-web-page" } }] });
    llm.on({ lastUser: text, toolResult: "Skill research-web-page is active" }, { toolCalls: urls.map((url) => ({ name: "http_fetch", arguments: { url } })) });
    llm.on({ lastUser: text, toolResult: "Quarterly report" }, { text: "Checked." });
    const r = await turn(text);
    expect(r.reply.visible).toBe("Checked.");
    const results = r.toolResults.slice(1);
    expect(results).toHaveLength(urls.length);
    expect(results[0]).toContain("refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address");
    expect(results[1]).toContain("169.254.169.254, a link-local (incl. cloud metadata) address");
    expect(results[2]).toContain("internal.test resolves to 10.0.0.5, a private (RFC 1918) address");
    expect(results[3]).toContain("a loopback address");
    expect(results[4]).toContain("refused: 127.0.0.1 resolves to 127.0.0.1");
    expect(results[5]).toContain("internal.test resolves to 10.0.0.5");
    expect(results[6]).toContain("169.254.169.254");
    expect(results[7]).toContain("HTTP 200"); // a redirect within the allowed host is followed
    expect(results[7]).toContain("Revenue grew 12%.");
    expect(r.toolResults.join("\n")).not.toContain("TOP SECRET");
  });

  test("the skill's network allow-list holds on http_fetch, including redirects", async () => {
    const text = "allowlist-probe";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "orders-api" } }] });
    llm.on({ lastUser: text, toolResult: "Skill orders-api is active" }, { toolCalls: [{ name: "http_fetch", arguments: { url: pages.url("/hostile") } }] });
    llm.on({ lastUser: text, toolResult: "network allow-list" }, { text: "Not allowed." });
    const r = await turn(text);
    expect(r.toolResults.at(-1)).toContain("is not in orders-api's network allow-list");
  });

  test("secrets are injected by name and never shown to the model; a skill without the secret is refused", async () => {
    const text = "secret-probe orders";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "orders-api" } }] });
    llm.on({ lastUser: text, toolResult: "Skill orders-api is active" }, { toolCalls: [{ name: "http_fetch", arguments: { url: pages.url("/echo-auth"), headers: { authorization: "Bearer {{secret:ORDERS_TOKEN}}" } } }] });
    llm.on({ lastUser: text, toolResult: "auth header was" }, { toolCalls: [{ name: "use_skill", arguments: { name: "web-digest" } }, { name: "http_fetch", arguments: { url: pages.url("/echo-auth"), headers: { authorization: "{{secret:OTHER_TOKEN}}" } } }] });
    llm.on({ lastUser: text, toolResult: "may not use secret" }, { text: "Done." });
    const r = await turn(text);
    expect(r.toolResults[1]).toContain("auth header was: Bearer [secret:ORDERS_TOKEN]");
    expect(r.toolResults.at(-1)).toContain("may not use secret(s) OTHER_TOKEN");
    expect(JSON.stringify(llm.journal())).not.toContain(SECRET);
    const audits = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog));
    expect(JSON.stringify(audits)).not.toContain(SECRET);
  });

  test("arguments are validated against the tool's JSON schema before it runs", async () => {
    const text = "schema-probe";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "http_fetch", arguments: { url: 5, method: "DELETE" } }] });
    llm.on({ lastUser: text, hasToolResult: true }, { text: "Bad call." });
    const r = await turn(text);
    expect(r.toolResults[0]).toStartWith("error: invalid arguments for http_fetch:");
    expect(r.toolResults[0]).toContain("/url");
    expect(r.toolResults[0]).toContain("/method");
  });

  test("MCP: stdio and HTTP servers contribute namespaced tools the agent calls; writes are gated", async () => {
    const text = "order-probe 1234";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "order-desk" } }] });
    llm.on({ lastUser: text, toolResult: "Skill order-desk is active" }, { toolCalls: [{ name: "mcp__orders__lookup_order", arguments: { order_id: "1234" } }, { name: "mcp__desk__lookup_order", arguments: { order_id: "1234" } }] });
    llm.on({ lastUser: text, toolResult: "(http): shipped" }, { toolCalls: [{ name: "mcp__orders__cancel_order", arguments: { order_id: "1234" } }] });
    const r = await turn(text);
    expect(r.toolResults).toContain("Order 1234 (stdio): shipped on 2026-11-28, 2 parcels. token=none");
    expect(r.toolResults).toContain("Order 1234 (http): shipped on 2026-11-28, 2 parcels. token=none");
    expect(r.reply.visible).toContain("Approval needed");
    expect(r.reply.visible).toContain("mcp__orders__cancel_order");
    expect(r.reply.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(["Approve", "Deny"]);
  });

  test("per-agent skills: Bob only sees and may load summarise-thread", async () => {
    const text = "bob-probe";
    llm.on({ lastUser: text, hasToolResult: false }, { toolCalls: [{ name: "use_skill", arguments: { name: "research-web-page" } }] });
    llm.on({ lastUser: text, hasToolResult: true }, { text: "Only summaries." });
    const r = await turn(text, tg.bots[1]!.token);
    expect(r.system).toContain("- summarise-thread:");
    expect(r.system).not.toContain("research-web-page");
    expect(r.toolResults[0]).toContain("error: invalid arguments for use_skill");
  });

  test("hot reload in the running appliance: an edited description is in the next prompt", async () => {
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST.replace("Fetch a page from pages.test", "Digest pages.test pages (edited)"));
    await eventually(() => t.app.gateway.skills!.forTenant("acme").get("web-digest")!.description.includes("(edited)"), 2000, "reload within 2 s");
    const text = "reload-probe";
    llm.on({ lastUser: text }, { text: "ok" });
    const r = await turn(text);
    expect(r.system).toContain("- web-digest: Digest pages.test pages (edited)");
  });
});
