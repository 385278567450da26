/**
 * Voice or text per end user: the rule that decides (channel first, then the user, then "they
 * spoke"), and the stored preference on both databases — per tenant under FORCE RLS, set and cleared
 * through the set_reply_mode tool, which exists only in a chat with a known user.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import type { ToolContext } from "../agent/tools.ts";
import { replyPreferences } from "../db/schema/index.ts";
import { createReplyModeTool, replyMode, setReplyMode, speaksTo } from "./reply-mode.ts";

test("the channel's setting first, then the user's choice, then whether they spoke", () => {
  expect([speaksTo(false, "voice", true), speaksTo(false, null, true)]).toEqual([false, false]);
  expect([speaksTo(true, "text", true), speaksTo(true, "text", false)]).toEqual([false, false]);
  expect([speaksTo(true, "voice", false), speaksTo(true, "voice", true)]).toEqual([true, true]);
  expect([speaksTo(true, null, true), speaksTo(true, null, false)]).toEqual([true, false]);
});

describe.each(DB_KINDS)("reply preferences on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, `reply-${kind}`);
  }, 60_000);
  afterAll(() => t.cleanup());

  const ctx = (k: "A" | "B", userKey?: string): ToolContext => ({
    tenantId: ids[k].tenant,
    agentId: ids[k].agent,
    conversationId: "00000000-0000-0000-0000-000000000000",
    userKey,
    turn: { channelId: "c", chatKey: "1", eventId: "e", requestedBy: userKey ?? "", enabledSkills: null, activeSkills: [], nextSeq: 100 } as never,
  });
  const modeOf = (k: "A" | "B", user: string) => t.db.withTenant(ids[k].tenant, (tx) => replyMode(tx, user));

  test("the tool stores the choice per tenant; the other tenant neither sees nor shares it", async () => {
    const tool = createReplyModeTool({ db: t.db });
    expect(await tool.run({ id: "1", name: "set_reply_mode", arguments: { mode: "voice" } }, ctx("A", "42"))).toStartWith("saved: this user's answers will be voice notes");
    expect(await modeOf("A", "42")).toBe("voice");
    // The same sender id in another tenant is another person: no preference there.
    expect(await modeOf("B", "42")).toBeNull();
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(replyPreferences))).toEqual([]);
    await tool.run({ id: "2", name: "set_reply_mode", arguments: { mode: "text" } }, ctx("B", "42"));
    expect([await modeOf("A", "42"), await modeOf("B", "42")]).toEqual(["voice", "text"]);
    // Changing the mind updates the one row; "default" removes it.
    await tool.run({ id: "3", name: "set_reply_mode", arguments: { mode: "text" } }, ctx("A", "42"));
    expect(await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(replyPreferences))).toMatchObject([{ userKey: "42", mode: "text" }]);
    await tool.run({ id: "4", name: "set_reply_mode", arguments: { mode: "default" } }, ctx("A", "42"));
    expect([await modeOf("A", "42"), await modeOf("B", "42")]).toEqual([null, "text"]);
  });

  test("only offered in a chat with a user; a row naming another tenant is refused by RLS", async () => {
    const tool = createReplyModeTool({ db: t.db });
    expect(await tool.specs(ctx("A", "7"))).toHaveLength(1);
    expect(await tool.specs({ ...ctx("A", "7"), turn: undefined })).toEqual([]);
    expect(await tool.specs(ctx("A"))).toEqual([]);
    await expect(t.db.withTenant(ids.A.tenant, (tx) => tx.insert(replyPreferences).values({ tenantId: ids.B.tenant, userKey: "9", mode: "voice" }))).rejects.toThrow();
    await expect(setReplyMode(t.db, ids.A.tenant, "", "voice")).rejects.toThrow();
  });
});
