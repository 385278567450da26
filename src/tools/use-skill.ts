/**
 * Progressive disclosure (AgentSkills): the system prompt lists skills by name and description
 * only; the model calls use_skill to read one's instructions, which also activates that skill's
 * permission manifest for the rest of the turn.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ToolContext } from "../agent/tools.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import { bundledResource } from "../skills/bundled.ts";
import type { Skill } from "../skills/manifest.ts";

export const USE_SKILL = "use_skill";

export function useSkillSpec(names: string[]): ToolSpec {
  return {
    name: USE_SKILL,
    description: "Load a skill's instructions before doing a task it covers. Its tools become available for the rest of this turn. With `file`, returns one of the skill's reference files instead.",
    parameters: {
      type: "object",
      properties: { name: { type: "string", enum: names }, file: { type: "string", description: "a file the skill lists, e.g. references/checklist.md" } },
      required: ["name"],
      additionalProperties: false,
    },
  };
}

export function skillsPrompt(skills: Skill[]): string {
  if (!skills.length) return "";
  const lines = skills.map((s) => `- ${s.name}: ${s.description.replace(/\s+/g, " ")}`);
  return ["Skills you can use (call use_skill with the name to read one before doing that kind of task):", ...lines].join("\n");
}

export function useSkillResult(skills: Map<string, Skill>, call: ToolCall, ctx: ToolContext): string {
  const skill = skills.get(String(call.arguments.name));
  if (!skill) return `error: no skill named ${String(call.arguments.name)}`;
  if (call.arguments.file !== undefined) return resource(skill, String(call.arguments.file));
  if (ctx.turn && !ctx.turn.activeSkills.includes(skill.name)) ctx.turn.activeSkills.push(skill.name);
  const m = skill.manifest;
  const tools = m.tools.length ? m.tools.join(", ") : "none";
  const files = skill.resources.length ? `\nFiles in this skill: ${skill.resources.join(", ")}` : "";
  return `Skill ${skill.name} is active. Tools it allows: ${tools}.${m.network.length ? ` Network: ${m.network.join(", ")}.` : ""}${files}\n\n${skill.body}`;
}

/** One of the skill's listed files — only listed ones, so no path can lead outside the folder. */
function resource(skill: Skill, file: string): string {
  if (!skill.resources.includes(file)) return `error: ${skill.name} has no file ${file} (it has: ${skill.resources.join(", ") || "none"})`;
  let text: string | undefined;
  try {
    text = skill.source === "bundled" ? bundledResource(skill.name, file) : readFileSync(join(dirname(skill.file), file), "utf8");
  } catch {
    text = undefined; // removed since the catalog last loaded
  }
  return text?.slice(0, 20_000) ?? `error: ${file} could not be read`;
}
