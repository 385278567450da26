/** `konstruct skills list | validate | import`, run for real as a subprocess on a temp data dir. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../../test/support/db.ts";
import { parseSkill } from "../skills/parse.ts";

const MAIN = resolve(import.meta.dir, "main.ts");
const root = tempDir("konstruct-skills-cli-");
afterAll(() => root.remove());

async function run(args: string[]) {
  const child = Bun.spawn(["bun", MAIN, ...args], { cwd: root.path, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root.path, KONSTRUCT_DATA_DIR: join(root.path, "data") }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}
function write(rel: string, text: string) {
  mkdirSync(join(root.path, rel, ".."), { recursive: true });
  writeFileSync(join(root.path, rel), text);
}

describe("konstruct skills", () => {
  test("list shows the bundled starter skills with tier and policy", async () => {
    const r = await run(["skills", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/research-web-page\s+bundled\s+L1 approval=never/);
    expect(r.stdout).toMatch(/meeting-notes-to-actions\s+bundled\s+L2 approval=on-write/);
  });

  test("validate names file and field, exits 1; a valid folder exits 0", async () => {
    write("x/bad/SKILL.md", "---\nname: bad\ndescription: d\nmetadata:\n  konstruct:\n    risk: L9\n---\nbody\n");
    write("x/good/SKILL.md", "---\nname: good\ndescription: d\n---\nbody\n");
    const bad = await run(["skills", "validate", join(root.path, "x")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`${join(root.path, "x/bad/SKILL.md")}: metadata.konstruct.risk: must be one of L1, L2, L3`);
    expect(bad.stdout).toContain("1 valid, 1 problem(s)");
    const good = await run(["skills", "validate", join(root.path, "x/good")]);
    expect(good.code).toBe(0);
  });

  test("import translates an OpenClaw skill into a restrictive manifest", async () => {
    write(
      "oc/weather-check/SKILL.md",
      `---\nname: weather-check\ndescription: Checks the weather.\nallowed-tools: WebFetch Bash(curl:*)\nmetadata: {"openclaw": {"requires": {"bins": ["curl"], "env": ["WEATHER_API_KEY"]}}}\n---\nCall the API.\n`,
    );
    const r = await run(["skills", "import", join(root.path, "oc/weather-check"), "--tenant", "acme"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("manifest added: risk L3, approval always");
    expect(r.stdout).toContain("allowed-tools 'Bash(curl:*)' has no Konstruct equivalent; not granted");
    expect(r.stdout).toContain("set these tenant secrets before use: WEATHER_API_KEY");
    const file = join(root.path, "data/tenants/acme/skills/weather-check/SKILL.md");
    const parsed = parseSkill({ folder: "weather-check", file, text: readFileSync(file, "utf8"), source: "tenant" });
    expect(parsed.ok && parsed.skill.manifest).toEqual({ tools: ["http_fetch"], network: [], secrets: ["WEATHER_API_KEY"], risk: "L3", approval: "always" });
    expect(parsed.ok && parsed.skill.body).toBe("Call the API.");
    const listed = await run(["skills", "list"]);
    expect(listed.stdout).toMatch(/weather-check\s+tenant:acme\s+L3 approval=always/);
  });
});
