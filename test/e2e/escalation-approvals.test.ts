/**
 * An approval denied twice in one conversation escalates (rule `approvals_denied >= 2`), from where
 * the denial happens (ApprovalFlow's decided hook): Telegram emulator → app → LLM mock, both
 * databases. The first denial does not escalate; a denial in another conversation does not count.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../../src/db/schema/index.ts";
import type { EscalationRequest } from "../../src/escalation/types.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

describe.each(DB_KINDS)("escalation after approvals denied twice on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let tenantId = "";
  const escalated: EscalationRequest[] = [];

  const prompts = (chatId: number) => tg.botReplies(chatId).filter((r) => r.reply_markup?.inline_keyboard?.length);
  const deny = (prompt: BotReply) => tg.userClicks(prompt, prompt.reply_markup!.inline_keyboard.flat().find((b) => b.text === "Deny")!.callback_data!);
  async function askAndDeny(chatId: number, marker: string) {
    scriptInjectedDigest(llm, marker, pages.url("/hostile"));
    const n = prompts(chatId).length;
    await tg.userSends(chatId, `${marker} please`);
    const prompt = await eventually(() => prompts(chatId)[n], 15_000, "approval prompt");
    await deny(prompt);
    await eventually(() => tg.botReplies(chatId).find((r) => r.visible === `Understood, nothing was posted (${marker}).`), 15_000, "reply after denial");
    await t.app.gateway.pipeline.idle();
  }
  const entries = () => t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "escalation.requested")));

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    pages = await startPages();
    const rules = [{ name: "denied_twice", when: "approvals_denied >= 2", reason: "The customer refused an action twice" }];
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 6, escalation: { rules }, channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
      },
      { resolver: testResolver, escalate: async (req) => void escalated.push(req) },
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

  test("the second denial in a conversation escalates; one in another conversation does not count", async () => {
    await askAndDeny(8801, "deny-other");
    await askAndDeny(8802, "deny-one");
    await Bun.sleep(300);
    expect(await entries()).toEqual([]);
    await askAndDeny(8802, "deny-two");
    const [e] = await eventually(async () => ((await entries()).length ? entries() : null), 10_000, "escalation entry");
    expect(e!.data).toMatchObject({ rule: "denied_twice", reason: "The customer refused an action twice", source: "approval", signals: { approvals_denied: 2 } });
    expect(escalated).toEqual([{ tenantId, agentId: e!.agentId!, conversationId: e!.conversationId!, reason: "The customer refused an action twice", rule: "denied_twice", source: "approval" }]);
  }, 90_000);
});
