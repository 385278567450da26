/**
 * Resolves the configuration: file (--config, $KONSTRUCT_CONFIG, ./konstruct.config.yaml,
 * /etc/konstruct/konstruct.config.yaml, else built-in defaults) → ${VAR} interpolation → KONSTRUCT_*
 * environment overrides → schema validation. Any problem is a KonstructError naming the key.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
// yaml costs several MB once loaded: required only when there is a file to read.
const yaml = () => require("yaml") as typeof import("yaml");
import type { z } from "zod";
import { KonstructError } from "../errors.ts";
import { applyEnv } from "./env.ts";
import { formatPath, interpolate } from "./interpolate.ts";
import { type Config, configSchema } from "./schema.ts";

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file in use, or null when running on built-in defaults. */
  source: string | null;
}

export interface LoadOptions {
  path?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function findConfigFile(opts: LoadOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.path ?? env.KONSTRUCT_CONFIG;
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new KonstructError("config_invalid", `config: file not found: ${p}`);
    return p;
  }
  for (const candidate of [resolve(cwd, "konstruct.config.yaml"), "/etc/konstruct/konstruct.config.yaml"]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const source = findConfigFile(opts);
  let tree: Record<string, unknown> = {};
  if (source) tree = readYaml(source);
  tree = interpolate(tree, env) as Record<string, unknown>;
  tree = applyEnv(tree, env);
  return { config: validate(tree, source), source };
}

/** Validates an already-assembled tree (used by tests and the admin UI's config preview). */
export function validate(tree: unknown, source: string | null = null): Config {
  const result = configSchema.safeParse(tree);
  if (result.success) return result.data;
  const where = source ? ` (in ${source} or KONSTRUCT_* environment)` : "";
  const lines = result.error.issues.slice(0, 5).map(describeIssue);
  throw new KonstructError("config_invalid", `config: ${lines.join("; ")}${where}`);
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new KonstructError("config_invalid", `config: cannot read ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = yaml().parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const detail = e instanceof yaml().YAMLParseError ? e.message.split("\n")[0] : (e as Error).message;
    throw new KonstructError("config_invalid", `config: ${file}: invalid YAML: ${detail}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new KonstructError("config_invalid", `config: ${file}: top level must be a mapping of keys`);
  return doc as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => `${path ? `${path}.` : ""}${k}: unknown key`).join("; ");
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
    return `${path}: is required`;
  }
  if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
    return `${path}: must be one of slack, telegram`;
  }
  return `${path || "(top level)"}: ${issue.message}`;
}
