/** The starter skills compiled into the binary (see bundled-embed.ts), as files the catalog parses. */
import { type BundledSkill, bundledSkillFiles } from "./bundled-embed.ts" with { type: "macro" };
import type { SkillFile } from "./parse.ts";

const BUNDLED: BundledSkill[] = bundledSkillFiles();

export function bundledSkills(): SkillFile[] {
  return BUNDLED.map((b) => ({ folder: b.folder, file: `bundled:${b.folder}/SKILL.md`, text: b.text, source: "bundled", resources: b.resources.map((r) => r.path) }));
}

/** A bundled skill's reference file, by its path in the skill folder. */
export function bundledResource(folder: string, path: string): string | undefined {
  return BUNDLED.find((b) => b.folder === folder)?.resources.find((r) => r.path === path)?.text;
}
