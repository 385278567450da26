/**
 * Whether a tool call may run under the skills active in the turn, and whether a human must
 * approve it first. Pure: the registry gathers the inputs.
 *
 * Rules: a baseline tool (use_skill, and what providers declare as such) runs without a skill.
 * Any other tool must be listed in the `tools` of at least one active skill (globs allowed); an L1
 * skill grants read-only calls only; http_fetch must also match the skill's network list;
 * {{secret:NAME}} references must be among the skill's secrets. Among the skills that allow the
 * call, the strictest approval policy wins: `always`, or `on-write` when the call writes.
 */
import type { Skill } from "../skills/manifest.ts";
import { networkAllows } from "./network.ts";

export interface CallFacts {
  tool: string;
  arguments: Record<string, unknown>;
  baseline: boolean;
  writes: boolean;
  secrets: string[];
}

export type Decision =
  | { kind: "allow"; approval: false; skill: string | null; network: string[] }
  | { kind: "allow"; approval: true; skill: string; network: string[] }
  | { kind: "refuse"; reason: string };

export function decide(facts: CallFacts, active: Skill[]): Decision {
  if (facts.baseline) return { kind: "allow", approval: false, skill: null, network: [] };
  if (!active.length) return { kind: "refuse", reason: `${facts.tool} needs a skill that allows it; no skill is active (call use_skill first)` };
  const listing = active.filter((s) => s.manifest.tools.some((t) => toolMatches(t, facts.tool)));
  if (!listing.length) return { kind: "refuse", reason: `${facts.tool} is not in the tools of the active skill(s) ${names(active)}` };
  const reasons: string[] = [];
  const allowing = listing.filter((s) => {
    if (facts.writes && s.manifest.risk === "L1") return reasons.push(`${s.name} is read-only (risk L1) and this call writes`), false;
    const missing = facts.secrets.filter((n) => !s.manifest.secrets.includes(n));
    if (missing.length) return reasons.push(`${s.name} may not use secret(s) ${missing.join(", ")}`), false;
    if (facts.tool === "http_fetch") {
      let url: URL;
      try {
        url = new URL(String(facts.arguments.url));
      } catch {
        return reasons.push("the url is not an absolute URL"), false;
      }
      if (!networkAllows(s.manifest.network, url)) return reasons.push(`${url.host}${url.pathname} is not in ${s.name}'s network allow-list`), false;
    }
    return true;
  });
  if (!allowing.length) return { kind: "refuse", reason: `${facts.tool} refused: ${reasons.join("; ")}` };
  const network = allowing.flatMap((s) => s.manifest.network);
  const strict = allowing.find((s) => s.manifest.approval === "always") ?? (facts.writes ? allowing.find((s) => s.manifest.approval === "on-write") : undefined);
  return strict ? { kind: "allow", approval: true, skill: strict.name, network } : { kind: "allow", approval: false, skill: allowing[0]!.name, network };
}

export function toolMatches(pattern: string, tool: string): boolean {
  return pattern.endsWith("*") ? tool.startsWith(pattern.slice(0, -1)) : pattern === tool;
}

function names(skills: Skill[]): string {
  return skills.map((s) => s.name).join(", ");
}
