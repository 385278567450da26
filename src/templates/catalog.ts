/**
 * Every role template the appliance offers: the bundled ones (compiled into the binary), replaced or
 * extended by `<data_dir>/templates/<id>.md`. The data-dir folder is read on each call (a handful of
 * small files; hiring is rare), bounded in count and size. A file that fails validation is not
 * offered: it comes back in `problems` (file, field, message) for the console and the CLI to show,
 * and never stops anything else from loading.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bundledTemplateFiles } from "./bundled-embed.ts" with { type: "macro" };
import { MAX_TEMPLATE_BYTES, parseTemplate, type RoleTemplate, TEMPLATE_ID, type TemplateProblem } from "./format.ts";

const BUNDLED: RoleTemplate[] = bundledTemplateFiles();
export const MAX_DATA_TEMPLATES = 200;

export interface TemplateCatalog {
  templates: RoleTemplate[];
  problems: TemplateProblem[];
}

export function bundledTemplates(): RoleTemplate[] {
  return BUNDLED;
}

export function listTemplates(dataDir: string): TemplateCatalog {
  const byId = new Map(BUNDLED.map((t) => [t.id, t]));
  const problems: TemplateProblem[] = [];
  const dir = join(dataDir, "templates");
  let files: string[] = [];
  try {
    files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md").sort() : [];
  } catch (e) {
    problems.push({ file: dir, field: "folder", message: `cannot be read: ${(e as Error).message}` });
  }
  if (files.length > MAX_DATA_TEMPLATES) {
    problems.push({ file: dir, field: "folder", message: `more than ${MAX_DATA_TEMPLATES} templates; only the first ${MAX_DATA_TEMPLATES} are read` });
    files = files.slice(0, MAX_DATA_TEMPLATES);
  }
  for (const f of files) {
    const file = join(dir, f);
    const id = f.slice(0, -3);
    try {
      if (!TEMPLATE_ID.test(id)) {
        problems.push({ file, field: "id", message: "the file name must be <id>.md with an id of a-z, 0-9 and single '-'" });
        continue;
      }
      if (statSync(file).size > MAX_TEMPLATE_BYTES) {
        problems.push({ file, field: "file", message: `larger than ${MAX_TEMPLATE_BYTES / 1024} KiB` });
        continue;
      }
      const parsed = parseTemplate(readFileSync(file, "utf8"), file, id, "data");
      if (parsed.ok) byId.set(id, parsed.template);
      else problems.push(...parsed.problems);
    } catch (e) {
      problems.push({ file, field: "file", message: `cannot be read: ${(e as Error).message}` });
    }
  }
  return { templates: [...byId.values()].sort((a, b) => a.title.localeCompare(b.title)), problems };
}

export function findTemplate(dataDir: string, id: string): RoleTemplate | undefined {
  return listTemplates(dataDir).templates.find((t) => t.id === id);
}
