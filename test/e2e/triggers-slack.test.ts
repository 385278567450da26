/**
 * A signed webhook starts a task whose result lands once in a Slack channel (both databases, two
 * workspaces/tenants, the aimock LLM and the Slack emulator): acme's trigger is declared in config
 * (secret from config), globex's made like the console does; the GitHub-signed delivery is
 * accepted, its redelivery is a duplicate, the executor's model sees the rendered instruction, the
 * result is posted once at the top level of the configured channel, and the other workspace sees
 * nothing — also when it is sent the same signed delivery at its own trigger's URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { agents, tasks, triggerDeliveries, triggers } from "../../src/db/schema/index.ts";
import { sign } from "../../src/triggers/signature.ts";
import { createTrigger } from "../../src/triggers/store.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, startSlackWorkspace } from "../support/slack.ts";

const TEMPLATE = "Summarise pull request {{ $.pull_request.title }} for the team.";
const ACME_SECRET = "acme-github-webhook-secret";

describe.each(DB_KINDS)("webhook triggers to Slack, %s Postgres", (kind) => {
  let llm: LlmMock;
  let acme: SlackWorkspace;
  let globex: SlackWorkspace;
  let t: TestApp;

  const slack = (ws: SlackWorkspace) => ({ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId });
  const botSaid = async (ws: SlackWorkspace) => (await ws.messages(ws.channel)).filter((m) => m.user === ws.bot.userId).map((m) => m.text ?? "");
  const addTrigger = async (slug: string, ws: SlackWorkspace) => {
    const { tenantId, channelId } = await t.channel(slug, "slack");
    return t.app.db.withTenant(tenantId, async (tx) => {
      const [agent] = await tx.select({ id: agents.id }).from(agents);
      const def = { name: "pr-opened", kind: "webhook" as const, scheme: "github" as const, agentId: agent!.id, channelId, chatKey: ws.channel, filter: [{ path: "$.action", equals: "opened" }], template: TEMPLATE };
      return { tenantId, ...(await createTrigger(tx, t.app.secrets, tenantId, def)) };
    });
  };
  const deliver = (publicId: string, body: string, headers: Record<string, string>) =>
    t.app.http.handle(new Request(`http://localhost/hooks/trigger/${publicId}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("ok");
    llm.on({ lastUser: 'Goal: Summarise pull request "Fix the build"' }, { text: "The build is fixed: one flaky test removed.", delayMs: 300 });
    llm.on({ lastUser: "Goal: Follow up on task 1" }, { text: "Follow-up: reviewers assigned." });
    [acme, globex] = await Promise.all([startSlackWorkspace({ teamId: "T0ACME" }), startSlackWorkspace({ teamId: "T0GLOBEX" })]);
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      jobs: { poll_seconds: 0.5 },
      tenants: [
        {
          slug: "acme",
          name: "Acme",
          agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [slack(acme)] }],
          // As code: the secret as it would come from ${GITHUB_WEBHOOK_SECRET}.
          triggers: [
            { name: "pr-opened", agent: "ada", channel: "slack", chat: acme.channel, webhook_secret: ACME_SECRET, filter: [{ path: "$.action", equals: "opened" }], instruction: TEMPLATE },
            // An internal event: the webhook's task finishing starts a follow-up (whose own end starts nothing).
            { name: "follow-up", kind: "event", event: "task.finished", agent: "ada", channel: "slack", chat: acme.channel, filter: [{ path: "$.task.requested_by", equals: "trigger:pr-opened" }], instruction: "Follow up on task {{ $.task.number }}: {{ $.task.result }}" },
          ],
        },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: [slack(globex)] }] },
      ],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), acme.stop(), globex.stop()]);
  });

  test("a signed webhook's task result lands once in the configured Slack channel, and only there", async () => {
    const { tenantId } = await t.channel("acme", "slack");
    const [row] = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(triggers).where(eq(triggers.name, "pr-opened")));
    const a = { tenantId, trigger: row!, secret: ACME_SECRET };
    const g = await addTrigger("globex", globex);
    const body = JSON.stringify({ action: "opened", pull_request: { title: "Fix the build" } });
    const headers = sign("github", a.secret, body, { deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958" });
    const first = await deliver(a.trigger.publicId, body, headers);
    expect([first.status, await first.json()]).toEqual([202, { status: "accepted", task: 1 }]);
    const again = await deliver(a.trigger.publicId, body, headers);
    expect(await again.json()).toEqual({ status: "duplicate" });
    // Acme's signature on Globex's URL opens nothing there.
    expect((await deliver(g.trigger.publicId, body, headers)).status).toBe(401);

    await eventually(async () => (await botSaid(acme)).some((m) => m.includes("Follow-up: reviewers assigned.")) || null, 20_000, "result and follow-up in Slack");
    await Bun.sleep(1500);
    const said = await botSaid(acme);
    // Each result once: #1 (the webhook's) and #2 (the follow-up the first one's end started).
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^\*Task #1 done\* — Summarise pull request "Fix the build"[\s\S]*The build is fixed: one flaky test removed\.$/);
    expect(said[1]).toMatch(/^\*Task #2 done\* — Follow up on task 1[\s\S]*Follow-up: reviewers assigned\.$/);
    expect(await botSaid(globex)).toEqual([]);
    const [task, followUp, ...more] = await t.app.db.withTenant(a.tenantId, (tx) => tx.select().from(tasks).orderBy(tasks.number));
    expect(task).toMatchObject({ status: "done", chatKey: acme.channel, requestedBy: "trigger:pr-opened" });
    expect(followUp).toMatchObject({ status: "done", requestedBy: "event:follow-up" });
    expect(followUp!.goal).toBe('Follow up on task 1: "The build is fixed: one flaky test removed."');
    expect(more).toEqual([]);
    expect(task!.reportedAt).not.toBeNull();
    const outcomes = await t.app.db.withTenant(a.tenantId, (tx) => tx.select().from(triggerDeliveries).orderBy(triggerDeliveries.at));
    expect(outcomes.map((d) => d.outcome)).toEqual(["accepted", "duplicate", "accepted"]);
    expect(outcomes[0]!.taskId).toBe(task!.id);
    const gRows = await t.app.db.withTenant(g.tenantId, (tx) => tx.select().from(triggerDeliveries).where(eq(triggerDeliveries.triggerId, g.trigger.id)));
    expect(gRows.map((d) => [d.outcome, d.reason])).toEqual([["refused", "signature mismatch"]]);
    expect(await t.app.db.withTenant(g.tenantId, (tx) => tx.select().from(tasks))).toEqual([]);
  }, 60_000);
});
