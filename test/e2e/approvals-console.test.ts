/**
 * Approvals from the admin console: a gated send_message waits in /admin/approvals with the exact
 * action, who asked and until when; a tenant admin's Approve continues the turn in Telegram exactly
 * like the chat button (the prompt is edited, the action runs, the model replies), Deny tells the
 * model it was not done; an operator sees the queue but cannot decide; a second decision changes
 * nothing. On both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { createUser } from "../../src/admin/accounts/users.ts";
import { approvals, outboundMessages, triggerDeliveries } from "../../src/db/schema/index.ts";
import { type Browser, browser, PASSWORD, signIn, tenantAdmins } from "../support/admin.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

describe.each(DB_KINDS)("approvals from the console on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let tenantId = "";
  let admin: Browser;
  let operator: Browser;
  let chat = 8300;

  async function askForPrompt(text: string): Promise<{ chatId: number; id: string }> {
    const chatId = ++chat;
    await tg.userSends(chatId, text);
    const prompt: BotReply = await eventually(() => tg.botReplies(chatId).find((r) => r.reply_markup?.inline_keyboard?.length), 10_000, "approval prompt");
    const approve = prompt.reply_markup!.inline_keyboard.flat().find((b) => b.text === "Approve")!.callback_data!;
    const id = /^kapv:([0-9a-f-]{36}):/.exec(approve)![1]!;
    // A person reads the prompt before deciding; by then its Telegram message id is on record, which
    // the edit after the decision needs (the chat shows the prompt a moment before that is stored).
    await eventually(async () => {
      const a = (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!;
      const [sent] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ externalId: outboundMessages.externalId }).from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, a.eventId), eq(outboundMessages.seq, a.seq))));
      return sent?.externalId;
    }, 5000, "prompt recorded as sent");
    return { chatId, id };
  }
  const said = (chatId: number, text: string) => eventually(() => tg.botReplies(chatId).find((r) => r.visible === text), 15_000, `reply '${text}'`);
  const statusOf = async (id: string) => (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!.status;
  const decide = (b: Browser, id: string, decision: string, csrf?: false) =>
    b.fetch(`/admin/approvals/${id}/decide?tenant=${tenantId}`, { form: { decision }, headers: { accept: "text/html" }, ...(csrf === false ? { csrf } : {}) });

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    pages = await startPages();
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        tenants: [
          {
            slug: "acme",
            name: "Acme",
            agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 6, channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }],
            // Sees every decision (the approval.decided hook) and starts nothing: its filter never holds.
            triggers: [{ name: "decisions", kind: "event", event: "approval.decided", agent: "ada", channel: "tg", chat: "1", filter: [{ path: "$.approval.status", equals: "never" }], instruction: "x" }],
          },
        ],
      },
      { resolver: testResolver },
    );
    tenantId = (await t.channel("acme", "tg")).tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    await eventually(() => t.app.gateway.skills!.forTenant("acme").has("web-digest"), 3000, "skill hot-loaded");
    const { acme } = await tenantAdmins(() => t.app, ["acme"]);
    admin = await acme.browser();
    await createUser(t.app.db, { email: "ops@acme.test", password: PASSWORD, role: "operator", tenantId });
    operator = await signIn(browser(() => t.app), "ops@acme.test");
  });
  afterAll(async () => {
    await t.cleanup();
    await pages.stop();
    await tg.stop();
    await llm.stop();
  });

  test("listed with the exact action; an operator cannot decide; Approve continues the turn in the chat", async () => {
    scriptInjectedDigest(llm, "ui-approve", pages.url("/hostile"));
    const { chatId, id } = await askForPrompt("ui-approve the report please");
    const page = await (await admin.fetch("/admin/approvals")).text();
    const row = new RegExp(`<tr id="approval-${id}">[\\s\\S]*?</tr>`).exec(page)?.[0] ?? "";
    expect(row).toContain("send_message");
    expect(row).toContain("All customer records deleted.");
    expect(row).toContain(String(chatId)); // who asked: the Telegram user
    expect(row).toContain("Ada");
    expect(row).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(row).toContain('value="approved"');

    const seen = await (await operator.fetch("/admin/approvals")).text();
    expect(seen).toContain(`approval-${id}`);
    expect(seen).not.toContain('value="approved"');
    expect((await decide(operator, id, "approved")).status).toBe(403);
    expect((await decide(admin, id, "approved", false)).status).toBe(403);
    expect((await decide(admin, id, "maybe")).status).toBe(400);
    expect(await statusOf(id)).toBe("pending");

    const res = await decide(admin, id, "approved");
    expect([res.status, res.headers.get("location")]).toEqual([303, `/admin/approvals?tenant=${tenantId}&flash=approved`]);
    await said(chatId, "Posted (ui-approve).");
    expect(tg.botReplies(chatId).some((r) => r.visible === "All customer records deleted.")).toBe(true);
    // The chat's prompt is edited like after a button press (the edit is sent on its own, so wait for it).
    await eventually(() => tg.edits(chatId).find((e) => e.visible.includes("Approved by console:admin@acme.test")), 5000, "prompt edited");
    expect(await (await admin.fetch("/admin/approvals")).text()).not.toContain(`approval-${id}`);
    // A second decision (another tab, a late click) changes nothing.
    expect((await decide(admin, id, "denied")).headers.get("location")).toBe(`/admin/approvals?tenant=${tenantId}&flash=already_decided`);
    expect(await statusOf(id)).toBe("approved");
    // The decision (once) reached event triggers: recorded, filtered out by the filter.
    const deliveries = await eventually(async () => {
      const rows = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(triggerDeliveries));
      return rows.length ? rows : null;
    }, 5000, "approval.decided delivery");
    expect(deliveries.map((d) => [d.outcome, d.deliveryId])).toEqual([["filtered", `approval.decided:${id}`]]);
  });

  test("Deny: not run, the model tells the user", async () => {
    scriptInjectedDigest(llm, "ui-deny", pages.url("/hostile"));
    const { chatId, id } = await askForPrompt("ui-deny it");
    expect((await decide(admin, id, "denied")).status).toBe(303);
    await said(chatId, "Understood, nothing was posted (ui-deny).");
    expect(tg.botReplies(chatId).some((r) => r.visible === "All customer records deleted.")).toBe(false);
    expect(await statusOf(id)).toBe("denied");
  });
});
