/**
 * One SKILL.md → a Skill, or every problem found in it, each naming the file and the field. Pure:
 * the caller reads files (disk, or the copies compiled into the binary).
 */
import { parseDocument } from "yaml";
import type { z } from "zod";
import { type Frontmatter, frontmatterSchema, manifestSchema, restrictiveManifest, type Skill, type SkillProblem, type SkillSource, allowedTools } from "./manifest.ts";

export interface SkillFile {
  /** The folder the SKILL.md is in; the spec requires `name` to equal it. */
  folder: string;
  file: string;
  text: string;
  source: SkillSource;
  resources?: string[];
}

export type Parsed = { ok: true; skill: Skill } | { ok: false; problems: SkillProblem[] };

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function parseSkill(f: SkillFile): Parsed {
  const problem = (field: string, message: string): Parsed => ({ ok: false, problems: [{ file: f.file, field, message }] });
  const m = FENCE.exec(f.text.replace(/^\uFEFF/, ""));
  if (!m) return problem("frontmatter", "missing: the file must start with a '---' YAML block and close it with '---'");
  const doc = parseDocument(m[1]!);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    // linePos counts from the block's first line; the file has the opening fence above it.
    const where = e.linePos ? ` at line ${e.linePos[0].line + 1}` : "";
    return problem("frontmatter", `invalid YAML${where}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return problem("frontmatter", "must be a YAML mapping");

  const problems: SkillProblem[] = [];
  const front = frontmatterSchema.safeParse(raw);
  if (!front.success) problems.push(...issues(f.file, [], front.error));
  const konstruct = (raw as { metadata?: Record<string, unknown> }).metadata?.konstruct;
  const manifest = konstruct === undefined ? null : manifestSchema.safeParse(konstruct);
  if (manifest && !manifest.success) problems.push(...issues(f.file, ["metadata", "konstruct"], manifest.error));
  if (front.success && front.data.name !== f.folder)
    problems.push({ file: f.file, field: "name", message: `'${front.data.name}' must match its folder name '${f.folder}'` });
  if (problems.length || !front.success) return { ok: false, problems };

  const fm: Frontmatter = front.data;
  return {
    ok: true,
    skill: {
      name: fm.name,
      description: fm.description.trim(),
      body: f.text.slice(m[0].length + (f.text.startsWith("\uFEFF") ? 1 : 0)).trim(),
      manifest: manifest?.success ? manifest.data : restrictiveManifest(allowedTools(fm["allowed-tools"])),
      declared: !!manifest?.success,
      source: f.source,
      file: f.file,
      resources: f.resources ?? [],
      ...(fm.license ? { license: fm.license } : {}),
      ...(fm.compatibility ? { compatibility: fm.compatibility } : {}),
    },
  };
}

function issues(file: string, prefix: string[], error: z.ZodError): SkillProblem[] {
  return error.issues.map((i) => ({ file, field: [...prefix, ...i.path.map(String)].join(".") || "frontmatter", message: i.message }));
}
