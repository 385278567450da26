/**
 * The escalation settings' schema, shared by config as code (tenants[].agents[].escalation) and the
 * Agent Designer (one rule per line: `name | condition | reason`). Every condition is parsed and
 * checked here, so a rule that is saved is a rule that can be evaluated.
 */
import { z } from "zod";
import { ConditionError, parseCondition } from "./condition.ts";
import { BUILTIN_TOPICS } from "./examples.ts";
import type { EscalationRule, EscalationSettings, EscalationTopic } from "./types.ts";

const name = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "1-63 characters of a-z, 0-9 and '_', starting with a letter");
export const MAX_RULES = 20;

export const ruleSchema = z.strictObject({
  name,
  when: z.string().trim().min(1, "is required").max(500),
  reason: z.string().trim().min(1, "is required (it is shown to the human)").max(300),
});

export const topicSchema = z.strictObject({
  name,
  description: z.string().trim().min(1).max(500),
  examples: z.array(z.string().trim().min(1).max(300)).max(30).default([]),
});

/** The topics an agent can name: the built-in ones, replaced or extended by its own. */
export function topicsOf(own: EscalationTopic[]): EscalationTopic[] {
  const byName = new Map(BUILTIN_TOPICS.map((t) => [t.name, t]));
  for (const t of own) byName.set(t.name, t);
  return [...byName.values()];
}

/** The first problem of a rule's condition, or null. */
export function conditionProblem(when: string, topics: EscalationTopic[]): string | null {
  try {
    parseCondition(when, topicsOf(topics).map((t) => t.name));
    return null;
  } catch (e) {
    if (e instanceof ConditionError) return e.message;
    throw e;
  }
}

export const escalationSchema = z
  .strictObject({
    /** Free text for the model ("when to hand over to a human"), appended to its prompt. */
    guidance: z.string().max(4000).default(""),
    rules: z.array(ruleSchema).max(MAX_RULES).default([]),
    topics: z.array(topicSchema).max(20).default([]),
  })
  .superRefine((e, ctx) => {
    const seen = new Set<string>();
    e.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `duplicate rule name '${r.name}'` });
      seen.add(r.name);
      const problem = conditionProblem(r.when, e.topics);
      if (problem) ctx.addIssue({ code: "custom", path: ["rules", i, "when"], message: problem });
    });
  });

export function toSettings(e: z.infer<typeof escalationSchema>): EscalationSettings {
  return { rules: e.rules, topics: e.topics.map((t) => ({ ...t, examples: t.examples ?? [] })) };
}

/** The inverse (`konstruct export`): the guidance (agents.escalation_rules) and the stored rules → the config's keys; null when there is neither. */
export function fromSettings(guidance: string, s: EscalationSettings | null): z.input<typeof escalationSchema> | null {
  if (!guidance && !s) return null;
  return { guidance, rules: s?.rules ?? [], topics: s?.topics ?? [] };
}

/** Designer text → rules, or the first line's problem ("line 2: …"). */
export function parseRuleLines(text: string, topics: EscalationTopic[]): { ok: true; rules: EscalationRule[] } | { ok: false; error: string } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length > MAX_RULES) return { ok: false, error: `at most ${MAX_RULES} rules` };
  const rules: EscalationRule[] = [];
  for (const [i, line] of lines.entries()) {
    const parts = line.split("|").map((p) => p.trim());
    if (parts.length !== 3) return { ok: false, error: `line ${i + 1}: write 'name | condition | reason' (three parts separated by '|')` };
    const r = ruleSchema.safeParse({ name: parts[0], when: parts[1], reason: parts[2] });
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return { ok: false, error: `line ${i + 1}: ${String(issue.path[0] ?? "rule")} ${issue.message}` };
    }
    const problem = conditionProblem(r.data.when, topics);
    if (problem) return { ok: false, error: `line ${i + 1}: ${problem}` };
    if (rules.some((x) => x.name === r.data.name)) return { ok: false, error: `line ${i + 1}: duplicate rule name '${r.data.name}'` };
    rules.push(r.data);
  }
  return { ok: true, rules };
}

export const rulesToLines = (rules: EscalationRule[]) => rules.map((r) => `${r.name} | ${r.when} | ${r.reason}`).join("\n");
