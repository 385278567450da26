/**
 * Bun macro: the repository's skills/ folder, read at bundle time so the starter skills are
 * compiled into the binary (and read fresh from disk when running from source). Import it
 * `with { type: "macro" }`. Only SKILL.md and the text files of references/ scripts/ assets/ are
 * kept; a skill folder is data for the model, not code the appliance runs. The skills are parsed
 * here, at build time: an invalid starter skill fails the build, and the running appliance needs no
 * YAML parser for them (an idle appliance with no skills of its own never loads one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { formatProblem, type Skill } from "./manifest.ts";
import { parseSkill } from "./parse.ts";

export interface BundledSkill {
  skill: Skill;
  resources: { path: string; text: string }[];
}

export function bundledSkillFiles(): BundledSkill[] {
  const root = join(import.meta.dir, "../../skills");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((folder) => existsSync(join(root, folder, "SKILL.md")))
    .sort()
    .map((folder) => {
      const resources = ["references", "scripts", "assets"].flatMap((sub) => walk(join(root, folder, sub))).map((file) => ({ path: relative(join(root, folder), file), text: readFileSync(file, "utf8") }));
      const text = readFileSync(join(root, folder, "SKILL.md"), "utf8");
      const parsed = parseSkill({ folder, file: `bundled:${folder}/SKILL.md`, text, source: "bundled", resources: resources.map((r) => r.path) });
      if (!parsed.ok) throw new Error(`bundled skill is invalid: ${parsed.problems.map(formatProblem).join("; ")}`);
      return { skill: parsed.skill, resources };
    });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
