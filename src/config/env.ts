/**
 * Environment overrides: `KONSTRUCT_` + key path upper-cased, `__` between levels
 * (`KONSTRUCT_SERVER__PORT`, `KONSTRUCT_LLM__PROVIDERS__0__API_KEY`). A `_FILE` suffix reads the
 * value from a file (Docker/Kubernetes secrets). `PORT` is honoured as platforms expect, below
 * `KONSTRUCT_SERVER__PORT`.
 */
import { readFileSync } from "node:fs";
import { KonstructError } from "../errors.ts";
import { SECRET_KEYS, URL_KEYS } from "./schema.ts";

// yaml costs several MB once loaded: plain numbers, booleans and words (all an environment usually
// holds) are read without it, exactly as YAML 1.2's core schema reads them.
const parse = (value: string): unknown => (require("yaml") as typeof import("yaml")).parse(value);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const WORD = /^[A-Za-z_][\w.-]*$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
/** What YAML's core schema could read as a number (0x1f, 1e3, .5, .inf, .nan) or a flow collection. */
const MAYBE_PARSED = /^\s*(?:[[{]|[-+]?[\d.])/;

const PREFIX = "KONSTRUCT_";
/** Variables that steer the loader or the process itself rather than naming a key (the SQL trace: db/sql-trace.ts). */
const RESERVED = new Set(["KONSTRUCT_CONFIG", "KONSTRUCT_TRACE_SQL"]);

type Tree = Record<string, unknown>;

export function applyEnv(tree: Tree, env: Record<string, string | undefined>): Tree {
  const out = structuredClone(tree);
  const seen = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || RESERVED.has(name) || raw === undefined) continue;
    const fromFile = name.endsWith("_FILE");
    const keyName = fromFile ? name.slice(0, -5) : name;
    const prior = seen.get(keyName);
    if (prior) throw new KonstructError("config_invalid", `config: both ${prior} and ${name} are set; use one`);
    seen.set(keyName, name);
    const path = keyName.slice(PREFIX.length).toLowerCase().split("__");
    if (path.some((p) => p === "")) throw new KonstructError("config_invalid", `config: ${name} is not a valid key path`);
    const value = fromFile ? readSecretFile(name, raw) : raw;
    setPath(out, path, coerce(path[path.length - 1]!, value, fromFile));
  }
  if (env.PORT !== undefined && !seen.has("KONSTRUCT_SERVER__PORT")) {
    setPath(out, ["server", "port"], coerce("port", env.PORT, false));
  }
  return out;
}

function readSecretFile(name: string, file: string): string {
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new KonstructError("config_invalid", `config: ${name}: cannot read ${file} (${(e as Error).message})`);
  }
}

/**
 * Credentials and URLs stay strings verbatim; other values are read as YAML (8080, true, [a, b]),
 * but only a number, a boolean or a flow collection (`[...]`, `{...}`) is taken from the parse:
 * anything else stays the verbatim string, so `a: b`, `x #y`, `~` or `- x` are not reshaped.
 */
function coerce(key: string, value: string, fromFile: boolean): unknown {
  if (fromFile || SECRET_KEYS.has(key) || URL_KEYS.has(key) || value === "") return value;
  if (DECIMAL.test(value)) return Number(value);
  if (TRUE.test(value)) return true;
  if (FALSE.test(value)) return false;
  if (WORD.test(value) || !MAYBE_PARSED.test(value)) return value;
  let parsed: unknown;
  try {
    parsed = parse(value);
  } catch {
    return value;
  }
  if (typeof parsed === "number" || typeof parsed === "boolean") return parsed;
  if (parsed !== null && typeof parsed === "object" && /^\s*[[{]/.test(value)) return parsed;
  return value;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = tree;
  path.forEach((segment, i) => {
    const key: string | number = /^\d+$/.test(segment) && Array.isArray(node) ? Number(segment) : segment;
    if (i === path.length - 1) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    let child = (node as Record<string | number, unknown>)[key];
    if (child === undefined || child === null || typeof child !== "object") {
      child = nextIsIndex ? [] : {};
      (node as Record<string | number, unknown>)[key] = child;
    }
    node = child as Record<string, unknown> | unknown[];
  });
}
