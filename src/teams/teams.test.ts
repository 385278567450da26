/**
 * Teams end to end over HTTP (the OpenAI-compatible API as the channel), on both databases, with the
 * aimock LLM and the real local embedding model: a coordinator and three specialists (IT, HR,
 * billing). The labelled set (labelled.ts, 30 messages) reports routing accuracy and how many needed a
 * model call for routing: a pre-routed message reaches its specialist before the coordinator's model
 * is asked (the coordinator's only call already holds the specialist's answer); the rest are routed by
 * the coordinator's `delegate` call. Then the limits (fan-out per turn, no delegation from a
 * specialist), the audit trail of every inter-agent message, and two tenants kept apart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { ADAPTERS } from "../gateway/gateway.ts";
import { agents, auditLog, llmCalls, teamMembers, teams, tenants, usageDaily } from "../db/schema/index.ts";
import { createApiKey } from "../openai/keys.ts";
import { LABELLED, SPECIALISTS } from "./labelled.ts";
import { saveTeam } from "./store.ts";

const ANSWERS = { it: "IT: restart it, then sign in again.", hr: "HR: the handbook says 25 days.", billing: "Billing: corrected and re-sent." };

describe.each(DB_KINDS)("teams on %s Postgres", (kind) => {
  let t: TestApp;
  let llm: LlmMock;
  let acme = "";
  let globex = "";
  let key = "";
  let ids: Record<string, string> = {};

  const ask = async (text: string, apiKey = key, model = "acme/desk") => {
    const res = await t.app.http.handle(
      new Request("http://localhost/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }) }),
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  };
  const delegations = (tenantId: string) => t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "team.delegate")).orderBy(auditLog.at));

  beforeAll(async () => {
    llm = await startLlmMock();
    for (const [label, text] of Object.entries(ANSWERS)) llm.on({ model: label }, { text, usage: { promptTokens: 10, completionTokens: 5 } });
    llm.on({ model: "coord", hasToolResult: true }, { text: "Desk: sorted." });
    llm.on({ model: "gcoord" }, { text: "Globex desk." });
    // The coordinator's model, when asked to route, routes as the label says (a scripted model).
    for (const [msg, label] of LABELLED) llm.on({ model: "coord", lastUser: msg, hasToolResult: false }, { toolCalls: [{ name: "delegate", arguments: { specialist: label, task: msg } }] });
    const agent = (slug: string, model: string, extra = {}) => ({ slug, name: slug.toUpperCase(), models: [`mock/${model}`], ...extra });
    t = await startTestApp(
      kind,
      {
        ...EMBEDDINGS_CONFIG,
        api: { key: { capacity: 200, refill_per_sec: 10 } },
        limits: { user: { capacity: 200, refill_per_sec: 10 }, connection: { capacity: 200, refill_per_sec: 10 }, tenant: { capacity: 200, refill_per_sec: 10 } },
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/it": { input_per_mtok: 1, output_per_mtok: 1 } } },
        tenants: [
          { slug: "acme", name: "Acme", agents: [agent("desk", "coord"), agent("it", "it", { persona: "Patient IT technician." }), agent("hr", "hr"), agent("billing", "billing")] },
          { slug: "globex", name: "Globex", agents: [agent("desk", "gcoord"), agent("gspec", "gspec")] },
        ],
      },
      { adapters: { api: ADAPTERS.api! } },
    );
    const ts = await t.app.db.platform((tx) => tx.select().from(tenants));
    acme = ts.find((x) => x.slug === "acme")!.id;
    globex = ts.find((x) => x.slug === "globex")!.id;
    ids = Object.fromEntries((await t.app.db.withTenant(acme, (tx) => tx.select().from(agents))).map((a) => [a.slug, a.id]));
    const members = (["it", "hr", "billing"] as const).map((s) => ({ agentId: ids[s]!, description: SPECIALISTS[s] }));
    expect(await saveTeam(t.app.db, acme, null, { slug: "front-desk", name: "Front desk", coordinatorId: ids.desk!, maxFanout: 2, members })).toHaveProperty("id");
    const g = Object.fromEntries((await t.app.db.withTenant(globex, (tx) => tx.select().from(agents))).map((a) => [a.slug, a.id]));
    expect(await saveTeam(t.app.db, globex, null, { slug: "front-desk", name: "Globex desk", coordinatorId: g.desk!, maxFanout: 3, members: [{ agentId: g.gspec!, description: SPECIALISTS.it }] })).toHaveProperty("id");
    key = (await createApiKey(t.app.db, { tenantId: acme, agentId: null, name: "t", createdBy: null })).key;
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  test("labelled set: routing accuracy, and how many needed a model call to route", async () => {
    let preRouted = 0;
    let preRoutedRight = 0;
    let modelCalls = 0;
    let right = 0;
    const misses: string[] = [];
    for (const [msg, label] of LABELLED) {
      const before = llm.journal().length;
      expect(await ask(msg)).toBe("Desk: sorted.");
      const mine = llm.journal().slice(before).filter((r) => r.lastUser === msg);
      const routingCall = mine.some((r) => r.model === "coord" && !r.messages.some((m) => m.role === "tool"));
      const answeredBy = mine.filter((r) => r.model && r.model in ANSWERS).map((r) => r.model);
      expect(answeredBy.length).toBe(1);
      // The coordinator answers last, holding the specialist's answer.
      const last = mine.at(-1)!;
      expect(last.model).toBe("coord");
      expect(String(last.messages.at(-1)!.content)).toContain(ANSWERS[answeredBy[0] as keyof typeof ANSWERS]);
      if (routingCall) modelCalls++;
      else {
        preRouted++;
        if (answeredBy[0] === label) preRoutedRight++;
      }
      if (answeredBy[0] === label) right++;
      else misses.push(`${msg} → ${answeredBy[0]} (expected ${label})`);
    }
    console.log(`teams routing (${kind}): ${right}/${LABELLED.length} routed right; pre-routed ${preRouted} (${preRoutedRight} right), ${modelCalls} needed a model call${misses.length ? `; misses: ${misses.join("; ")}` : ""}`);
    expect(preRoutedRight).toBe(preRouted);
    expect(preRouted).toBeGreaterThanOrEqual(20);
    expect(modelCalls).toBe(LABELLED.length - preRouted);
    expect(right).toBe(LABELLED.length);
    // Every delegation is two audited messages (the task and the answer), with how it was routed.
    const trail = await delegations(acme);
    expect(trail.length).toBe(2 * LABELLED.length);
    const tasks = trail.filter((a) => (a.data as { direction: string }).direction === "task");
    expect(tasks.filter((a) => (a.data as { routed: string }).routed === "pre-route").length).toBe(preRouted);
    expect(tasks[0]).toMatchObject({ agentId: ids.desk, summary: `desk → ${LABELLED[0]![1]}`, data: { team: "front-desk", direction: "task", text: LABELLED[0]![0] } });
    const answer = trail.find((a) => (a.data as { direction: string }).direction === "answer")!;
    expect(answer).toMatchObject({ agentId: ids[LABELLED[0]![1]], data: { direction: "answer", outcome: "reply", text: ANSWERS[LABELLED[0]![1]] } });
    // The specialist's turn used its own persona and is on its own ledger.
    const itCall = llm.journal().find((r) => r.model === "it")!;
    expect(String(itCall.messages[0]!.content)).toContain("Persona: Patient IT technician.");
    const itUsage = await t.app.db.withTenant(acme, (tx) => tx.select().from(llmCalls).where(eq(llmCalls.agentId, ids.it!)));
    expect(itUsage.length).toBe(LABELLED.filter(([, l]) => l === "it").length);
    expect(Number(itUsage[0]!.costUsd)).toBeGreaterThan(0);
  }, 180_000);

  test("fan-out is capped per turn; a specialist is offered no delegate and cannot delegate", async () => {
    const msg = "zq blorp vexillology";
    llm.on({ model: "coord", lastUser: msg, hasToolResult: false }, { toolCalls: ["it", "hr", "billing"].map((s, i) => ({ id: `c${i}`, name: "delegate", arguments: { specialist: s, task: `${msg} ${s}` } })) });
    const before = llm.journal().length;
    expect(await ask(msg)).toBe("Desk: sorted.");
    const calls = llm.journal().slice(before);
    expect(calls.filter((r) => r.model && r.model in ANSWERS).map((r) => r.model)).toEqual(["it", "hr"]);
    const final = calls.at(-1)!;
    const results = final.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
    expect(results.length).toBe(3);
    expect(results[0]).toStartWith(`IT (it) answered:\n${ANSWERS.it}`);
    expect(results[1]).toStartWith(`HR (hr) answered:\n${ANSWERS.hr}`);
    expect(results[2]).toBe("error: at most 2 delegations per turn; answer with what you have");
    const refusals = await t.app.db.withTenant(acme, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.kind, "refusal"), eq(auditLog.agentId, ids.desk!))));
    expect(refusals.map((r) => r.summary)).toContain("delegate refused: at most 2 delegations per turn; answer with what you have");
    // The coordinator was offered delegate; its specialists were not.
    expect(calls.find((r) => r.model === "coord")!.tools).toContain("delegate");
    for (const r of calls.filter((x) => x.model && x.model in ANSWERS)) expect(r.tools).not.toContain("delegate");

    // A specialist's model that calls delegate anyway is refused, and no delegation happens.
    const depth = "depth probe quux";
    llm.on({ model: "coord", lastUser: depth, hasToolResult: false }, { toolCalls: [{ name: "delegate", arguments: { specialist: "it", task: depth } }] });
    llm.on({ model: "it", lastUser: depth, hasToolResult: false }, { toolCalls: [{ name: "delegate", arguments: { specialist: "hr", task: depth } }] });
    llm.on({ model: "it", lastUser: depth, hasToolResult: true }, { text: "IT: did it myself." });
    const n = (await delegations(acme)).length;
    const j = llm.journal().length;
    expect(await ask(depth)).toBe("Desk: sorted.");
    expect(llm.journal().slice(j).filter((r) => r.model === "hr")).toEqual([]);
    const itRounds = llm.journal().slice(j).filter((r) => r.model === "it");
    expect(String(itRounds.at(-1)!.messages.at(-1)!.content)).toMatch(/^error: /);
    expect((await delegations(acme)).length).toBe(n + 2);
  }, 60_000);

  test("a specialist over its own budget is not asked; the coordinator is told and answers", async () => {
    await t.app.db.withTenant(acme, async (tx) => {
      await tx.update(agents).set({ dailyBudgetUsd: "0.01" }).where(eq(agents.id, ids.billing!));
      await tx.insert(usageDaily).values({ tenantId: acme, agentId: ids.billing!, day: new Date().toISOString().slice(0, 10), provider: "mock", model: "earlier", calls: 1, costUsd: "1" });
    });
    const msg = LABELLED.find(([, l]) => l === "billing")![0];
    const j = llm.journal().length;
    expect(await ask(msg)).toBe("Desk: sorted.");
    const calls = llm.journal().slice(j);
    expect(calls.map((r) => r.model)).toEqual(["coord"]);
    expect(String(calls[0]!.messages.at(-1)!.content)).toStartWith("BILLING (billing) answered:\n(BILLING could not answer: over its budget");
    const answer = (await delegations(acme)).filter((a) => (a.data as { direction: string }).direction === "answer").at(-1)!;
    expect(answer.data).toMatchObject({ from: "billing", outcome: "budget_stop" });
    await t.app.db.withTenant(acme, (tx) => tx.update(agents).set({ dailyBudgetUsd: "0" }).where(eq(agents.id, ids.billing!)));
  }, 60_000);

  test("two tenants: each sees only its own team; members must be its own AI employees", async () => {
    const acmeTeams = await t.app.db.withTenant(acme, (tx) => tx.select().from(teams));
    const globexTeams = await t.app.db.withTenant(globex, (tx) => tx.select().from(teams));
    expect(acmeTeams.map((x) => x.name)).toEqual(["Front desk"]);
    expect(globexTeams.map((x) => x.name)).toEqual(["Globex desk"]);
    expect((await t.app.db.withTenant(globex, (tx) => tx.select().from(teamMembers))).length).toBe(1);
    const gspec = (await t.app.db.withTenant(globex, (tx) => tx.select().from(agents).where(eq(agents.slug, "gspec"))))[0]!.id;
    expect(await saveTeam(t.app.db, acme, acmeTeams[0]!.id, { slug: "front-desk", name: "Front desk", coordinatorId: ids.desk!, maxFanout: 2, members: [{ agentId: gspec, description: "x" }] })).toEqual({ errors: { members: "every member must be an AI employee of this tenant" } });
    // Written under acme's tenant, a row naming globex is refused by the policy (FORCE RLS).
    await expect(t.app.db.withTenant(acme, (tx) => tx.insert(teamMembers).values({ tenantId: globex, teamId: globexTeams[0]!.id, agentId: gspec, description: "x" }))).rejects.toThrow();
    // Globex's coordinator answers with its own team; acme's delegations are not in globex's trail.
    const gkey = (await createApiKey(t.app.db, { tenantId: globex, agentId: null, name: "g", createdBy: null })).key;
    expect(await ask("hello", gkey, "globex/desk")).toBe("Globex desk.");
    expect((await delegations(globex)).every((a) => a.tenantId === globex)).toBe(true);
    expect((await delegations(acme)).every((a) => a.tenantId === acme)).toBe(true);
  }, 60_000);
});
