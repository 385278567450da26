import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { KonstructError } from "../../errors.ts";
import { readFolder, SkillCatalog } from "../../skills/catalog.ts";
import { importSkill } from "../../skills/import.ts";
import { formatProblem, type SkillProblem } from "../../skills/manifest.ts";
import { parseSkill } from "../../skills/parse.ts";
import { type Command, COMMON_OPTIONS, COMMON_USAGE, load } from "../command.ts";

export const skills: Command = {
  name: "skills",
  usage: `Usage: konstruct skills <list|validate|import> [options]

  list                      every skill (bundled, data_dir/skills, data_dir/tenants/<slug>/skills)
                            with its risk tier and approval policy
  validate [PATH]           check a SKILL.md, a skill folder or a folder of skills (default: all
                            of the above); prints file: field: problem, exit 1 if any
  import DIR [-t SLUG]      copy an OpenClaw/Claude skill folder into data_dir/skills (or the
                            tenant's folder), translating allowed-tools and
                            metadata.openclaw.requires into a restrictive Konstruct manifest

Options:
  -t, --tenant SLUG   import into data_dir/tenants/SLUG/skills
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, tenant: { type: "string", short: "t" } }, strict: true, allowPositionals: true });
    const [sub, arg, ...extra] = positionals;
    if (values.help) return console.log(this.usage), 0;
    if (!sub) throw new KonstructError("usage", "skills needs a subcommand: list, validate or import (see konstruct skills --help)");
    if (extra.length) throw new KonstructError("usage", `unexpected argument '${extra[0]}'`);
    const { config } = load(values.config);
    const dataDir = resolve(config.data_dir);
    const catalog = new SkillCatalog({ dataDir, log: pino({ level: "silent" }) });
    switch (sub) {
      case "list": {
        await catalog.load();
        for (const { scope, skill } of catalog.all())
          console.log(`${skill.name.padEnd(28)} ${scope.padEnd(16)} ${skill.manifest.risk} approval=${skill.manifest.approval}${skill.declared ? "" : " (no manifest)"}  ${skill.description.slice(0, 60)}`);
        return report(catalog.problems(), false);
      }
      case "validate": {
        if (!arg) {
          await catalog.load();
          return report(catalog.problems(), true, catalog.all().length);
        }
        const files = skillFiles(resolve(arg));
        const problems = files.flatMap((f) => {
          const p = parseSkill(f);
          return p.ok ? [] : p.problems;
        });
        return report(problems, true, files.length - new Set(problems.map((p) => p.file)).size);
      }
      case "import": {
        if (!arg) throw new KonstructError("usage", "import needs the skill folder (konstruct skills import DIR)");
        const dir = values.tenant ? join(dataDir, "tenants", values.tenant, "skills") : join(dataDir, "skills");
        const r = importSkill(arg, dir);
        console.log(`imported ${r.name} → ${r.to}${r.translated ? " (manifest added: risk L3, approval always)" : ""}`);
        for (const n of r.notes) console.log(`  note: ${n}`);
        return 0;
      }
    }
    throw new KonstructError("usage", `unknown skills subcommand '${sub}' (list, validate, import)`);
  },
};

function report(problems: SkillProblem[], strict: boolean, valid?: number): number {
  for (const p of problems) console.error(formatProblem(p));
  if (valid !== undefined) console.log(`${valid} valid, ${problems.length} problem(s)`);
  return strict && problems.length ? 1 : 0;
}

/** A SKILL.md, a skill folder, or a folder of skill folders. */
function skillFiles(path: string) {
  if (!existsSync(path)) throw new KonstructError("usage", `${path}: no such file or folder`);
  if (statSync(path).isFile()) return [{ folder: basename(dirname(path)), file: path, text: readFileSync(path, "utf8"), source: "data" as const }];
  if (existsSync(join(path, "SKILL.md"))) return readFolder(dirname(path), "data").filter((f) => f.folder === basename(path));
  return readFolder(path, "data");
}
