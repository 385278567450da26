/**
 * The Skills page on both databases, two tenants: the list in plain words; a valid zip upload
 * becomes acme's own skill (on disk, version 1, live in the catalogue) and never shows up for
 * globex; an invalid SKILL.md, a zip bomb and an oversized body are refused with clear errors and
 * write nothing; edit → invalid (problems inline, file unchanged) → valid (version 2) → history
 * with its diff → rollback (version 3 = version 1's text); per-agent use is saved as an agent version.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { eq } from "drizzle-orm";
import { agents, configVersions } from "../../db/schema/index.ts";
import { ORDER_SKILL } from "../../../test/fixtures/order-skill.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const upload = (b: Browser, tenant: string, zip: Uint8Array) => {
  const form = new FormData();
  form.append("zip", new File([zip], "skill.zip", { type: "application/zip" }));
  return b.fetch(`/admin/skills/upload?tenant=${tenant}`, { method: "POST", body: form });
};

describe.each(DB_KINDS)("console Skills on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let file = "";
  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    file = join(f.app().config.data_dir, "tenants", "acme", "skills", "order-lookup", "SKILL.md");
  }, 60_000);
  afterAll(() => f.cleanup());
  // Skill versions live in the one version store (src/versions/skill.ts), kind "skill".
  const versions = async () =>
    (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(configVersions).where(eq(configVersions.kind, "skill")).orderBy(configVersions.version))).map((v) => ({
      tenantId: v.tenantId,
      skill: (v.config as { name: string }).name,
      version: v.version,
      source: v.source,
      text: (v.config as { text: string }).text,
    }));

  test("the list says what each skill may do; operators and the other tenant's admin are refused", async () => {
    const res = await s.tenantAdmin.fetch(`/admin/skills?tenant=${f.acme}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/Calls no tools|May call: /);
    expect(html).toMatch(/A person approves|Runs without asking anyone/);
    expect(html).toContain('enctype="multipart/form-data"');
    expect((await s.operator.fetch(`/admin/skills?tenant=${f.acme}`)).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/skills?tenant=${f.acme}`)).status).toBe(403);
  });

  test("a valid zip becomes acme's own skill, version 1, live; globex never sees it", async () => {
    expect((await upload(s.otherAdmin, f.acme, zipSync({ "order-lookup": { "SKILL.md": enc(ORDER_SKILL) } }))).status).toBe(403);
    const res = await upload(s.tenantAdmin, f.acme, zipSync({ "order-lookup": { "SKILL.md": enc(ORDER_SKILL), references: { "faq.md": enc("# FAQ") } } }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/skills/order-lookup?tenant=${f.acme}&flash=skill_uploaded`);
    expect(readFileSync(file, "utf8")).toBe(ORDER_SKILL);
    expect(existsSync(join(file, "..", "references", "faq.md"))).toBe(true);
    expect((await versions()).map((v) => [v.tenantId, v.skill, v.version, v.source])).toEqual([[f.acme, "order-lookup", 1, "upload"]]);
    const page = await (await s.tenantAdmin.fetch(`/admin/skills/order-lookup?tenant=${f.acme}`)).text();
    expect(page).toContain("May call: mcp__orders__lookup_order, mcp__orders__cancel_order");
    expect(page).toContain("Read-only (L1): tools that write are refused");
    expect(page).toContain("Runs without asking anyone");
    expect(page).toContain("references/faq.md");
    expect(f.app().gateway.skills?.forTenant("acme").has("order-lookup")).toBe(true);
    expect(f.app().gateway.skills?.forTenant("globex").has("order-lookup")).toBe(false);
    expect(await (await s.otherAdmin.fetch(`/admin/skills?tenant=${f.globex}`)).text()).not.toContain("order-lookup");
    expect((await s.otherAdmin.fetch(`/admin/skills/order-lookup?tenant=${f.globex}`)).status).toBe(404);
    expect((await s.otherAdmin.fetch(`/admin/skills/order-lookup/history?tenant=${f.globex}`)).status).toBe(404);
    const again = await upload(s.tenantAdmin, f.acme, zipSync({ "order-lookup": { "SKILL.md": enc(ORDER_SKILL) } }));
    expect([again.status, await again.text()]).toEqual([400, expect.stringContaining("the tenant already has a skill of that name")]);
  });

  test("an invalid skill, a zip bomb and an oversized body are refused with clear errors; nothing written", async () => {
    const bad = await upload(s.tenantAdmin, f.acme, zipSync({ broken: { "SKILL.md": enc(ORDER_SKILL.replace("order-lookup", "broken").replace("risk: L1", "risk: L7")) } }));
    const html = await bad.text();
    expect(bad.status).toBe(400);
    expect(html).toContain("The skill was not uploaded");
    expect(html).toContain("broken/SKILL.md: metadata.konstruct.risk: must be one of L1, L2, L3");
    const bomb = await upload(s.tenantAdmin, f.acme, zipSync({ bomb: { "SKILL.md": enc(ORDER_SKILL.replace("order-lookup", "bomb")), assets: { "z.bin": new Uint8Array(48 * 1024 * 1024) } } }, { level: 9 }));
    expect([bomb.status, await bomb.text()]).toEqual([400, expect.stringContaining("bomb/assets/z.bin is larger than 1 MB unpacked")]);
    const over = await upload(s.tenantAdmin, f.acme, new Uint8Array(2.5 * 1024 * 1024));
    expect([over.status, await over.text()]).toEqual([400, expect.stringContaining("the upload is larger than 2 MB")]);
    // In-process the server's body limit (3 MB here, body-limit.test.ts) is not in front; the handler's own holds.
    const big = await upload(s.tenantAdmin, f.acme, new Uint8Array(2 * 1024 * 1024 + 1));
    expect(big.status).toBe(400);
    for (const name of ["broken", "bomb"]) expect(existsSync(join(f.app().config.data_dir, "tenants", "acme", "skills", name))).toBe(false);
    expect((await versions()).length).toBe(1);
  });

  test("edit: problems inline and the file unchanged; a valid save is version 2; history diffs; rollback is version 3", async () => {
    const base = `/admin/skills/order-lookup?tenant=${f.acme}`;
    const invalid = await s.tenantAdmin.fetch(base, { form: { text: ORDER_SKILL.replace("approval: never", "approval: sometimes") } });
    const html = await invalid.text();
    expect(invalid.status).toBe(400);
    expect(html).toContain("order-lookup/SKILL.md: metadata.konstruct.approval: must be one of never, on-write, always");
    expect(html).toContain("approval: sometimes"); // what was sent is shown back to fix
    expect(readFileSync(file, "utf8")).toBe(ORDER_SKILL);
    expect((await s.tenantAdmin.fetch(base, { form: { text: ORDER_SKILL }, csrf: false })).status).toBe(403);
    const edited = ORDER_SKILL.replace("with the order id.", "with the order id.\nNever cancel an order.");
    const ok = await s.tenantAdmin.fetch(base, { form: { text: edited } });
    expect(ok.status).toBe(303);
    expect(readFileSync(file, "utf8")).toBe(edited);
    expect(f.app().gateway.skills?.forTenant("acme").get("order-lookup")?.body).toContain("Never cancel an order.");
    const history = await (await s.tenantAdmin.fetch(`/admin/skills/order-lookup/history?tenant=${f.acme}`)).text();
    expect(history).toContain("Version 2 (current)");
    expect(history).toContain('<span class="diff-add">+ Never cancel an order.');
    expect((await s.otherAdmin.fetch(`/admin/skills/order-lookup/rollback?tenant=${f.globex}`, { form: { version: "1" } })).status).toBe(404);
    const back = await s.tenantAdmin.fetch(`/admin/skills/order-lookup/rollback?tenant=${f.acme}`, { form: { version: "1" } });
    expect(back.status).toBe(303);
    expect(readFileSync(file, "utf8")).toBe(ORDER_SKILL);
    expect((await versions()).map((v) => [v.version, v.source, v.text === ORDER_SKILL])).toEqual([[1, "upload", true], [2, "console", false], [3, "rollback", true]]);
  });

  test("per-agent use: unchecking Ada saves her list without the skill, as a new agent version", async () => {
    const [ada] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents));
    expect(ada!.enabledSkills).toBeNull();
    const res = await s.tenantAdmin.fetch(`/admin/skills/order-lookup/agents?tenant=${f.acme}`, { form: {} });
    expect(res.status).toBe(303);
    const [after] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents));
    expect(after!.enabledSkills).not.toContain("order-lookup");
    expect(after!.enabledSkills!.length).toBeGreaterThan(0);
    const v = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(configVersions).where(eq(configVersions.kind, "agent")).orderBy(configVersions.createdAt, configVersions.version));
    expect(v.at(-1)!.source).toBe("console");
    expect(await (await s.tenantAdmin.fetch(`/admin/skills/order-lookup?tenant=${f.acme}`)).text()).toMatch(/value="[^"]+"\/> <span>Ada<\/span>/);
    await s.tenantAdmin.fetch(`/admin/skills/order-lookup/agents?tenant=${f.acme}`, { form: { agent: ada!.id } });
    const [on] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents));
    expect(on!.enabledSkills).toContain("order-lookup");
  });
});
