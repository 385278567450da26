/** The starter skills compiled into the binary, parsed at build time (see bundled-embed.ts). */
import { type BundledSkill, bundledSkillFiles } from "./bundled-embed.ts" with { type: "macro" };
import type { Skill } from "./manifest.ts";

const BUNDLED: BundledSkill[] = bundledSkillFiles();

export function bundledSkills(): Skill[] {
  return BUNDLED.map((b) => b.skill);
}

/** A bundled skill's reference file, by its path in the skill folder. */
export function bundledResource(folder: string, path: string): string | undefined {
  return BUNDLED.find((b) => b.skill.name === folder)?.resources.find((r) => r.path === path)?.text;
}
