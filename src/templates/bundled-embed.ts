/**
 * Bun macro: the repository's templates/ folder, read and validated at bundle time so the role
 * templates are compiled into the binary (and read fresh from disk when running from source), as
 * the starter skills are (src/skills/bundled-embed.ts). An invalid bundled template fails the build.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatTemplateProblem, parseTemplate, type RoleTemplate } from "./format.ts";

export function bundledTemplateFiles(): RoleTemplate[] {
  const root = join(import.meta.dir, "../../templates");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort()
    .map((f) => {
      const parsed = parseTemplate(readFileSync(join(root, f), "utf8"), `bundled:${f}`, f.slice(0, -3), "bundled");
      if (!parsed.ok) throw new Error(`bundled template is invalid: ${parsed.problems.map(formatTemplateProblem).join("; ")}`);
      return parsed.template;
    });
}
