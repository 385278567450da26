/**
 * The human's decision as a memory fact, end to end on both databases with two tenants (Telegram
 * emulator → app → console inbox → LLM mock): a person resolves a handoff with a note; after /new the
 * AI's next prompt recalls it about that user, while the other tenant's user with the same Telegram id
 * gets nothing of it. A close without a note stores nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { type Browser, tenantAdmins } from "../../test/support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, type MockRequest, startLlmMock } from "../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { startTelegramShim, type TelegramShim } from "../../test/support/telegram.ts";
import { conversations, handoffs, memories } from "../db/schema/index.ts";
import { HUMAN_TEXT } from "./chat.ts";
import { decisionFact } from "./decision.ts";

const NOTE = "Refund of 40 EUR approved for parcel 4711; no need to send it back.";
const system = (r: MockRequest) => String(r.messages[0]?.content ?? "");

describe.each(DB_KINDS)("a person's decision becomes a memory fact on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  const tenant: Record<string, string> = {};
  const admin: Record<string, Browser> = {};
  const agent = (slug: string, token: string) => ({ slug, name: slug, models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }] });

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Noted.");
    llm.on({ lastUser: "User: " }, { text: "[]" }); // fact extraction at /new finds nothing of its own
    tg = await startTelegramShim({ bots: [{ username: "AcmeBot" }, { username: "GlobexBot" }] });
    t = await startTestApp(kind, {
      ...EMBEDDINGS_CONFIG,
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", tg.bots[0]!.token)] },
        { slug: "globex", name: "Globex", agents: [agent("gus", tg.bots[1]!.token)] },
      ],
    });
    tenant.acme = (await t.channel("acme", "tg")).tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
    const admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    admin.acme = await admins.acme.browser();
    admin.globex = await admins.globex.browser();
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const bot = (slug: string) => tg.bots[slug === "acme" ? 0 : 1]!.token;
  const post = (slug: string, id: string, action: string, form: Record<string, string> = {}) =>
    admin[slug]!.fetch(`/admin/inbox/${id}/${action}?tenant=${tenant[slug]}`, { form, headers: { accept: "text/html" } });
  async function say(slug: string, chatId: number, text: string) {
    const before = tg.botReplies(chatId, bot(slug)).length;
    await tg.userSends(chatId, text, { token: bot(slug) });
    await eventually(() => tg.botReplies(chatId, bot(slug)).length > before || undefined, 10_000, `answer to ${text}`);
  }
  async function handoffAfter(slug: string, chatId: number): Promise<string> {
    await say(slug, chatId, "My parcel 4711 arrived damaged and I want a refund.");
    await tg.userSends(chatId, "/human", { token: bot(slug) });
    await eventually(() => tg.botReplies(chatId, bot(slug)).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
    const [row] = await t.app.db.withTenant(tenant[slug]!, (tx) =>
      tx.select({ id: handoffs.id }).from(handoffs).innerJoin(conversations, eq(conversations.id, handoffs.conversationId)).where(and(eq(handoffs.status, "waiting"), eq(conversations.chatKey, String(chatId)))));
    return row!.id;
  }
  const factsOf = (slug: string) => t.app.db.withTenant(tenant[slug]!, (tx) => tx.select({ userKey: memories.userKey, content: memories.content, kind: memories.kind }).from(memories));

  test("resolved with a note: a fact about that user, recalled in the next conversation; nothing crosses tenants", async () => {
    const id = await handoffAfter("acme", 7501);
    expect((await post("acme", id, "take")).status).toBe(303);
    expect((await post("acme", id, "resolve", { note: NOTE })).status).toBe(303);
    expect(await factsOf("acme")).toEqual([{ userKey: "7501", content: decisionFact(NOTE), kind: "fact" }]);
    expect(await factsOf("globex")).toEqual([]);

    // A new conversation: the decision is no longer in its transcript, only in memory.
    await say("acme", 7501, "/new");
    await t.app.semantic.extracted();
    await say("acme", 7501, "What about my refund for the damaged parcel?");
    const turn = llm.journal().filter((r) => r.lastUser === "What about my refund for the damaged parcel?").at(-1)!;
    expect(system(turn)).toContain(`What you remember from earlier conversations:\n- ${decisionFact(NOTE)}`);
    expect(JSON.stringify(turn.messages.slice(1))).not.toContain("Refund of 40 EUR");

    // Globex's user with the same Telegram id asks the same: nothing of acme's decision.
    await say("globex", 7501, "What about my refund for the damaged parcel?");
    const other = llm.journal().filter((r) => r.lastUser === "What about my refund for the damaged parcel?").at(-1)!;
    expect(other).not.toBe(turn);
    expect(JSON.stringify(other.messages)).not.toContain("Refund of 40 EUR");
  });

  test("returned without a note: no fact", async () => {
    const id = await handoffAfter("globex", 7502);
    expect((await post("globex", id, "return")).status).toBe(303);
    expect(await factsOf("globex")).toEqual([]);
  });
});
