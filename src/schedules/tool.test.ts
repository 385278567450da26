/**
 * schedule_task and /schedules on both databases, two tenants: a preview saves nothing and shows
 * three run times; confirm saves with the chat and thread; the command lists, pauses, resumes and
 * deletes only the owner's schedules, and never another tenant's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ToolContext } from "../agent/tools.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { schedules } from "../db/schema/index.ts";
import { scheduleCommand } from "./commands.ts";
import { createScheduleTask } from "./tool.ts";

describe.each(DB_KINDS)("schedule_task and /schedules on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  const now = () => new Date("2026-03-27T12:00:00Z");

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "st");
  });
  afterAll(() => t.cleanup());

  const ctx = (k: "A" | "B", user = "u1"): ToolContext => ({
    tenantId: ids[k].tenant,
    agentId: ids[k].agent,
    conversationId: crypto.randomUUID(),
    turn: { channelId: crypto.randomUUID(), chatKey: "chat-1", replyTo: "thread-9", eventId: crypto.randomUUID(), requestedBy: user, enabledSkills: null, activeSkills: [], nextSeq: 1 },
  });
  const call = (args: Record<string, unknown>) => ({ id: "c1", name: "schedule_task", arguments: args });
  const rows = (k: "A" | "B") => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(schedules));

  test("preview without confirm saves nothing; confirm saves with the chat and thread", async () => {
    const tool = createScheduleTask({ db: t.db, now });
    const args = { cron: "0 9 * * *", timezone: "Europe/Berlin", instruction: "Summarise the news" };
    const preview = await tool.run(call(args), ctx("A"));
    expect(preview).toContain("preview (not saved)");
    expect(preview).toContain("2026-03-28, 09:00");
    expect(preview).toContain("2026-03-29, 09:00"); // the DST day: still 09:00 local
    expect(preview).toContain("2026-03-30, 09:00");
    expect(await rows("A")).toHaveLength(0);
    expect(await tool.run(call({ ...args, timezone: "Nowhere/Land", confirm: true }), ctx("A"))).toMatch(/^error: unknown time zone/);
    expect(await tool.run(call({ ...args, confirm: true }), ctx("A"))).toContain("saved: schedule #1");
    const [s] = await rows("A");
    expect(s).toMatchObject({ ownerUser: "u1", chatKey: "chat-1", replyTo: "thread-9", timeZone: "Europe/Berlin", missedPolicy: "run_once", nextRunAt: new Date("2026-03-28T08:00:00Z") });
    expect(await rows("B")).toHaveLength(0);
    // Not offered inside a task's own turn.
    const inTask = ctx("A");
    inTask.turn!.taskId = "x";
    expect(await tool.specs(inTask)).toEqual([]);
  });

  test("/schedules: the owner's list, pause, resume, delete; others and other tenants see nothing", async () => {
    const cmd = scheduleCommand(t.db);
    const a = ids.A;
    expect(await cmd(a.tenant, a.agent, "u1")).toContain("#1 `0 9 * * *` Europe/Berlin · next");
    expect(await cmd(a.tenant, a.agent, "u2")).toBe("You have no schedules.");
    expect(await cmd(ids.B.tenant, ids.B.agent, "u1")).toBe("You have no schedules.");
    expect(await cmd(ids.B.tenant, ids.B.agent, "u1", "pause 1")).toBe("There is no schedule #1 of yours.");
    expect(await cmd(a.tenant, a.agent, "u2", "pause 1")).toBe("There is no schedule #1 of yours.");
    expect(await cmd(a.tenant, a.agent, "u1", "pause #1")).toBe("Paused schedule #1.");
    expect(await cmd(a.tenant, a.agent, "u1")).toContain("· paused —");
    expect(await cmd(a.tenant, a.agent, "u1", "resume 1")).toMatch(/^Resumed schedule #1; next run/);
    expect(await cmd(a.tenant, a.agent, "u1", "delete 1")).toBe("Deleted schedule #1.");
    expect(await rows("A")).toHaveLength(0);
  });
});
