/**
 * Teams as code, on both databases: `tenants[].teams[]` provisioned at start makes a team the
 * coordinator delegates through (a turn over the OpenAI-compatible API against the aimock LLM), a
 * declared channel is pointed at the coordinator, a re-apply of the same file writes nothing, two
 * tenants' teams stay apart, and a config naming an unknown agent, a coordinator among its
 * specialists or a duplicate is refused with the key named.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { eq } from "drizzle-orm";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { validate } from "../config/load.ts";
import { ADAPTERS } from "../gateway/gateway.ts";
import { agents, auditLog, channels, teamMembers, teams, tenants } from "../db/schema/index.ts";
import { createApiKey } from "../openai/keys.ts";
import { applyProvisioning } from "../provisioning/apply.ts";

const quiet = pino({ level: "silent" });
const agent = (slug: string, model: string, extra = {}) => ({ slug, name: slug.toUpperCase(), models: [`mock/${model}`], ...extra });
const TEAM = {
  slug: "front-desk",
  name: "Front desk",
  coordinator: "desk",
  specialists: [{ agent: "it", description: "Laptops, passwords, VPN." }, { agent: "hr", description: "Leave and payroll." }],
  max_fanout: 2,
  channels: ["acme-bot"],
};

function tenantsConfig(url: string, team: Record<string, unknown> = TEAM) {
  return {
    llm: { providers: [{ id: "mock", kind: "openai", base_url: url }] },
    tenants: [
      {
        slug: "acme",
        name: "Acme",
        agents: [agent("desk", "coord"), agent("it", "it", { channels: [{ kind: "telegram", name: "acme-bot", bot_token: "111:acme-token" }] }), agent("hr", "hr")],
        teams: [team],
      },
      { slug: "globex", name: "Globex", agents: [agent("desk", "gcoord"), agent("gspec", "gspec")], teams: [{ slug: "front-desk", name: "Globex desk", coordinator: "desk", specialists: [{ agent: "gspec", description: "Everything." }] }] },
    ],
  };
}

describe.each(DB_KINDS)("teams from config on %s Postgres", (kind) => {
  let t: TestApp;
  let llm: LlmMock;
  let acme = "";
  let globex = "";

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({ model: "it" }, { text: "IT: restart it." });
    llm.on({ model: "coord", hasToolResult: true }, { text: "Desk: sorted." });
    llm.on({ model: "coord", hasToolResult: false }, { toolCalls: [{ name: "delegate", arguments: { specialist: "it", task: "My laptop froze." } }] });
    t = await startTestApp(kind, tenantsConfig(llm.url), { adapters: { api: ADAPTERS.api! } });
    const ts = await t.app.db.platform((tx) => tx.select().from(tenants));
    acme = ts.find((x) => x.slug === "acme")!.id;
    globex = ts.find((x) => x.slug === "globex")!.id;
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  const state = (tenantId: string) =>
    t.app.db.withTenant(tenantId, async (tx) => ({
      teams: await tx.select().from(teams),
      members: await tx.select().from(teamMembers).orderBy(teamMembers.position),
      agents: Object.fromEntries((await tx.select().from(agents)).map((a) => [a.slug, a.id])),
      channels: await tx.select().from(channels),
    }));

  test("start creates each tenant's team; the channel points at the coordinator", async () => {
    const a = await state(acme);
    expect(a.teams.map((x) => [x.slug, x.name, x.coordinatorId, x.maxFanout])).toEqual([["front-desk", "Front desk", a.agents.desk!, 2]]);
    expect(a.members.map((m) => [m.agentId, m.description])).toEqual([[a.agents.it!, "Laptops, passwords, VPN."], [a.agents.hr!, "Leave and payroll."]]);
    expect(a.channels.find((c) => c.name === "acme-bot")!.agentId).toBe(a.agents.desk!);
    const g = await state(globex);
    expect(g.teams.map((x) => [x.name, x.coordinatorId, x.maxFanout])).toEqual([["Globex desk", g.agents.desk!, 3]]);
    expect(g.members.map((m) => m.agentId)).toEqual([g.agents.gspec!]);
  });

  test("the coordinator delegates to a specialist from the file", async () => {
    const { key } = await createApiKey(t.app.db, { tenantId: acme, agentId: null, name: "t", createdBy: null });
    const res = await t.app.http.handle(
      new Request("http://localhost/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "acme/desk", messages: [{ role: "user", content: "My laptop froze." }] }) }),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe("Desk: sorted.");
    const audit = await t.app.db.withTenant(acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "team.delegate")));
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(await t.app.db.withTenant(globex, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "team.delegate")))).toEqual([]);
  });

  test("re-applying the same file writes nothing; a change is applied in place", async () => {
    const before = await state(acme);
    const summary = await applyProvisioning(t.app.config, t.app.db, t.app.secrets, quiet);
    expect(summary.teams).toBe(0);
    const after = await state(acme);
    expect(after.teams).toEqual(before.teams);
    expect(after.members).toEqual(before.members);

    const changed = validate({ ...tenantsConfig(llm.url, { ...TEAM, max_fanout: 4, specialists: [TEAM.specialists[1]] }) });
    expect((await applyProvisioning(changed, t.app.db, t.app.secrets, quiet)).teams).toBe(1);
    const now = await state(acme);
    expect(now.teams.map((x) => [x.id, x.maxFanout])).toEqual([[before.teams[0]!.id, 4]]);
    expect(now.members.map((m) => m.agentId)).toEqual([now.agents.hr!]);
  });

  test("a team channel that does not exist is refused at apply, naming the key", async () => {
    // Channels may be console-made, so this is checked against the database, not the schema.
    const cfg = validate(tenantsConfig(llm.url, { ...TEAM, channels: ["nowhere"] }));
    await expect(applyProvisioning(cfg, t.app.db, t.app.secrets, quiet)).rejects.toThrow(/tenants\[acme\]\.teams\[0\]\.channels\[0\]: no channel named 'nowhere'/);
  });
});

describe("invalid teams are refused with the key named", () => {
  const refused = (team: Record<string, unknown>, extra: Record<string, unknown>[] = []) => () => {
    const cfg = tenantsConfig("http://127.0.0.1:1", { ...TEAM, ...team });
    cfg.tenants[0]!.teams.push(...extra);
    return validate(cfg);
  };
  test("unknown agents", () => {
    expect(refused({ coordinator: "nobody" })).toThrow(/tenants\[0\]\.teams\[0\]\.coordinator: unknown agent 'nobody'/);
    expect(refused({ specialists: [{ agent: "ghost", description: "x" }] })).toThrow(/tenants\[0\]\.teams\[0\]\.specialists\[0\]\.agent: unknown agent 'ghost'/);
  });
  test("the coordinator as a specialist, duplicates, nesting", () => {
    expect(refused({ specialists: [{ agent: "desk", description: "x" }] })).toThrow(/teams\[0\]\.specialists\[0\]\.agent: the coordinator cannot also be one of its specialists/);
    expect(refused({ specialists: [{ agent: "it", description: "x" }, { agent: "it", description: "y" }] })).toThrow(/teams\[0\]\.specialists\[1\]\.agent: specialist 'it' is listed twice/);
    expect(refused({}, [{ ...TEAM, channels: [] }])).toThrow(/teams\[1\]\.slug: duplicate team slug 'front-desk'/);
    expect(refused({}, [{ ...TEAM, slug: "other", channels: [] }])).toThrow(/teams\[1\]\.coordinator: agent 'desk' already coordinates another team/);
    expect(refused({}, [{ slug: "it-team", name: "IT", coordinator: "it", specialists: [{ agent: "hr", description: "x" }] }])).toThrow(/teams\[0\]\.specialists\[0\]\.agent: 'it' coordinates a team of its own/);
    expect(refused({ max_fanout: 0 })).toThrow(/teams\[0\]\.max_fanout/);
  });
  test("a channel pointed at twice", () => {
    expect(refused({ channels: ["acme-bot", "acme-bot"] })).toThrow(/teams\[0\]\.channels\[1\]: channel 'acme-bot' is already pointed at a team/);
  });
});
