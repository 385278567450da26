import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { tempDir } from "../../test/support/db.ts";
import { eventually } from "../../test/support/app.ts";
import { bundledSkills } from "./bundled.ts";
import { SkillCatalog } from "./catalog.ts";
import { formatProblem } from "./manifest.ts";

const log = pino({ level: "silent" });
const skill = (name: string, extra = "", body = "Do the thing.") =>
  `---\nname: ${name}\ndescription: ${name} does things\n${extra}---\n${body}\n`;
const konstruct = (risk = "L1", approval = "never") => `metadata:\n  konstruct:\n    tools: [http_fetch]\n    network: [example.com]\n    risk: ${risk}\n    approval: ${approval}\n`;

describe("skill catalog", () => {
  const dirs: { remove(): void }[] = [];
  const catalogs: SkillCatalog[] = [];
  afterEach(() => {
    catalogs.splice(0).forEach((c) => c.close());
    dirs.splice(0).forEach((d) => d.remove());
  });
  function setup() {
    const d = tempDir();
    dirs.push(d);
    const write = (rel: string, text: string) => {
      mkdirSync(join(d.path, rel, ".."), { recursive: true });
      writeFileSync(join(d.path, rel), text);
    };
    const catalog = new SkillCatalog({ dataDir: d.path, log, bundled: [], debounceMs: 50 });
    catalogs.push(catalog);
    return { dir: d.path, write, catalog };
  }

  test("malformed skills are reported with file and field; the good ones still load", async () => {
    const { dir, write, catalog } = setup();
    write("skills/good/SKILL.md", skill("good", konstruct()));
    write("skills/no-front/SKILL.md", "# just markdown\n");
    write("skills/bad-yaml/SKILL.md", "---\nname: bad-yaml\ndescription: [unclosed\n---\nbody\n");
    write("skills/mismatch/SKILL.md", skill("other-name"));
    write("skills/bad-tier/SKILL.md", skill("bad-tier", konstruct("L7")));
    write("skills/bad-approval/SKILL.md", skill("bad-approval", konstruct("L2", "sometimes")));
    write("skills/Bad_Name/SKILL.md", skill("Bad_Name"));
    write("skills/long-desc/SKILL.md", `---\nname: long-desc\ndescription: ${"x".repeat(1025)}\n---\nbody\n`);
    await catalog.load();

    expect([...catalog.forTenant("acme").keys()]).toEqual(["good"]);
    const lines = catalog.problems().map(formatProblem).sort();
    const at = (folder: string) => join(dir, "skills", folder, "SKILL.md");
    expect(lines).toEqual(
      [
        `${at("Bad_Name")}: name: must be lowercase a-z, 0-9 and single '-' (not at the start or end)`,
        `${at("bad-approval")}: metadata.konstruct.approval: must be one of never, on-write, always`,
        `${at("bad-tier")}: metadata.konstruct.risk: must be one of L1, L2, L3`,
        `${at("long-desc")}: description: must be at most 1024 characters`,
        `${at("mismatch")}: name: 'other-name' must match its folder name 'mismatch'`,
        `${at("no-front")}: frontmatter: missing: the file must start with a '---' YAML block and close it with '---'`,
        `${at("bad-yaml")}: frontmatter: invalid YAML at line 3: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ].sort(),
    );
  });

  test("manifest defaults: without metadata.konstruct the policy is the most restrictive", async () => {
    const { write, catalog } = setup();
    write("skills/plain/SKILL.md", skill("plain", "allowed-tools: Read http_fetch\n"));
    write("skills/fenced/SKILL.md", skill("fenced", konstruct("L2", "on-write")));
    await catalog.load();
    const skills = catalog.forTenant("x");
    expect(skills.get("plain")!.manifest).toEqual({ tools: ["Read", "http_fetch"], network: [], secrets: [], risk: "L3", approval: "always" });
    expect(skills.get("plain")!.declared).toBe(false);
    expect(skills.get("fenced")!.manifest).toEqual({ tools: ["http_fetch"], network: ["example.com"], secrets: [], risk: "L2", approval: "on-write" });
  });

  test("tenant folders override data_dir skills, and only for that tenant", async () => {
    const { write, catalog } = setup();
    write("skills/shared/SKILL.md", skill("shared", "", "global body"));
    write("tenants/acme/skills/shared/SKILL.md", skill("shared", "", "acme body"));
    write("tenants/acme/skills/acme-only/SKILL.md", skill("acme-only"));
    await catalog.load();
    expect(catalog.forTenant("acme").get("shared")!.body).toBe("acme body");
    expect(catalog.forTenant("acme").has("acme-only")).toBe(true);
    expect(catalog.forTenant("globex").get("shared")!.body).toBe("global body");
    expect(catalog.forTenant("globex").has("acme-only")).toBe(false);
  });

  test("hot reload: an edit is live within 2 s; a broken edit keeps the last good version and reports it", async () => {
    const { dir, write, catalog } = setup();
    write("skills/notes/SKILL.md", skill("notes", "", "version one"));
    await catalog.load();
    catalog.watch();
    const started = Date.now();
    write("skills/notes/SKILL.md", skill("notes", "", "version two"));
    await eventually(() => catalog.forTenant("t").get("notes")?.body === "version two", 2000, "edit picked up");
    expect(Date.now() - started).toBeLessThan(2000);

    write("skills/notes/SKILL.md", "---\nname: notes\n---\nversion three, no description\n");
    await eventually(() => catalog.problems().length === 1, 2000, "broken edit reported");
    expect(formatProblem(catalog.problems()[0]!)).toBe(`${join(dir, "skills/notes/SKILL.md")}: description: is required`);
    expect(catalog.forTenant("t").get("notes")!.body).toBe("version two");

    write("tenants/acme/skills/fresh/SKILL.md", skill("fresh"));
    await eventually(() => catalog.forTenant("acme").has("fresh"), 2000, "new tenant skill");
    rmSync(join(dir, "tenants/acme/skills/fresh"), { recursive: true });
    await eventually(() => !catalog.forTenant("acme").has("fresh"), 2000, "removed skill gone");
  });

  test("the bundled starter skills are compiled in and all valid", async () => {
    const d = tempDir();
    dirs.push(d);
    const catalog = new SkillCatalog({ dataDir: d.path, log });
    await catalog.load();
    expect(catalog.problems()).toEqual([]);
    const names = [...catalog.forTenant("x").keys()].sort();
    expect(names).toEqual(bundledSkills().map((s) => s.name).sort());
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const s of catalog.forTenant("x").values()) expect(s.declared).toBe(true);
  });
});
