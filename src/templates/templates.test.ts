/**
 * Role templates: every bundled file validates and becomes an Agent Designer form that the Designer's
 * own parser accepts; `<data_dir>/templates/` adds and replaces templates; a malformed file is refused
 * with file, field and reason while the others still load.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/support/db.ts";
import { parseAgentForm } from "../admin/agents/save.ts";
import { templateToForm } from "../admin/agents/template-form.ts";
import { bundledTemplates, listTemplates } from "./catalog.ts";
import { parseTemplate } from "./format.ts";

const ROOT = join(import.meta.dir, "../../templates");
const dir = tempDir("konstruct-templates-");
afterAll(() => dir.remove());
const write = (name: string, text: string) => {
  mkdirSync(join(dir.path, "templates"), { recursive: true });
  writeFileSync(join(dir.path, "templates", name), text);
};

describe("bundled role templates", () => {
  const files = readdirSync(ROOT).filter((f) => f.endsWith(".md"));

  test("the five roles are bundled, each from its file", () => {
    expect(bundledTemplates().map((t) => t.id)).toEqual(["customer-support", "executive-assistant", "hr-policy", "it-helpdesk", "sales-development"]);
    expect(files.length).toBe(5);
  });

  test.each(files)("%s validates and fills a form the Agent Designer accepts", (f) => {
    const parsed = parseTemplate(readFileSync(join(ROOT, f), "utf8"), f, f.slice(0, -3), "bundled");
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const t = parsed.template;
    expect(t.persona.length).toBeGreaterThan(20);
    expect(t.instructions).toContain("# How you work");
    expect(t.skills.length).toBeGreaterThan(0);
    const form = parseAgentForm(templateToForm(t, { models: ["mock/m"] }));
    if (!form.ok) throw new Error(JSON.stringify(form.errors));
    expect(form.value).toMatchObject({ name: t.name, persona: t.persona, instructions: t.instructions, skills: t.skills, models: ["mock/m"] });
    expect(form.value.escalation).toEqual(t.escalation?.rules ?? []);
  });

  test("customer support carries escalation rules; the executive assistant a heartbeat briefing", () => {
    const [support, exec] = ["customer-support", "executive-assistant"].map((id) => bundledTemplates().find((t) => t.id === id)!);
    expect(support!.escalation!.rules.map((r) => r.name)).toContain("refund_request");
    const form = parseAgentForm(templateToForm(exec!, { name: "Morgan", models: ["mock/m"] }));
    if (!form.ok) throw new Error(JSON.stringify(form.errors));
    expect(form.value.slug).toBe("morgan");
    expect(form.value.heartbeat).toMatchObject({ everyMinutes: 60, quietHours: { start: "19:00", end: "07:00", tz: "UTC" }, notify: null });
    expect(form.value.heartbeat!.checklist).toContain("Morning briefing");
  });
});

describe("templates in the data dir", () => {
  const custom = (id: string, extra = "") => `---\nid: ${id}\ntitle: Office manager\ndescription: Runs the office.\nname: Olga\npersona: Organised and friendly.\n${extra}---\nKeep the office running.\n`;

  test("a partner's template is added and one with a bundled id replaces it", () => {
    write("office-manager.md", custom("office-manager"));
    write("it-helpdesk.md", custom("it-helpdesk").replace("Office manager", "Our IT desk"));
    const c = listTemplates(dir.path);
    expect(c.problems).toEqual([]);
    expect(c.templates.find((t) => t.id === "office-manager")).toMatchObject({ source: "data", name: "Olga", instructions: "Keep the office running.", model_hints: { tier: "balanced", context_tokens: 8000 } });
    expect(c.templates.find((t) => t.id === "it-helpdesk")).toMatchObject({ source: "data", title: "Our IT desk" });
    expect(c.templates.length).toBe(6);
  });

  test("malformed templates are refused with file, field and reason; the rest still load", () => {
    write("broken-yaml.md", "---\nid: broken-yaml\ntitle: [unclosed\n---\nx\n");
    write("no-fence.md", "just text");
    write("bad-rule.md", custom("bad-rule", "escalation:\n  rules:\n    - name: x\n      when: mood > 3\n      reason: r\n"));
    write("wrong-id.md", custom("other-id"));
    write("notify.md", custom("notify", "heartbeat:\n  notify: { channel: c, chat: '1' }\n"));
    write("tier.md", custom("tier", "model_hints: { tier: huge }\n"));
    write("Bad Name.md", custom("x"));
    write("huge.md", custom("huge") + "x".repeat(70 * 1024));
    const c = listTemplates(dir.path);
    const by = (f: string) => c.problems.filter((p) => p.file.endsWith(f)).map((p) => `${p.field}: ${p.message}`);
    expect(by("broken-yaml.md")[0]).toMatch(/^frontmatter: invalid YAML at line \d/);
    expect(by("no-fence.md")).toEqual(["frontmatter: missing: the file must start with a '---' YAML block and close it with '---'"]);
    expect(by("bad-rule.md")[0]).toMatch(/^escalation\.rules\.0\.when: .*mood/);
    expect(by("wrong-id.md")).toEqual(["id: 'other-id' must match its file name 'wrong-id.md'"]);
    expect(by("notify.md")).toEqual(["heartbeat.notify: is chosen when hiring (a channel of the tenant), not in a template"]);
    expect(by("tier.md")).toEqual(["model_hints.tier: must be fast, balanced or strong"]);
    expect(by("Bad Name.md")[0]).toStartWith("id: the file name must be <id>.md");
    expect(by("huge.md")).toEqual(["file: larger than 64 KiB"]);
    expect(c.templates.map((t) => t.id)).toContain("office-manager");
    expect(c.templates.length).toBe(6);
  });
});
