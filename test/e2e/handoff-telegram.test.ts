/**
 * Human handoff through Telegram, two tenants (one bot each), on both databases: a user asks for a
 * person in German, the model calls `escalate` and tells them; while the handoff is open the AI is
 * silent (the LLM mock's journal shows no call) and the user's messages are kept in the
 * conversation; a person takes it and answers (exactly once, marked as from a person, only the
 * owner); the other tenant's chat is untouched; `/human` is idempotent; after the handoff is
 * returned to the AI, its next prompt contains what was said meanwhile; human mode survives a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, handoffs, messages } from "../../src/db/schema/index.ts";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { replyAsHuman } from "../../src/handoff/reply.ts";
import { closeHandoff, takeHandoff } from "../../src/handoff/store.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

describe.each(DB_KINDS)("handoff through Telegram on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  const tenant: Record<string, string> = {};
  const agent = (slug: string, token: string) => ({
    slug, name: slug, models: ["mock/m"], max_tool_iterations: 4,
    channels: [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }],
  });

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeBot" }, { username: "GlobexBot" }] });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", tg.bots[0]!.token)] },
        { slug: "globex", name: "Globex", agents: [agent("gus", tg.bots[1]!.token)] },
      ],
    });
    tenant.acme = (await t.channel("acme", "tg")).tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const said = (chatId: number, text: string, token?: string) =>
    eventually(() => tg.botReplies(chatId, token).find((r) => r.visible.includes(text)), 15_000, `reply '${text}'`);

  test("escalate → silence while a person handles it → returned: the AI sees what was said meanwhile", async () => {
    const acmeBot = tg.bots[0]!.token;
    llm.on({ lastUser: "Menschen", hasToolResult: false }, { toolCalls: [{ name: "escalate", arguments: { reason: "Kunde möchte einen Menschen" } }] });
    llm.on({ lastUser: "Menschen", toolResult: "escalated:" }, { text: "Ein Mensch antwortet Ihnen hier gleich." });
    await tg.userSends(7001, "Ich möchte bitte mit einem Menschen sprechen", { token: acmeBot });
    await said(7001, "Ein Mensch antwortet", acmeBot);
    const [open] = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffs));
    expect(open).toMatchObject({ status: "waiting", source: "tool", reason: "Kunde möchte einen Menschen" });

    const calls = llm.journal().length;
    await tg.userSends(7001, "Meine Bestellnummer ist 4711", { token: acmeBot });
    await eventually(async () => {
      const rows = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(messages).where(eq(messages.content, "Meine Bestellnummer ist 4711")));
      return rows.length === 1 || undefined;
    }, 10_000, "held message stored");
    await t.app.gateway.pipeline.idle();
    await Bun.sleep(300);
    expect(llm.journal().length).toBe(calls);
    expect(tg.botReplies(7001, acmeBot).filter((r) => r.visible.includes("4711"))).toHaveLength(0);
    expect(tg.botReplies(7001, acmeBot)).toHaveLength(1);

    // The other tenant's chat is not in human mode: its AI answers.
    llm.on({ lastUser: "globex hello" }, { text: "Hello from Gus." });
    await tg.userSends(7001, "globex hello", { token: tg.bots[1]!.token });
    await said(7001, "Hello from Gus.", tg.bots[1]!.token);
    expect(await t.app.db.withTenant(tenant.globex!, (tx) => tx.select().from(handoffs))).toHaveLength(0);

    // Maria takes it and answers; the same reply delivered twice (a redelivered thread message) goes out once.
    const beforeHuman = llm.journal().length;
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => takeHandoff(tx, open!.id, "maria"))).not.toBeNull();
    const reply = { handoffId: open!.id, owner: "maria", name: "Maria", key: "slack:C1:1700.0001", text: "Ihre Bestellung 4711 ist unterwegs." };
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.acme!, reply)).toBe("sent");
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.acme!, reply)).toBe("sent");
    await said(7001, "Maria (human): Ihre Bestellung 4711 ist unterwegs.", acmeBot);
    await Bun.sleep(300);
    expect(tg.botReplies(7001, acmeBot).filter((r) => r.visible.includes("Maria (human)"))).toHaveLength(1);
    // Only the owner may answer; another tenant cannot answer it at all.
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.acme!, { ...reply, owner: "jon", key: "k2" })).toBe("not_owner");
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.globex!, { ...reply, key: "k3" })).toBe("not_owner");
    expect(llm.journal().length).toBe(beforeHuman);

    // Handed back to the AI: its next prompt holds what the user and the person said meanwhile.
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => closeHandoff(tx, open!.id, "returned", "maria"))).not.toBeNull();
    llm.on({ lastUser: "noch da?" }, { text: "Ja, zu Bestellung 4711." });
    await tg.userSends(7001, "noch da?", { token: acmeBot });
    await said(7001, "Ja, zu Bestellung 4711.", acmeBot);
    const prompt = llm.journal().filter((r) => r.lastUser === "noch da?").at(-1)!;
    expect(JSON.stringify(prompt.messages)).toContain("Meine Bestellnummer ist 4711");
    expect(JSON.stringify(prompt.messages)).toContain("Maria (human): Ihre Bestellung 4711 ist unterwegs.");
    const steps = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ data: auditLog.data }).from(auditLog).where(and(eq(auditLog.kind, "handoff"))));
    expect(steps.map((s) => (s.data as { step: string }).step)).toEqual(expect.arrayContaining(["escalated", "held", "taken", "replied", "returned"]));
  });

  test("/human opens a handoff once, without a model call", async () => {
    const bot = tg.bots[1]!.token;
    const calls = llm.journal().length;
    await tg.userSends(7100, "/human", { token: bot });
    await said(7100, HUMAN_TEXT.escalated, bot);
    await tg.userSends(7100, "/human", { token: bot });
    await said(7100, HUMAN_TEXT.already, bot);
    expect(llm.journal().length).toBe(calls);
    const rows = await t.app.db.withTenant(tenant.globex!, (tx) => tx.select().from(handoffs).where(eq(handoffs.source, "command")));
    expect(rows).toHaveLength(1);
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffs).where(eq(handoffs.source, "command")))).toHaveLength(0);
    const exposed = await (await t.app.http.handle(new Request("http://localhost/metrics"))).text();
    expect(exposed).toContain('konstruct_handoffs_total{source="command"} 1');
    expect(exposed).toContain('konstruct_handoffs_total{source="tool"} 1');
    // By agent id and reason id (the rule's name), never the free text: one series per agent here.
    const agentOf = async (tenantId: string) => (await t.app.db.withTenant(tenantId, (tx) => tx.select({ a: handoffs.agentId }).from(handoffs)))[0]!.a;
    expect(exposed).toContain(`konstruct_escalations_total{agent="${await agentOf(tenant.globex!)}",reason="human_command"} 1`);
    expect(exposed).toContain(`konstruct_escalations_total{agent="${await agentOf(tenant.acme!)}",reason="escalate_tool"} 1`);
    expect(exposed).not.toContain("Kunde möchte");
  });

  test("after a restart the chat is still in human mode: no model call, the message is kept", async () => {
    const bot = tg.bots[1]!.token;
    await t.restart();
    const calls = llm.journal().length;
    await tg.userSends(7100, "nach dem Neustart noch jemand da?", { token: bot });
    await eventually(async () => {
      const rows = await t.app.db.withTenant(tenant.globex!, (tx) => tx.select().from(messages).where(eq(messages.content, "nach dem Neustart noch jemand da?")));
      return rows.length === 1 || undefined;
    }, 15_000, "held message stored after restart");
    await t.app.gateway.pipeline.idle();
    expect(llm.journal().length).toBe(calls);
    expect(tg.botReplies(7100, bot)).toHaveLength(2);
  });
});
