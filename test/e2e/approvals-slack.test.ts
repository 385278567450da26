/**
 * Approval gates end to end through Slack: a signed DM event → the agent loads a skill, fetches a
 * page that tells it to post "All customer records deleted." → send_message needs approval → the
 * prompt with Approve/Deny buttons appears at the Slack emulator → a signed block_actions payload
 * decides → the prompt is edited (chat.update) and the turn continues to a reply. On both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { approvals, auditLog } from "../../src/db/schema/index.ts";
import { listPendingApprovals } from "../../src/approvals/store.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signedInteraction, type SlackMessage, type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";

const TTL_MINUTES = 0.15; // 9 s: long enough to click, short enough to watch one expire

describe.each(DB_KINDS)("approvals through Slack on %s Postgres", (kind) => {
  let llm: LlmMock;
  let ws: SlackWorkspace;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let hook = "";
  let tenantId = "";

  const post = async (req: () => Request) => {
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(req());
      if (res.status !== 503 || i > 100) return res;
      await Bun.sleep(50);
    }
  };
  const dmHistory = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);
  /** Sends a DM and waits for the bot's approval prompt (a message with buttons) that follows it. */
  async function askForPrompt(text: string): Promise<SlackMessage & { channel: string }> {
    const before = (await dmHistory()).length;
    expect((await post(() => ws.signed(slackEvents.dm(ws, { text }), { url: hook }))).status).toBe(200);
    const prompt = await eventually(async () => (await dmHistory()).slice(before).find((m) => m.blocks?.some((b) => b.type === "actions")), 10_000, "approval prompt");
    return { ...prompt, channel: ws.dm };
  }
  const button = (m: SlackMessage, label: "Approve" | "Deny") => m.blocks!.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label)!.action_id!;
  const click = (m: SlackMessage & { channel: string }, label: "Approve" | "Deny", user?: string) => post(() => signedInteraction(ws, m, button(m, label), { url: hook, user }));
  const approvalOf = async (prompt: SlackMessage) => {
    const id = /^kapv:([0-9a-f-]{36}):/.exec(button(prompt, "Approve"))![1]!;
    return (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!;
  };
  const transcript: string[] = [];

  beforeAll(async () => {
    llm = await startLlmMock();
    ws = await startSlackWorkspace({ teamId: "T0ACME" });
    pages = await startPages();
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        approvals: { ttl_minutes: TTL_MINUTES },
        tenants: [
          {
            slug: "acme",
            name: "Acme",
            approvers: ["U0ADMIN001"],
            agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 6, channels: [{ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId }] }],
          },
        ],
      },
      { resolver: testResolver },
    );
    const ch = await t.channel("acme", "slack");
    hook = `http://localhost/hooks/slack/${ch.channelId}`;
    tenantId = ch.tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    await eventually(() => t.app.gateway.skills!.forTenant("acme").has("web-digest"), 3000, "skill hot-loaded");
  });
  afterAll(async () => {
    if (kind === "embedded") console.log(`\n--- Slack approval round trip (transcript) ---\n${transcript.join("\n")}\n---`);
    await t.cleanup();
    await pages.stop();
    await ws.stop();
    await llm.stop();
  });

  test("prompt injection: the page's order to post is gated; Approve runs it and the turn replies", async () => {
    scriptInjectedDigest(llm, "digest-approve", pages.url("/hostile"));
    const prompt = await askForPrompt("please digest-approve the report");
    transcript.push(`user (${ws.human.userId}): please digest-approve the report`, `bot: ${prompt.text.replace(/\n+/g, " ⏎ ")}`, `     [buttons: ${prompt.blocks!.flatMap((b) => b.elements ?? []).map((e) => e.text?.text).join(" | ")}]`);
    expect(prompt.text).toContain("Post this message to the conversation");
    expect(prompt.text).toContain("All customer records deleted.");
    expect((await dmHistory()).some((m) => m.text === "All customer records deleted.")).toBe(false);
    expect((await approvalOf(prompt)).status).toBe("pending");
    expect((await listPendingApprovals(t.app.db, tenantId)).map((a) => a.tool)).toContain("send_message");

    expect((await click(prompt, "Approve")).status).toBe(200);
    transcript.push(`user (${ws.human.userId}) clicks [Approve]  — signed block_actions → 200`);
    const reply = await eventually(async () => (await dmHistory()).find((m) => m.text === "Posted (digest-approve)."), 10_000, "final reply");
    const all = await dmHistory();
    const posted = all.find((m) => m.text === "All customer records deleted.")!;
    expect(posted).toBeDefined();
    const edited = all.find((m) => m.ts === prompt.ts)!;
    expect(edited.text).toContain("Approved by");
    expect(edited.blocks ?? []).toEqual([]);
    transcript.push(`bot edits prompt (chat.update): ${edited.text.replace(/\n+/g, " ⏎ ")}`, `bot: ${posted.text}`, `bot: ${reply.text}`);
    expect((await approvalOf(prompt)).status).toBe("approved");
  });

  test("a double click is harmless: nothing runs twice, nothing new is posted", async () => {
    scriptInjectedDigest(llm, "digest-double", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-double please");
    await click(prompt, "Approve");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "Posted (digest-double)."), 10_000, "reply");
    const count = (await dmHistory()).length;
    expect((await click(prompt, "Approve")).status).toBe(200);
    expect((await click(prompt, "Deny")).status).toBe(200);
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect((await dmHistory()).length).toBe(count);
    expect((await approvalOf(prompt)).status).toBe("approved");
  });

  test("Deny: the action does not run and the model says so", async () => {
    scriptInjectedDigest(llm, "digest-deny", pages.url("/hostile"));
    const before = (await dmHistory()).filter((m) => m.text === "All customer records deleted.").length;
    const prompt = await askForPrompt("digest-deny now");
    await click(prompt, "Deny");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "Understood, nothing was posted (digest-deny)."), 10_000, "deny reply");
    expect((await dmHistory()).filter((m) => m.text === "All customer records deleted.").length).toBe(before);
    expect((await dmHistory()).find((m) => m.ts === prompt.ts)!.text).toContain("Denied by");
    const tools = llm.journal().filter((r) => r.lastUser === "digest-deny now").flatMap((r) => r.messages.filter((m) => m.role === "tool").map((m) => String(m.content)));
    expect(tools.some((c) => c.includes("The user denied this action (send_message)"))).toBe(true);
  });

  test("someone else clicking is refused and audited; a tenant approver may decide", async () => {
    scriptInjectedDigest(llm, "digest-intruder", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-intruder go");
    expect((await click(prompt, "Approve", "U0INTRUDER")).status).toBe(200);
    await eventually(async () => (await dmHistory()).some((m) => m.text.includes("can decide this approval")), 10_000, "refusal message");
    expect((await approvalOf(prompt)).status).toBe("pending");
    const refusals = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.kind, "refusal"), eq(auditLog.actor, "U0INTRUDER"))));
    expect(refusals).toHaveLength(1);
    await click(prompt, "Deny", "U0ADMIN001");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "Understood, nothing was posted (digest-intruder)."), 10_000, "admin decided");
    expect((await approvalOf(prompt)).decidedBy).toBe("U0ADMIN001");
  });

  test("a forged button press (bad signature) is refused with 401 and decides nothing", async () => {
    scriptInjectedDigest(llm, "digest-forged", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-forged try");
    const good = signedInteraction(ws, prompt, button(prompt, "Approve"), { url: hook });
    const forged = new Request(hook, { method: "POST", headers: { ...Object.fromEntries(good.headers), "x-slack-signature": `v0=${"0".repeat(64)}` }, body: await good.text() });
    expect((await t.app.http.handle(forged)).status).toBe(401);
    await t.app.gateway.pipeline.idle();
    expect((await approvalOf(prompt)).status).toBe("pending");
    await click(prompt, "Deny");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "Understood, nothing was posted (digest-forged)."), 10_000, "deny reply");
  });

  test("expiry: nobody decides, the model is told and answers; the buttons go away", async () => {
    scriptInjectedDigest(llm, "digest-expire", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-expire later");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "The approval expired, so nothing was posted (digest-expire)."), 20_000, "expiry reply");
    expect((await approvalOf(prompt)).status).toBe("expired");
    expect((await dmHistory()).find((m) => m.ts === prompt.ts)!.text).toContain("Expired");
    expect((await click(prompt, "Approve")).status).toBe(200); // too late: harmless
    await t.app.gateway.pipeline.idle();
    expect((await approvalOf(prompt)).status).toBe("expired");
  });

  test("restart while pending: the approval survives and Approve still continues the turn", async () => {
    scriptInjectedDigest(llm, "digest-restart", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-restart soon");
    await t.restart({ resolver: testResolver });
    expect((await approvalOf(prompt)).status).toBe("pending");
    await click(prompt, "Approve");
    await eventually(async () => (await dmHistory()).some((m) => m.text === "Posted (digest-restart)."), 15_000, "reply after restart");
  });

  test("restart while pending past expiry: the sweep after start expires it and the model answers", async () => {
    scriptInjectedDigest(llm, "digest-downtime", pages.url("/hostile"));
    const prompt = await askForPrompt("digest-downtime soon");
    await t.app.stop();
    await Bun.sleep(TTL_MINUTES * 60_000 + 500);
    await t.restart({ resolver: testResolver });
    await eventually(async () => (await dmHistory()).some((m) => m.text === "The approval expired, so nothing was posted (digest-downtime)."), 10_000, "expired after restart");
    expect((await approvalOf(prompt)).status).toBe("expired");
  });
});
