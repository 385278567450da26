/**
 * Every skill the appliance knows: bundled (in the binary) < data_dir/skills < a tenant's
 * data_dir/tenants/<slug>/skills — a later source's skill of the same name replaces an earlier one.
 *
 * Hot reload: the two folders are watched (fs.watch, recursive) and re-read after a short quiet
 * period. Invariant: a SKILL.md that fails validation never replaces the last good version of that
 * skill; the problem is logged and listed by problems() until the file is fixed. A skill whose
 * folder is removed disappears. The YAML parser is loaded only when there are files to parse.
 */
import { existsSync, type FSWatcher, mkdirSync, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { join, relative } from "node:path";
import type { Logger } from "pino";
import { bundledSkills } from "./bundled.ts";
import { formatProblem, type Skill, type SkillProblem, type SkillSource } from "./manifest.ts";
import type { Parsed, SkillFile } from "./parse.ts";

export interface CatalogOptions {
  dataDir: string;
  log: Logger;
  /** Defaults to the skills compiled into the binary. */
  bundled?: Skill[];
  debounceMs?: number;
}

/** Skill folders of one scope ("" = data_dir/skills, else a tenant slug), by folder name. */
type Scope = Map<string, Skill>;

export class SkillCatalog {
  private bundled: Scope = new Map();
  private scopes = new Map<string, Scope>();
  private current: SkillProblem[] = [];
  private watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every reload: lets callers cache per version. */
  version = 0;

  constructor(private readonly opts: CatalogOptions) {}

  get skillsDir() {
    return join(this.opts.dataDir, "skills");
  }
  get tenantsDir() {
    return join(this.opts.dataDir, "tenants");
  }

  async load(): Promise<void> {
    const problems: SkillProblem[] = [];
    this.bundled = new Map((this.opts.bundled ?? bundledSkills()).map((s) => [s.name, s]));
    const found: [string, SkillFile[]][] = [["", readFolder(this.skillsDir, "data")]];
    for (const slug of existsSync(this.tenantsDir) ? readdirSync(this.tenantsDir) : []) {
      const dir = join(this.tenantsDir, slug, "skills");
      if (existsSync(dir)) found.push([slug, readFolder(dir, "tenant")]);
    }
    const parse = found.some(([, files]) => files.length) ? (await import("./parse.ts")).parseSkill : null;
    const scopes = new Map<string, Scope>();
    for (const [slug, files] of found) scopes.set(slug, parse ? this.parseAll(parse, files, this.scopes.get(slug) ?? new Map(), problems) : new Map());
    this.scopes = scopes;
    this.current = problems;
    this.version++;
    for (const p of problems) this.opts.log.warn({ file: p.file, field: p.field }, `skill not loaded: ${formatProblem(p)}`);
    for (const l of this.listeners) l();
  }

  /** The skills a tenant's agents can use, by name. */
  forTenant(slug: string): Map<string, Skill> {
    const out = new Map<string, Skill>();
    for (const scope of [this.bundled, this.scopes.get(""), this.scopes.get(slug)]) for (const s of scope?.values() ?? []) out.set(s.name, s);
    return out;
  }

  /** Every skill with where it came from (CLI `skills list`). */
  all(): { scope: string; skill: Skill }[] {
    const rows = [...this.bundled.values()].map((skill) => ({ scope: "bundled", skill }));
    for (const [slug, scope] of this.scopes) for (const skill of scope.values()) rows.push({ scope: slug ? `tenant:${slug}` : "data", skill });
    return rows;
  }

  problems(): SkillProblem[] {
    return this.current;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts watching the data dir's skill folders (created if missing). */
  watch(): void {
    for (const dir of [this.skillsDir, this.tenantsDir]) {
      mkdirSync(dir, { recursive: true });
      const w = watch(dir, { recursive: true }, () => this.schedule());
      w.on("error", (e) => this.opts.log.warn({ err: e, dir }, "skill folder watch failed"));
      this.watchers.push(w);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.load().then(
        () => this.opts.log.info({ skills: this.all().length, problems: this.current.length }, "skills reloaded"),
        (e) => this.opts.log.error({ err: e }, "skills reload failed; previous skills kept"),
      );
    }, this.opts.debounceMs ?? 200);
    this.timer.unref?.();
  }

  /** Parses a scope's files; a folder that fails keeps its previous good skill. */
  private parseAll(parse: (f: SkillFile) => Parsed, files: SkillFile[], previous: Scope, problems: SkillProblem[]): Scope {
    const out: Scope = new Map();
    for (const f of files) {
      const parsed = parse(f);
      if (parsed.ok) out.set(f.folder, parsed.skill);
      else {
        problems.push(...parsed.problems);
        const kept = previous.get(f.folder);
        if (kept) out.set(f.folder, kept);
      }
    }
    return out;
  }
}

/** `<dir>/<folder>/SKILL.md` for every folder of `dir`, with its resource files. */
export function readFolder(dir: string, source: SkillSource): SkillFile[] {
  if (!existsSync(dir)) return [];
  const out: SkillFile[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const file = join(dir, folder, "SKILL.md");
    if (!existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // removed between listing and reading; the next event reloads
    }
    out.push({ folder, file, text, source, resources: resources(join(dir, folder)) });
  }
  return out;
}

function resources(root: string): string[] {
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [relative(root, join(d, n))])) : [];
  return ["references", "scripts", "assets"].flatMap((sub) => walk(join(root, sub)));
}
