/**
 * Versions of teams, channels and schedules over HTTP, on both databases with two tenants: each writer
 * (console, API, config, chat) leaves a version with its author and source; a save from a stale form is
 * refused; the History page shows a readable diff in which a channel's credentials are only "changed";
 * rollback is a new version; another tenant's admin sees none of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../test/support/admin.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { agents, channels, configVersions, schedules, teamMembers } from "../db/schema/index.ts";
import { insertSchedule } from "../schedules/store.ts";
import { staleMessage } from "./store.ts";

const escape = (s: string) => s.replaceAll("'", "&#x27;");

describe.each(DB_KINDS)("versions of teams, channels and schedules on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    for (const slug of ["bea", "cy"]) {
      const res = await api("/agents", "POST", { slug, name: slug.toUpperCase(), models: ["mock/gpt-test"] });
      ids[slug] = ((await res.json()) as { id: string }).id;
    }
    await f.app().db.withTenant(f.acme, async (tx) => {
      ids.ada = (await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "ada")))[0]!.id;
      ids.tg = (await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, "acme-tg")))[0]!.id;
    });
  });
  afterAll(() => f.cleanup());

  const q = (tenant = () => f.acme) => `?tenant=${tenant()}`;
  const api = (path: string, method: string, json: unknown) =>
    f.app().http.handle(new Request(`http://localhost/api/v1/tenants/${f.acme}${path}`, { method, headers: { authorization: `Bearer ${f.tokens.tenantAdmin}`, "content-type": "application/json" }, body: JSON.stringify(json) }));
  const versions = (k: string, id: string, tenant = f.acme) =>
    f.app().db.withTenant(tenant, (tx) => tx.select().from(configVersions).where(and(eq(configVersions.kind, k), eq(configVersions.objectId, id))).orderBy(configVersions.version));
  const who = (v: { version: number; author: string; source: string }[]) => v.map((r) => [r.version, r.author, r.source]);
  const loaded = async (path: string) => /name="version" value="(\d+)"/.exec(await (await s.tenantAdmin!.fetch(`${path}${q()}`)).text())![1]!;
  const history = (k: string, id: string, as = "tenantAdmin", tenant = () => f.acme) => s[as]!.fetch(`/admin/history/${k}/${id}${q(tenant)}`);

  const teamForm = (o: Record<string, string> = {}) => ({ name: "Front desk", slug: "desk", coordinator: ids.ada!, max_fanout: "2", members: "bea | billing questions", channels: "", ...o });

  test("team: console create and edits are versions by the user; a stale form is refused; the API writes source api", async () => {
    const made = await s.tenantAdmin!.fetch(`/admin/teams${q()}`, { form: teamForm() });
    expect(made.status).toBe(303);
    ids.team = /\/admin\/teams\/([0-9a-f-]{36})/.exec(made.headers.get("location")!)![1]!;
    expect(await loaded(`/admin/teams/${ids.team}`)).toBe("1");
    const save = (version: string, o: Record<string, string>) => s.tenantAdmin!.fetch(`/admin/teams/${ids.team}${q()}`, { form: { ...teamForm(o), version } });
    expect((await save("1", { members: "bea | billing questions\ncy | refunds" })).status).toBe(303);
    const [a, b] = await Promise.all([save("2", { name: "Desk A" }), save("2", { name: "Desk B" })]);
    expect([a.status, b.status].sort()).toEqual([303, 400]);
    expect(await (a.status === 400 ? a : b).text()).toContain(escape(staleMessage("team")));
    expect((await api(`/teams/${ids.team}`, "PATCH", { max_fanout: 4 })).status).toBe(200);
    const v = await versions("team", ids.team);
    expect(who(v)).toEqual([[1, "admin@acme.test", "console"], [2, "admin@acme.test", "console"], [3, "admin@acme.test", "console"], [4, "admin@acme.test", "api"]]);
    expect(v[1]!.config.specialists).toEqual([{ agent: "bea", description: "billing questions" }, { agent: "cy", description: "refunds" }]);
    expect(v[3]!.config.max_fanout).toBe(4);
  });

  test("team: History shows who/source and the diff; rollback to version 1 is version 5 and restores the specialists", async () => {
    const html = await (await history("team", ids.team!)).text();
    expect(html).toContain("Version 4 (current)");
    expect(html).toContain("admin@acme.test · api ·");
    expect(html).toMatch(/<th scope="row">max_fanout<\/th>\s*<td class="diff-del">2<\/td>\s*<td class="diff-add">4<\/td>/);
    expect(html).toContain("refunds");
    expect((await s.tenantAdmin!.fetch(`/admin/history/team/${ids.team}/rollback${q()}`, { form: { version: "1" }, csrf: false })).status).toBe(403);
    expect((await s.tenantAdmin!.fetch(`/admin/history/team/${ids.team}/rollback${q()}`, { form: { version: "1" } })).status).toBe(303);
    const v = await versions("team", ids.team!);
    expect(who(v).at(-1)).toEqual([5, "admin@acme.test", "rollback"]);
    expect(v[4]!.config).toEqual(v[0]!.config);
    const members = await f.app().db.withTenant(f.acme, (tx) => tx.select({ agentId: teamMembers.agentId }).from(teamMembers).where(eq(teamMembers.teamId, ids.team!)));
    expect(members.map((m) => m.agentId)).toEqual([ids.bea!]);
  });

  test("channel: config is version 1; a console save is a version whose credentials appear only as changed", async () => {
    expect(who(await versions("channel", ids.tg!))).toEqual([[1, "config", "config"]]);
    const from = await loaded(`/admin/channels/${ids.tg}`);
    expect(from).toBe("1");
    const form = { name: "acme-tg", agent_id: ids.ada!, mode: "webhook", groups: "all", bot_token: "123456:NEW-TOKEN-never-shown", webhook_secret: "", version: from };
    expect((await s.tenantAdmin!.fetch(`/admin/channels/${ids.tg}${q()}`, { form })).status).toBe(303);
    const stale = await s.tenantAdmin!.fetch(`/admin/channels/${ids.tg}${q()}`, { form: { ...form, groups: "off" } });
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain(escape(staleMessage("channel")));
    const v = await versions("channel", ids.tg!);
    expect(who(v)).toEqual([[1, "config", "config"], [2, "admin@acme.test", "console"]]);
    const stored = JSON.stringify(v);
    for (const secret of [...SEEDED_SECRETS, "NEW-TOKEN"]) expect(stored).not.toContain(secret);
    const html = await (await history("channel", ids.tg!)).text();
    expect(html).toMatch(/<th scope="row">secret bot_token<\/th>\s*<td class="diff-del">set<\/td>\s*<td class="diff-add">changed<\/td>/);
    const latest = html.slice(html.indexOf('id="v2"'), html.indexOf('id="v1"'));
    expect(latest).not.toContain("secret webhook_secret");
    for (const secret of [...SEEDED_SECRETS, "NEW-TOKEN"]) expect(html).not.toContain(secret);
    expect(latest).toMatch(/<th scope="row">settings.groups<\/th>\s*<td class="diff-del">mention<\/td>\s*<td class="diff-add">all<\/td>/);
  });

  test("channel: rollback restores the settings and keeps today's credentials", async () => {
    expect((await s.tenantAdmin!.fetch(`/admin/history/channel/${ids.tg}/rollback${q()}`, { form: { version: "1" } })).status).toBe(303);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.id, ids.tg!)));
    expect(row!.settings.groups).not.toBe("all");
    const v = await versions("channel", ids.tg!);
    expect(who(v).at(-1)).toEqual([3, "admin@acme.test", "rollback"]);
    // Credentials stay as they are now: version 3 has version 2's fingerprint.
    expect(v[2]!.config["secret bot_token"]).toBe(v[1]!.config["secret bot_token"]);
  });

  test("schedule: made in a chat (source chat, its owner), paused in the console, rolled back", async () => {
    const made = await f.app().db.withTenant(f.acme, (tx) => insertSchedule(tx, { tenantId: f.acme, agentId: ids.ada!, ownerUser: "U123", chatKey: "c1", cron: "0 9 * * 1", timeZone: "UTC", instruction: "weekly report" }, new Date()));
    ids.schedule = made.id;
    expect((await s.tenantAdmin!.fetch(`/admin/schedules/${made.id}/pause${q()}`, { form: {} })).status).toBe(303);
    expect(who(await versions("schedule", made.id))).toEqual([[1, "U123", "chat"], [2, "admin@acme.test", "console"]]);
    const html = await (await history("schedule", made.id)).text();
    expect(html).toMatch(/<th scope="row">paused<\/th>\s*<td class="diff-del">false<\/td>\s*<td class="diff-add">true<\/td>/);
    expect((await s.tenantAdmin!.fetch(`/admin/history/schedule/${made.id}/rollback${q()}`, { form: { version: "1" } })).status).toBe(303);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(schedules).where(eq(schedules.id, made.id)));
    expect(row!.paused).toBe(false);
    expect(who(await versions("schedule", made.id)).at(-1)).toEqual([3, "admin@acme.test", "rollback"]);
  });

  test("another tenant's admin and an operator see no history and roll nothing back; an unknown kind is a 404", async () => {
    for (const [k, id] of [["team", ids.team!], ["channel", ids.tg!], ["schedule", ids.schedule!]] as const) {
      expect((await history(k, id, "otherAdmin")).status).toBe(403);
      expect((await history(k, id, "otherAdmin", () => f.globex)).status).toBe(404);
      expect((await history(k, id, "operator")).status).toBe(403);
      expect((await s.otherAdmin!.fetch(`/admin/history/${k}/${id}/rollback?tenant=${f.globex}`, { form: { version: "1" } })).status).toBe(404);
      expect((await versions(k, id, f.globex)).length).toBe(0);
    }
    expect((await history("widget", ids.team!)).status).toBe(404);
  });
});
