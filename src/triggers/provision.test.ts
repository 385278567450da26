/**
 * `tenants[].triggers[]` on both databases, two tenants: upserted by name into its own tenant with
 * the secret from config (sealed) and a URL kept across restarts; a secret change takes effect;
 * undeclared config triggers removed, console-made kept; unknown agent and bad paths refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { validate } from "../config/load.ts";
import { tenants, triggers } from "../db/schema/index.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { createTrigger } from "./store.ts";

const quiet = pino({ level: "silent" });
const SECRET = "config-secret-0123456789";

function declared(o: { list?: boolean; agent?: string; secret?: string; path?: string } = {}) {
  const trigger = { name: "pr-opened", agent: o.agent ?? "ada", channel: "acme-bot", chat: "42", webhook_secret: o.secret ?? SECRET, filter: [{ path: o.path ?? "$.action", equals: "opened" }], instruction: "Review {{ $.pull_request.html_url }}" };
  return validate({
    llm: { providers: [{ id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434", api_key: "k" }] },
    tenants: [
      { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", channels: [{ kind: "telegram", name: "acme-bot", bot_token: "1:x" }] }], triggers: o.list === false ? [] : [trigger] },
      { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus" }] },
    ],
  });
}

describe.each(DB_KINDS)("triggers from config on %s Postgres", (kind) => {
  let t: TestDatabase;
  let box: SecretBox;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    box = await SecretBox.open("", t.dataDir);
  });
  afterAll(() => t.cleanup());
  const tenantId = (slug: string) => t.db.platform(async (tx) => (await tx.select().from(tenants)).find((r) => r.slug === slug)!.id);
  const rows = async (slug: string) => t.db.withTenant(await tenantId(slug), (tx) => tx.select().from(triggers).orderBy(triggers.name));

  test("upserted by name, URL kept, secret sealed and updatable, undeclared removed, console-made kept", async () => {
    await applyProvisioning(declared(), t.db, box, quiet);
    const [first] = await rows("acme");
    expect(first).toMatchObject({ name: "pr-opened", source: "config", kind: "webhook", scheme: "github", chatKey: "42", filter: [{ path: "$.action", equals: "opened" }] });
    expect(box.unseal(first!.secret!)).toBe(SECRET);
    expect(Buffer.from(first!.secret!).toString("latin1")).not.toContain(SECRET);
    expect(await rows("globex")).toEqual([]);
    await applyProvisioning(declared({ secret: "rotated-secret-0123456789" }), t.db, box, quiet);
    const [again] = await rows("acme");
    expect([again!.id, again!.publicId]).toEqual([first!.id, first!.publicId]);
    expect(box.unseal(again!.secret!)).toBe("rotated-secret-0123456789");
    const acme = await tenantId("acme");
    await t.db.withTenant(acme, (tx) => createTrigger(tx, box, acme, { name: "console-made", kind: "webhook", scheme: "github", agentId: first!.agentId, channelId: first!.channelId, chatKey: "1", filter: [], template: "x" }));
    await applyProvisioning(declared({ list: false }), t.db, box, quiet);
    expect((await rows("acme")).map((r) => r.name)).toEqual(["console-made"]);
  });

  test("config errors name the trigger", async () => {
    await expect(applyProvisioning(declared({ agent: "nobody" }), t.db, box, quiet)).rejects.toThrow(/trigger "pr-opened": unknown agent "nobody"/);
    await expect(applyProvisioning(declared({ path: "$..action" }), t.db, box, quiet)).rejects.toThrow(/trigger "pr-opened": path/);
    expect(() => declared({ secret: "" })).toThrow(/webhook_secret: is required for a webhook trigger/);
  });
});
