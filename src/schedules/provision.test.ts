/**
 * `tenants[].schedules[]` on both databases, two tenants: upserted by name into its own tenant,
 * next_run_at kept across restarts unless the cron changes, undeclared config schedules removed
 * (chat-made ones kept), unknown agent/channel refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { validate } from "../config/load.ts";
import { schedules, tenants } from "../db/schema/index.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { insertSchedule } from "./store.ts";

const quiet = pino({ level: "silent" });

function declared(cron: string, list = true, agent = "ada") {
  const sched = { name: "daily-report", agent, channel: "acme-bot", chat: "42", thread: "7", cron, time_zone: "Europe/Berlin", instruction: "Post the daily report", missed_runs: "skip" };
  return validate({
    llm: { providers: [{ id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434", api_key: "k" }] },
    tenants: [
      { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", channels: [{ kind: "telegram", name: "acme-bot", bot_token: "1:x" }] }], schedules: list ? [sched] : [] },
      { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus" }] },
    ],
  });
}

describe.each(DB_KINDS)("schedules from config on %s Postgres", (kind) => {
  let t: TestDatabase;
  let box: SecretBox;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    box = await SecretBox.open("", t.dataDir);
  });
  afterAll(() => t.cleanup());
  const tenantId = (slug: string) => t.db.platform(async (tx) => (await tx.select().from(tenants)).find((r) => r.slug === slug)!.id);
  const rows = async (slug: string) => t.db.withTenant(await tenantId(slug), (tx) => tx.select().from(schedules).orderBy(schedules.number));

  test("upserted by name, next run kept unless the cron changes, undeclared removed, chat-made kept", async () => {
    await applyProvisioning(declared("0 9 * * *"), t.db, box, quiet);
    const [first] = await rows("acme");
    expect(first).toMatchObject({ name: "daily-report", source: "config", chatKey: "42", replyTo: "7", timeZone: "Europe/Berlin", missedPolicy: "skip" });
    expect(await rows("globex")).toEqual([]);
    // A restart: same row, same next run.
    await t.db.withTenant(first!.tenantId, (tx) => tx.update(schedules).set({ nextRunAt: new Date("2030-01-01T08:00:00Z") }));
    await applyProvisioning(declared("0 9 * * *"), t.db, box, quiet);
    const [again] = await rows("acme");
    expect([again!.id, again!.nextRunAt.toISOString()]).toEqual([first!.id, "2030-01-01T08:00:00.000Z"]);
    await applyProvisioning(declared("30 7 * * *"), t.db, box, quiet);
    expect((await rows("acme"))[0]!.nextRunAt.toISOString()).not.toBe("2030-01-01T08:00:00.000Z");
    const acme = await tenantId("acme");
    await t.db.withTenant(acme, (tx) => insertSchedule(tx, { tenantId: acme, agentId: first!.agentId, cron: "0 * * * *", instruction: "chat-made" }, new Date()));
    await applyProvisioning(declared("30 7 * * *", false), t.db, box, quiet);
    expect((await rows("acme")).map((s) => s.instruction)).toEqual(["chat-made"]);
  });

  test("an unknown agent is a config error", async () => {
    await expect(applyProvisioning(declared("0 9 * * *", true, "nobody"), t.db, box, quiet)).rejects.toThrow(/unknown agent "nobody"/);
  });
});
