/**
 * Background tasks on Slack (both databases, two workspaces/tenants): a task started by a mention
 * reports its result once, in the thread it started in (not at top level, not in another thread),
 * and `cancel all` typed as a bare word in the thread stops the other workspace's nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tasks } from "../../src/db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";

describe.each(DB_KINDS)("background tasks on Slack, %s Postgres", (kind) => {
  let llm: LlmMock;
  let acme: SlackWorkspace;
  let globex: SlackWorkspace;
  let t: TestApp;
  const url = { acme: "", globex: "" };

  const slack = (ws: SlackWorkspace) => ({ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId });
  const deliver = async (req: () => Request) => {
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(req());
      if (res.status !== 503 || i > 100) return res;
      await Bun.sleep(50);
    }
  };
  const botSaid = async (ws: SlackWorkspace, threadTs?: string) => (await ws.messages(ws.channel, threadTs)).filter((m) => m.user === ws.bot.userId).map((m) => m.text ?? "");

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("ok");
    llm.on({ lastUser: "research" }, { toolCalls: [{ name: "start_task", arguments: { goal: "quarterly numbers" } }] });
    llm.on({ lastUser: "research", hasToolResult: true }, { text: "On it." });
    llm.on({ lastUser: "Goal: quarterly numbers" }, { text: "Revenue is up.", delayMs: 1000 });
    [acme, globex] = await Promise.all([startSlackWorkspace({ teamId: "T0ACME" }), startSlackWorkspace({ teamId: "T0GLOBEX" })]);
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      jobs: { poll_seconds: 0.5 },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [slack(acme)] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: [slack(globex)] }] },
      ],
    });
    url.acme = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
    url.globex = `http://localhost/hooks/slack/${(await t.channel("globex", "slack")).channelId}`;
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), acme.stop(), globex.stop()]);
  });

  test("the result lands once, in the thread the task started in", async () => {
    const other = slackEvents.appMention(acme, { text: "just saying hi" });
    const ev = slackEvents.appMention(acme, { text: "research the quarter" });
    expect((await deliver(() => acme.signed(other, { url: url.acme }))).status).toBe(200);
    expect((await deliver(() => acme.signed(ev, { url: url.acme }))).status).toBe(200);
    await eventually(async () => (await botSaid(acme, ev.event.ts)).length >= 2 || null, 15_000, "result in thread");
    await Bun.sleep(1500);
    const inThread = await botSaid(acme, ev.event.ts);
    expect(inThread[0]).toBe("On it.");
    expect(inThread.filter((m) => m.includes("Revenue is up."))).toHaveLength(1);
    expect(inThread[1]).toMatch(/^\*Task #1 done\*/);
    expect((await botSaid(acme, other.event.ts)).some((m) => m.includes("Revenue"))).toBe(false);
    // Globex's workspace saw nothing of it.
    expect((await botSaid(globex)).length).toBe(0);
    const { tenantId } = await t.channel("acme", "slack");
    const [row] = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(tasks));
    expect(row!.status).toBe("done");
    expect(row!.chatKey).toBe(`${acme.channel}:${ev.event.ts}`);
  }, 40_000);

  test("bare `cancel all` and `tasks` in another workspace touch nothing of this one's", async () => {
    llm.on({ lastUser: "Goal: quarterly numbers" }, { text: "late", delayMs: 20_000 });
    const ev = slackEvents.appMention(acme, { text: "research again" });
    await deliver(() => acme.signed(ev, { url: url.acme }));
    const { tenantId } = await t.channel("acme", "slack");
    await eventually(async () => (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(tasks))).some((r) => r.status === "running") || null, 10_000, "running");
    const g = slackEvents.appMention(globex, { text: "cancel all" });
    await deliver(() => globex.signed(g, { url: url.globex }));
    await eventually(async () => (await botSaid(globex, g.event.ts)).length > 0 || null, 10_000, "globex answered");
    expect((await botSaid(globex, g.event.ts))[0]).toBe("You have no running or queued tasks.");
    const c = slackEvents.appMention(acme, { text: "cancel all", threadTs: ev.event.ts });
    await deliver(() => acme.signed(c, { url: url.acme }));
    await eventually(async () => (await botSaid(acme, ev.event.ts)).some((m) => m.startsWith("Cancelled task #2")) || null, 10_000, "cancelled");
    expect((await t.app.db.withTenant(tenantId, (tx) => tx.select().from(tasks))).find((r) => r.number === 2)!.status).toBe("cancelled");
  }, 40_000);
});
