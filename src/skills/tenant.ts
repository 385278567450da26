/**
 * A tenant's own skills on disk (data_dir/tenants/<slug>/skills/<name>/), written by the console.
 * Invariant: a SKILL.md is validated (parse.ts, as `konstruct skills validate`) before it is
 * written, and files are written to a temporary name and renamed, so the catalogue's watcher never
 * reads half a file. The caller reloads the catalogue so the change is live at once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatProblem, type SkillProblem } from "./manifest.ts";
import { parseSkill, type Parsed } from "./parse.ts";

export const MAX_SKILL_MD = 256 * 1024;

export const tenantSkillsDir = (dataDir: string, slug: string) => join(dataDir, "tenants", slug, "skills");
export const tenantSkillFile = (dataDir: string, slug: string, name: string) => join(tenantSkillsDir(dataDir, slug), name, "SKILL.md");

export function validateSkillText(name: string, text: string): Parsed {
  if (text.length > MAX_SKILL_MD) return { ok: false, problems: [{ file: `${name}/SKILL.md`, field: "SKILL.md", message: `is longer than ${MAX_SKILL_MD / 1024} KB` }] };
  return parseSkill({ folder: name, file: `${name}/SKILL.md`, text, source: "tenant" });
}

export function readTenantSkill(dataDir: string, slug: string, name: string): string | null {
  const file = tenantSkillFile(dataDir, slug, name);
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Writes a validated SKILL.md; returns the problems instead when it is not valid. */
export function writeSkillText(dataDir: string, slug: string, name: string, text: string): SkillProblem[] {
  const parsed = validateSkillText(name, text);
  if (!parsed.ok) return parsed.problems;
  writeAtomic(tenantSkillFile(dataDir, slug, name), text);
  return [];
}

/** Writes an unpacked folder (upload.ts); SKILL.md last, so the watcher sees a complete folder. */
export function writeSkillFolder(dataDir: string, slug: string, name: string, files: Map<string, Uint8Array>): void {
  const root = join(tenantSkillsDir(dataDir, slug), name);
  for (const [path, data] of files) if (path !== "SKILL.md") writeAtomic(join(root, path), data);
  writeAtomic(join(root, "SKILL.md"), files.get("SKILL.md")!);
}

export function removeTenantSkill(dataDir: string, slug: string, name: string): void {
  rmSync(join(tenantSkillsDir(dataDir, slug), name), { recursive: true, force: true });
}

export const problemText = (ps: SkillProblem[]) => ps.map(formatProblem);
