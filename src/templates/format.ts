/**
 * A role template: one markdown file with a YAML frontmatter, like a SKILL.md. The frontmatter
 * describes the AI employee to hire (name, role, persona, suggested skills, model hints, escalation
 * and an optional heartbeat); the markdown body is its instructions. Escalation and heartbeat are
 * checked by the very schemas konstruct.config.yaml uses, so a template that validates is one the
 * Agent Designer will save. Pure: the caller reads the file.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { heartbeatSchema } from "../config/schema.ts";
import { escalationSchema } from "../escalation/settings.ts";

export const MAX_TEMPLATE_BYTES = 64 * 1024;
export const TEMPLATE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const templateSchema = z.strictObject({
  id: z.string({ message: "is required" }).max(64, "must be at most 64 characters").regex(TEMPLATE_ID, "must be lowercase a-z, 0-9 and single '-'"),
  /** What the role is called in the template picker. */
  title: z.string({ message: "is required" }).trim().min(1, "is required").max(100),
  description: z.string({ message: "is required" }).trim().min(1, "is required").max(1024),
  /** The suggested name of the AI employee (the hirer may change it). */
  name: z.string({ message: "is required" }).trim().min(1, "is required").max(100),
  role: z.string().trim().max(200).default(""),
  persona: z.string({ message: "is required" }).trim().min(1, "is required").max(4000),
  skills: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a skill name")).max(50).default([]),
  model_hints: z
    .strictObject({
      /** fast: a small cheap model is enough; balanced: mid-sized; strong: the best you have. */
      tier: z.enum(["fast", "balanced", "strong"], { message: "must be fast, balanced or strong" }).default("balanced"),
      note: z.string().max(500).default(""),
      context_tokens: z.number().int().min(256).max(200_000).default(8000),
      max_tool_iterations: z.number().int().min(0).max(32).default(4),
    })
    .prefault({}),
  escalation: escalationSchema.optional(),
  heartbeat: heartbeatSchema.optional(),
}).superRefine((t, ctx) => {
  // The Designer form carries neither: topics are declared in konstruct.config.yaml, and where a
  // heartbeat reaches out is a channel of the hiring tenant, chosen when hiring.
  if (t.escalation?.topics.length) ctx.addIssue({ code: "custom", path: ["escalation", "topics"], message: "templates use the built-in topics (billing_dispute, refunds, legal); declare custom topics in konstruct.config.yaml" });
  if (t.heartbeat?.notify) ctx.addIssue({ code: "custom", path: ["heartbeat", "notify"], message: "is chosen when hiring (a channel of the tenant), not in a template" });
});
export type RoleTemplate = z.infer<typeof templateSchema> & { instructions: string; source: "bundled" | "data"; file: string };

export interface TemplateProblem {
  file: string;
  field: string;
  message: string;
}
export const formatTemplateProblem = (p: TemplateProblem) => `${p.file}: ${p.field}: ${p.message}`;

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** `expectedId`: the file name without `.md`, which the id must equal (one template per id). */
export function parseTemplate(text: string, file: string, expectedId: string, source: RoleTemplate["source"]): { ok: true; template: RoleTemplate } | { ok: false; problems: TemplateProblem[] } {
  const problem = (field: string, message: string) => ({ ok: false as const, problems: [{ file, field, message }] });
  if (Buffer.byteLength(text) > MAX_TEMPLATE_BYTES) return problem("file", `larger than ${MAX_TEMPLATE_BYTES / 1024} KiB`);
  const clean = text.replace(/^\uFEFF/, "");
  const m = FENCE.exec(clean);
  if (!m) return problem("frontmatter", "missing: the file must start with a '---' YAML block and close it with '---'");
  const doc = parseDocument(m[1]!);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const where = e.linePos ? ` at line ${e.linePos[0].line + 1}` : "";
    return problem("frontmatter", `invalid YAML${where}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return problem("frontmatter", "must be a YAML mapping");
  const r = templateSchema.safeParse(raw);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => ({ file, field: i.path.map(String).join(".") || "frontmatter", message: i.message })) };
  if (r.data.id !== expectedId) return problem("id", `'${r.data.id}' must match its file name '${expectedId}.md'`);
  const instructions = clean.slice(m[0].length).trim();
  if (instructions.length > 20_000) return problem("instructions", "the body (instructions) is at most 20,000 characters");
  return { ok: true, template: { ...r.data, instructions, source, file } };
}
