/**
 * Slack end to end: signed Events API requests into the real app (createApp, real database of
 * both kinds) → Slack adapter → pipeline → LLM mock → chat.postMessage on the Slack emulator.
 * Two tenants with two workspaces run side by side and must never cross.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { inboundEvents } from "../../src/db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";

describe.each(DB_KINDS)("Slack end to end on %s Postgres", (kind) => {
  let llm: LlmMock;
  let acme: SlackWorkspace;
  let globex: SlackWorkspace;
  let t: TestApp;
  const url = { acme: "", globex: "" };

  const slack = (ws: SlackWorkspace, name: string) => ({ kind: "slack", name, bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId });
  /** Posts like Slack does: a 503 (connection still identifying itself) is retried. */
  const deliver = async (req: () => Request) => {
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(req());
      if (res.status !== 503 || i > 100) return res;
      await Bun.sleep(50);
    }
  };
  const botReplies = async (ws: SlackWorkspace, channel: string, threadTs?: string) =>
    (await ws.messages(channel, threadTs)).filter((m) => m.user === ws.bot.userId);
  const storedEvents = async () => {
    let n = 0;
    for (const tenant of ["acme", "globex"]) {
      const { tenantId } = await t.channel(tenant, "slack");
      n += (await t.app.db.withTenant(tenantId, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(inboundEvents)))[0]!.n;
    }
    return n;
  };

  beforeAll(async () => {
    llm = await startLlmMock();
    [acme, globex] = await Promise.all([startSlackWorkspace({ teamId: "T0ACME" }), startSlackWorkspace({ teamId: "T0GLOBEX" })]);
    const agent = (slug: string, name: string, ws: SlackWorkspace) => ({ slug, name, persona: `${name}'s persona`, models: ["primary/main", "backup/spare"], channels: [slack(ws, "slack")] });
    t = await startTestApp(kind, {
      llm: {
        providers: [
          { id: "primary", kind: "openai", base_url: llm.url, timeout_ms: 5000 },
          { id: "backup", kind: "ollama", base_url: llm.ollamaUrl, timeout_ms: 5000 },
        ],
      },
      limits: { user: { capacity: 3, refill_per_sec: 0.001 } },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", "Ada", acme)] },
        { slug: "globex", name: "Globex", agents: [agent("bob", "Bob", globex)] },
      ],
    });
    url.acme = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
    url.globex = `http://localhost/hooks/slack/${(await t.channel("globex", "slack")).channelId}`;
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), acme.stop(), globex.stop()]);
  });
  beforeEach(async () => {
    await llm.reset();
    llm.replyAll("Happy to **help**.");
  });

  test("url_verification is answered with the challenge", async () => {
    const res = await deliver(() => acme.signed({ type: "url_verification", challenge: "c-123", token: "x" }, { url: url.acme }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "c-123" });
  });

  test("a mention in a channel is answered in its thread, in Slack's mrkdwn", async () => {
    const ev = slackEvents.appMention(acme, { text: "what's up?", user: "U0MENTION" });
    expect((await deliver(() => acme.signed(ev, { url: url.acme }))).status).toBe(200);
    const [reply] = await eventually(() => botReplies(acme, acme.channel, ev.event.ts).then((r) => (r.length ? r : null)), 10_000, "threaded reply");
    expect(reply!.text).toBe("Happy to *help*.");
    expect(reply!.thread_ts).toBe(ev.event.ts);
    expect(llm.journal().at(-1)!.lastUser).toBe("what's up?");
  });

  test("a direct message is answered", async () => {
    const ev = slackEvents.dm(acme, { text: "hi in private", user: "U0DM" });
    expect((await deliver(() => acme.signed(ev, { url: url.acme }))).status).toBe(200);
    await t.app.gateway.pipeline.idle();
    const replies = await botReplies(acme, acme.dm);
    expect(replies.at(-1)!.text).toBe("Happy to *help*.");
  });

  test("Slack's retry of the same event gets one answer", async () => {
    const ev = slackEvents.appMention(acme, { text: "only once", user: "U0RETRY" });
    const first = await deliver(() => acme.signed(ev, { url: url.acme }));
    const retries = await Promise.all([1, 2].map((n) => deliver(() => acme.signed(ev, { url: url.acme, retryNum: n }))));
    expect([first, ...retries].map((r) => r.status)).toEqual([200, 200, 200]);
    await t.app.gateway.pipeline.idle();
    expect(await botReplies(acme, acme.channel, ev.event.ts)).toHaveLength(1);
    expect(llm.journal()).toHaveLength(1);
  });

  test("a bad signature or a stale timestamp is 401 and nothing is stored", async () => {
    const before = await storedEvents();
    const ev = slackEvents.appMention(acme, { text: "forged", user: "U0FORGE" });
    const forged = await deliver(() => globex.signed(ev, { url: url.acme }));
    const stale = await deliver(() => acme.signed(ev, { url: url.acme, ts: Math.floor(Date.now() / 1000) - 6 * 60 }));
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect(await storedEvents()).toBe(before);
    expect(llm.journal()).toHaveLength(0);
  });

  test("an unknown connection is refused, never routed to a default tenant", async () => {
    const ev = slackEvents.appMention(acme, { user: "U0LOST" });
    const res = await deliver(() => acme.signed(ev, { url: "http://localhost/hooks/slack/00000000-0000-4000-8000-000000000000" }));
    expect(res.status).toBe(404);
  });

  test("two tenants, two workspaces: each answered in its own workspace by its own agent", async () => {
    const a = slackEvents.appMention(acme, { text: "acme question", user: "U0TWO" });
    const b = slackEvents.appMention(globex, { text: "globex question", user: "U0TWO" });
    await Promise.all([deliver(() => acme.signed(a, { url: url.acme })), deliver(() => globex.signed(b, { url: url.globex }))]);
    // Globex's event signed correctly but sent to Acme's URL is refused (team and secret differ).
    expect((await deliver(() => globex.signed(b, { url: url.acme }))).status).toBe(401);
    await t.app.gateway.pipeline.idle();
    expect(await botReplies(acme, acme.channel, a.event.ts)).toHaveLength(1);
    expect(await botReplies(globex, globex.channel, b.event.ts)).toHaveLength(1);
    expect(await botReplies(acme, acme.channel, b.event.ts)).toHaveLength(0);
    const prompts = llm.journal().map((r) => [r.lastUser, String(r.messages[0]!.content)]);
    expect(prompts.find(([u]) => u === "acme question")![1]).toContain("You are Ada");
    expect(prompts.find(([u]) => u === "globex question")![1]).toContain("You are Bob");
  });

  test("the primary model failing with 500 → the fallback (another provider kind) answers", async () => {
    llm.on({ model: "main" }, { status: 500, message: "upstream exploded" });
    llm.on({ model: "spare" }, { text: "Fallback answer." });
    const ev = slackEvents.appMention(acme, { text: "fallback please", user: "U0FALL" });
    await deliver(() => acme.signed(ev, { url: url.acme }));
    await t.app.gateway.pipeline.idle();
    expect((await botReplies(acme, acme.channel, ev.event.ts))[0]!.text).toBe("Fallback answer.");
    expect(llm.journal().map((r) => [r.api, r.status])).toEqual([
      ["openai", 500],
      ["ollama", 200],
    ]);
  });

  test("a user over the rate limit gets exactly one informative reply", async () => {
    const events = Array.from({ length: 6 }, (_, i) => slackEvents.dm(acme, { text: `flood ${i}`, user: "U0FLOOD" }));
    for (const ev of events) expect((await deliver(() => acme.signed(ev, { url: url.acme }))).status).toBe(200);
    await t.app.gateway.pipeline.idle();
    const texts = (await botReplies(acme, acme.dm)).map((m) => m.text);
    expect(texts.filter((x) => /try again in about/i.test(x))).toHaveLength(1);
    expect(llm.journal()).toHaveLength(3);
  });
});
