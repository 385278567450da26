/**
 * The SKILL.md frontmatter (AgentSkills specification) and Konstruct's permission manifest, which
 * lives under `metadata.konstruct` so the file stays valid for every other AgentSkills tool.
 *
 * Invariant: a skill without a Konstruct manifest gets the most restrictive policy — no tools
 * beyond what `allowed-tools` names, every call needs approval, tier L3.
 */
import { z } from "zod";

export const RISK_TIERS = ["L1", "L2", "L3"] as const;
export const APPROVAL_POLICIES = ["never", "on-write", "always"] as const;

export const manifestSchema = z.strictObject({
  /** Tool names the skill may call; `mcp__crm__*` style globs match a server's tools. */
  tools: z.array(z.string().min(1)).default([]),
  /** `host`, `host/path*` or `*.host/path*`; `*` alone is any public host. http_fetch only reaches these. */
  network: z.array(z.string().min(1)).default([]),
  /** Names of per-tenant secrets the skill's tool calls may reference as {{secret:NAME}}. */
  secrets: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be UPPER_SNAKE_CASE")).default([]),
  /** L1 read-only (write tools refused), L2 ordinary writes, L3 credentials or production. */
  risk: z.enum(RISK_TIERS, { message: `must be one of ${RISK_TIERS.join(", ")}` }).default("L2"),
  approval: z.enum(APPROVAL_POLICIES, { message: `must be one of ${APPROVAL_POLICIES.join(", ")}` }).default("on-write"),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Applies when a skill carries no Konstruct manifest (imported, or written for another tool). */
export function restrictiveManifest(tools: string[] = []): Manifest {
  return { tools, network: [], secrets: [], risk: "L3", approval: "always" };
}

export const frontmatterSchema = z
  .object({
    name: z
      .string({ message: "is required" })
      .min(1, "is required")
      .max(64, "must be at most 64 characters")
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase a-z, 0-9 and single '-' (not at the start or end)"),
    description: z.string({ message: "is required" }).min(1, "is required").max(1024, "must be at most 1024 characters"),
    license: z.string().optional(),
    compatibility: z.string().max(500, "must be at most 500 characters").optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** Space-separated per the spec; a YAML list is accepted too. */
    "allowed-tools": z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();
export type Frontmatter = z.infer<typeof frontmatterSchema>;

export type SkillSource = "bundled" | "data" | "tenant";

export interface Skill {
  name: string;
  description: string;
  /** The markdown after the frontmatter: what the model reads when it loads the skill. */
  body: string;
  manifest: Manifest;
  /** false when the policy is the restrictive default (no metadata.konstruct). */
  declared: boolean;
  source: SkillSource;
  /** The SKILL.md this came from (a path, or `bundled:<name>/SKILL.md`). */
  file: string;
  /** Files under references/ scripts/ assets/, relative to the skill folder. */
  resources: string[];
  license?: string;
  compatibility?: string;
}

export interface SkillProblem {
  file: string;
  /** Dotted path in the frontmatter (`metadata.konstruct.risk`), or `frontmatter` / `name`. */
  field: string;
  message: string;
}

export function formatProblem(p: SkillProblem): string {
  return `${p.file}: ${p.field}: ${p.message}`;
}

/** `allowed-tools` as a list (the spec writes it space-separated). */
export function allowedTools(value: Frontmatter["allowed-tools"]): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : value.split(/\s+/)).map((s) => s.trim()).filter(Boolean);
}
