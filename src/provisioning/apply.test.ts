import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { validate } from "../config/load.ts";
import { eq } from "drizzle-orm";
import { agents, auditLog, cannedReplies, channels, configVersions, handoffDestinations, handoffHours, llmProviders, tenants } from "../db/schema/index.ts";
import { SecretBox } from "../secrets/box.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { applyProvisioning } from "./apply.ts";

const quiet = pino({ level: "silent" });
const TOKEN_A = "111111:AAAA-telegram-token-of-acme";
const TOKEN_B = "xoxb-globex-slack-bot-token";

function declared(extraAgent = true) {
  return validate({
    llm: { providers: [{ id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434", api_key: "sk-provider-secret" }] },
    tenants: [
      {
        slug: "acme",
        name: "Acme",
        agents: [
          {
            slug: "ada",
            name: "Ada",
            role: "Support",
            models: ["local/llama3"],
            channels: [{ kind: "telegram", name: "acme-bot", bot_token: TOKEN_A }],
          },
          ...(extraAgent ? [{ slug: "temp", name: "Temp" }] : []),
        ],
      },
      {
        slug: "globex",
        name: "Globex",
        agents: [
          { slug: "gus", name: "Gus", channels: [{ kind: "slack", name: "globex-slack", bot_token: TOKEN_B, signing_secret: "s3cr3t" }] },
        ],
      },
    ],
  });
}

describe.each(DB_KINDS)("provisioning from config on %s Postgres", (kind) => {
  let t: TestDatabase;
  let box: SecretBox;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    box = await SecretBox.open("", t.dataDir);
  });
  afterAll(() => t.cleanup());

  const tenantId = (slug: string) =>
    t.db.platform(async (tx) => (await tx.select().from(tenants)).find((r) => r.slug === slug)!.id);

  test("creates tenants, agents and channels, each in its own tenant, credentials sealed", async () => {
    const summary = await applyProvisioning(declared(), t.db, box, quiet);
    expect(summary).toMatchObject({ providers: 1, tenants: 2, agents: 3, channels: 2 });
    const acme = await t.db.withTenant(await tenantId("acme"), async (tx) => ({
      agents: (await tx.select().from(agents)).map((a) => [a.slug, a.models]),
      channels: await tx.select().from(channels),
    }));
    expect(acme.agents.sort()).toEqual([["ada", ["local/llama3"]], ["temp", []]]);
    expect(acme.channels.map((c) => [c.name, c.kind, c.mode, c.settings])).toEqual([
      ["acme-bot", "telegram", "polling", { api_root: "https://api.telegram.org", groups: "mention", feedback: "off", voice_replies: "off" }],
    ]);
    const sealed = acme.channels[0]!.secrets;
    expect(Buffer.from(sealed).toString("latin1")).not.toContain(TOKEN_A);
    expect(box.unsealJson(sealed)).toEqual({ bot_token: TOKEN_A, webhook_secret: "" });
    const [provider] = await t.db.platform((tx) => tx.select().from(llmProviders));
    expect(Buffer.from(provider!.apiKey).toString("latin1")).not.toContain("sk-provider-secret");
    expect(box.unseal(provider!.apiKey)).toBe("sk-provider-secret");
  });

  test("re-applying is idempotent; an agent removed from the config is removed, UI-made rows stay", async () => {
    const acme = await tenantId("acme");
    await t.db.withTenant(acme, (tx) => tx.insert(agents).values({ tenantId: acme, slug: "hand-made", name: "Hand" }));
    const before = await t.db.withTenant(acme, (tx) => tx.select({ id: agents.id, slug: agents.slug }).from(agents));
    await applyProvisioning(declared(), t.db, box, quiet);
    const again = await t.db.withTenant(acme, (tx) => tx.select({ id: agents.id, slug: agents.slug }).from(agents));
    expect(again.sort((a, b) => a.slug.localeCompare(b.slug))).toEqual(before.sort((a, b) => a.slug.localeCompare(b.slug)));
    // Versions (src/versions/): the unchanged re-apply wrote none.
    const adaVersions = await t.db.withTenant(acme, (tx) => tx.select({ version: configVersions.version, author: configVersions.author, source: configVersions.source, slug: agents.slug }).from(configVersions).innerJoin(agents, eq(agents.id, configVersions.objectId)));
    expect(adaVersions.filter((v) => v.slug === "ada")).toEqual([{ version: 1, author: "config", source: "config", slug: "ada" }]);
    await applyProvisioning(declared(false), t.db, box, quiet);
    const pruned = await t.db.withTenant(acme, (tx) => tx.select({ slug: agents.slug }).from(agents));
    expect(pruned.map((a) => a.slug).sort()).toEqual(["ada", "hand-made"]);
  });

  test("a heartbeat switched on in the file looks only at what happens from then; off again forgets", async () => {
    const acme = await tenantId("acme");
    const ada = async () => (await t.db.withTenant(acme, (tx) => tx.select().from(agents))).find((a) => a.slug === "ada")!;
    const withHeartbeat = () => {
      const cfg = declared();
      cfg.tenants[0]!.agents[0]!.heartbeat = { every_minutes: 30, checklist: "Failures only.", notify: { channel: "acme-bot", chat: "42" } };
      return cfg;
    };
    expect((await ada()).heartbeatLastAt).toBeNull();
    await applyProvisioning(withHeartbeat(), t.db, box, quiet);
    const on = await ada();
    expect(on.heartbeat).toEqual({ everyMinutes: 30, quietHours: null, checklist: "Failures only.", notify: { channel: "acme-bot", chat: "42" } });
    expect(on.heartbeatLastAt!.getTime()).toBeGreaterThan(on.createdAt.getTime());
    await applyProvisioning(withHeartbeat(), t.db, box, quiet);
    expect((await ada()).heartbeatLastAt).toEqual(on.heartbeatLastAt);
    await applyProvisioning(declared(), t.db, box, quiet);
    expect([(await ada()).heartbeat, (await ada()).heartbeatLastAt]).toEqual([null, null]);
  });

  test("escalation as code: destination and canned replies per tenant, idempotent, console-made replies stay", async () => {
    const withEscalation = () => {
      const raw = declared(false);
      const cfg = validate({
        ...raw,
        llm: { providers: [{ id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434", api_key: "sk-provider-secret" }] },
        tenants: [
          { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", channels: [{ kind: "telegram", name: "acme-bot", bot_token: TOKEN_A }] }],
            escalation: { destination: { channel: "acme-bot", chat: "-1001234", timeout_minutes: 10 }, next_destinations: [{ channel: "acme-bot", chat: "-1005678", timeout_minutes: 30 }],
              business_hours: { timezone: "Europe/Berlin", week: { mon: "09:00-17:00", fri: "09:00-12:00, 13:00-16:00" }, holidays: ["2026-12-25"], language: "de", expected_wait_minutes: 20 }, canned_replies: [{ title: "Hours", body: "We answer 9–17 on weekdays." }] } },
          { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", channels: [{ kind: "slack", name: "globex-slack", bot_token: TOKEN_B, signing_secret: "s3cr3t" }] }],
            escalation: { canned_replies: [{ title: "Hours", body: "Globex never sleeps." }] } },
        ],
      });
      return cfg;
    };
    await applyProvisioning(withEscalation(), t.db, box, quiet);
    const acme = await tenantId("acme");
    const globex = await tenantId("globex");
    const chain = await t.db.withTenant(acme, (tx) => tx.select().from(handoffDestinations).orderBy(handoffDestinations.position));
    expect(chain).toMatchObject([{ position: 0, chat: "-1001234", timeoutMinutes: 10, updatedBy: "config" }, { position: 1, chat: "-1005678", timeoutMinutes: 30 }]);
    expect(await t.db.withTenant(globex, (tx) => tx.select().from(handoffDestinations))).toEqual([]);
    const [hours] = await t.db.withTenant(acme, (tx) => tx.select().from(handoffHours));
    expect(hours).toMatchObject({ timezone: "Europe/Berlin", holidays: ["2026-12-25"], language: "de", expectedWaitMinutes: 20, updatedBy: "config" });
    expect(hours!.week).toMatchObject({ mon: "09:00-17:00", tue: "", fri: "09:00-12:00, 13:00-16:00" });
    expect(await t.db.withTenant(globex, (tx) => tx.select().from(handoffHours))).toEqual([]);
    expect((await t.db.withTenant(acme, (tx) => tx.select().from(cannedReplies))).map((c) => c.body)).toEqual(["We answer 9–17 on weekdays."]);
    expect((await t.db.withTenant(globex, (tx) => tx.select().from(cannedReplies))).map((c) => c.body)).toEqual(["Globex never sleeps."]);
    // A console-made reply stays; re-applying writes nothing (no new audit entry).
    await t.db.withTenant(acme, (tx) => tx.insert(cannedReplies).values({ tenantId: acme, title: "Console", body: "made by hand" }));
    const audits = async () => (await t.db.withTenant(acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "handoff")))).length;
    const before = await audits();
    await applyProvisioning(withEscalation(), t.db, box, quiet);
    expect(await audits()).toBe(before);
    expect((await t.db.withTenant(acme, (tx) => tx.select().from(cannedReplies))).map((c) => c.title).sort()).toEqual(["Console", "Hours"]);
  });

  test("a tenant dropped from the config is reported, never deleted", async () => {
    const cfg = declared();
    cfg.tenants = cfg.tenants.filter((x) => x.slug !== "globex");
    const summary = await applyProvisioning(cfg, t.db, box, quiet);
    expect(summary.undeclaredTenants).toEqual(["globex"]);
    const gus = await t.db.withTenant(await tenantId("globex"), (tx) => tx.select({ slug: agents.slug }).from(agents));
    expect(gus).toEqual([{ slug: "gus" }]);
  });

  test("a run that fails part-way leaves no tenant it created behind; existing tenants keep their rows", async () => {
    // Sealing a credential fails for one channel of the second new tenant (a fault injected into
    // the real box): its transaction rolls back, and the first new tenant, already committed, goes too.
    const failing = new Proxy(box, {
      get(target, prop) {
        if (prop === "sealJson")
          return (v: unknown) => {
            if (JSON.stringify(v).includes("boom")) throw new Error("sealing failed");
            return target.sealJson(v);
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const cfg = validate({
      tenants: [
        { slug: "initech", name: "Initech", agents: [{ slug: "pat", name: "Pat", channels: [{ kind: "telegram", name: "initech-bot", bot_token: "222222:BBBB-initech" }] }] },
        { slug: "hooli", name: "Hooli", agents: [{ slug: "hal", name: "Hal", channels: [{ kind: "telegram", name: "hooli-bot", bot_token: "333333:boom-hooli" }] }] },
      ],
    });
    const before = await t.db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants));
    const acmeAgents = await t.db.withTenant(await tenantId("acme"), (tx) => tx.select({ slug: agents.slug }).from(agents));
    expect(await applyProvisioning(cfg, t.db, failing, quiet).then(() => "applied", (e: Error) => e.message)).toContain("sealing failed");
    expect((await t.db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants))).map((r) => r.slug).sort()).toEqual(before.map((r) => r.slug).sort());
    expect(await t.db.withTenant(await tenantId("acme"), (tx) => tx.select({ slug: agents.slug }).from(agents))).toEqual(acmeAgents);
    // The same file once the fault is gone: both tenants, whole.
    await applyProvisioning(cfg, t.db, box, quiet);
    const hal = await t.db.withTenant(await tenantId("hooli"), (tx) => tx.select({ slug: agents.slug }).from(agents));
    expect(hal).toEqual([{ slug: "hal" }]);
  });

  test("when the cleanup fails as well, the run's own error is reported and the cleanup's is logged", async () => {
    // The database refuses platform transactions from the moment sealing fails (it "went away").
    let gone = false;
    const failing = new Proxy(box, {
      get(target, prop) {
        if (prop === "sealJson")
          return (v: unknown) => {
            if (JSON.stringify(v).includes("gone")) throw ((gone = true), new Error("sealing failed"));
            return target.sealJson(v);
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const db = new Proxy(t.db, {
      get(target, prop) {
        if (prop === "platform" && gone) return () => Promise.reject(new Error("connection lost"));
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => void lines.push(line) });
    const cfg = validate({
      tenants: [{ slug: "umbrella", name: "Umbrella", agents: [{ slug: "una", name: "Una", channels: [{ kind: "telegram", name: "umbrella-bot", bot_token: "444444:gone-umbrella" }] }] }],
    });
    expect(await applyProvisioning(cfg, db, failing, log).then(() => "applied", (e: Error) => e.message)).toContain("sealing failed");
    expect(lines.join("")).toContain("could not remove the tenants this failed run created");
    expect(lines.join("")).toContain("connection lost");
  });
});
