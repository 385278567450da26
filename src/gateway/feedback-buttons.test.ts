/**
 * A 👍/👎 reaction on any part of an answer Slack received as several messages rates that answer,
 * through the Slack emulator on both databases: the answer (two paragraphs of ~3000 characters,
 * over Slack's 4000) goes out as two messages, the outbox row keeps both parts' ts, and a reaction
 * on the second part — and one on the first — is a rating of the one answer by that person.
 * Another tenant's bot, shown a reaction naming acme's part, finds no answer of its own: nothing rated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { feedback, outboundMessages } from "../db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { slackEvents, type SlackWorkspace, startSlackWorkspace } from "../../test/support/slack.ts";

const LONG = `${"alpha ".repeat(500).trim()}\n\n${"omega ".repeat(500).trim()}`;

describe.each(DB_KINDS)("reactions on a split answer on %s Postgres", (kind) => {
  let llm: LlmMock;
  let ws: SlackWorkspace;
  let other: SlackWorkspace;
  let t: TestApp;
  let acme = "";
  let globex = "";
  const hooks = { acme: "", globex: "" };
  const ratings = (tenantId: string) => t.app.db.withTenant(tenantId, (tx) => tx.select().from(feedback));
  // The message is in Slack a moment before the outbox marks its row sent: wait for the mark.
  const sentRow = (ts: string) =>
    eventually(async () => (await t.app.db.withTenant(acme, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.externalId, ts))))[0] ?? null, 10_000, "row marked sent");
  const slack = (w: SlackWorkspace, name: string) => ({ kind: "slack", name, bot_token: w.bot.token, signing_secret: w.signingSecret, api_url: w.apiUrl, team_id: w.teamId });

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll(LONG);
    ws = await startSlackWorkspace({ teamId: "T0ACME" });
    other = await startSlackWorkspace({ teamId: "T0GLOBEX" });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [slack(ws, "slack")] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"], channels: [slack(other, "slack-globex")] }] },
      ],
    });
    const a = await t.channel("acme", "slack");
    const g = await t.channel("globex", "slack-globex");
    [acme, globex] = [a.tenantId, g.tenantId];
    hooks.acme = `http://localhost/hooks/slack/${a.channelId}`;
    hooks.globex = `http://localhost/hooks/slack/${g.channelId}`;
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    await ws.stop();
    await other.stop();
    await llm.stop();
  });

  test("a reaction on part 2 (and on part 1) rates the one answer; another tenant's bot rates nothing", async () => {
    const mine = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);
    expect((await t.app.http.handle(ws.signed(slackEvents.dm(ws, { text: "tell me everything" }), { url: hooks.acme }))).status).toBe(200);
    const parts = await eventually(async () => ((await mine()).length >= 2 ? mine() : null), 15_000, "two parts");
    expect(parts).toHaveLength(2);
    expect(parts[0]!.text).toStartWith("alpha");
    expect(parts[1]!.text).toStartWith("omega");
    const row = await sentRow(parts[0]!.ts);
    expect(row!.externalPartIds).toEqual([parts[0]!.ts, parts[1]!.ts]);

    const react = async (w: SlackWorkspace, hook: string, itemTs: string, reaction: string) =>
      expect((await t.app.http.handle(w.signed(slackEvents.reaction(w, { itemTs, reaction }), { url: hook }))).status).toBe(200);
    await react(ws, hooks.acme, parts[1]!.ts, "-1");
    const rated = await eventually(async () => (await ratings(acme)).find((r) => r.rater === ws.human.userId) ?? null, 10_000, "rating from part 2");
    expect([rated.outboundId, rated.rating]).toEqual([row!.id, -1]);

    await react(ws, hooks.acme, parts[0]!.ts, "+1"); // the same person on part 1: the same answer, the last thumb counts
    await eventually(async () => ((await ratings(acme))[0]?.rating === 1 ? true : null), 10_000, "rating from part 1");
    expect((await ratings(acme)).map((r) => [r.outboundId, r.rater])).toEqual([[row!.id, ws.human.userId]]);

    // Globex's bot is shown a reaction naming acme's second part (as if on its own message): not its answer.
    await react(other, hooks.globex, parts[1]!.ts, "+1");
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect(await ratings(globex)).toHaveLength(0);
    expect(await t.app.db.withTenant(globex, (tx) => tx.select().from(outboundMessages).where(and(eq(outboundMessages.externalId, parts[1]!.ts))))).toHaveLength(0);
    expect((await ratings(acme)).length).toBe(1);
  });

  test("a one-message answer keeps no part list", async () => {
    llm.replyAll("Short and sweet.");
    const mine = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);
    const before = (await mine()).length;
    expect((await t.app.http.handle(ws.signed(slackEvents.dm(ws, { text: "briefly?" }), { url: hooks.acme }))).status).toBe(200);
    const answer = await eventually(async () => ((await mine()).length > before ? (await mine()).at(-1)! : null), 15_000, "short answer");
    const row = await sentRow(answer.ts);
    expect([row!.text, row!.externalPartIds]).toEqual(["Short and sweet.", null]);
  });
});
