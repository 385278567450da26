/**
 * A role template → the Agent Designer's fields ("Hire from template" pre-fills the form with these;
 * `konstruct agents new --template` posts the same fields through parseAgentForm/saveAgent), so a
 * hired agent passes exactly the checks a hand-made one does.
 */
import { rulesToLines } from "../../escalation/settings.ts";
import { toSettings as heartbeatSettings } from "../../heartbeat/settings.ts";
import type { RoleTemplate } from "../../templates/format.ts";
import { AGENT_DEFAULTS } from "./save.ts";
import { heartbeatToForm } from "./heartbeat-form.ts";

export const slugFromName = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "agent";

export function templateToForm(t: RoleTemplate, o: { name?: string; models?: string[] } = {}): Record<string, string> {
  const name = o.name?.trim() || t.name;
  return {
    ...AGENT_DEFAULTS,
    name,
    slug: slugFromName(name),
    role: t.role,
    persona: t.persona,
    instructions: t.instructions,
    models: (o.models ?? []).join("\n"),
    context_tokens: String(t.model_hints.context_tokens),
    max_tool_iterations: String(t.model_hints.max_tool_iterations),
    skills: t.skills.join("\n"),
    escalation_rules: t.escalation?.guidance ?? "",
    escalation_conditions: rulesToLines(t.escalation?.rules ?? []),
    ...heartbeatToForm(t.heartbeat ? heartbeatSettings(t.heartbeat) : null),
  };
}

export function modelHint(t: RoleTemplate): string {
  return `${t.model_hints.tier} model${t.model_hints.note ? ` — ${t.model_hints.note}` : ""}`;
}
