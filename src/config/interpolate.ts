/**
 * `${VAR}` and `${VAR:-default}` inside YAML string values. Applied after parsing, to values only,
 * so an environment variable can never inject YAML structure.
 */
import { KonstructError } from "../errors.ts";

// `$${` is a literal `${` (as in docker compose), for instructions that mention shell syntax.
const PATTERN = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(node: unknown, env: Record<string, string | undefined>, path: string[] = []): unknown {
  if (typeof node === "string") {
    const out = node.replace(PATTERN, (match, escaped: string | undefined, name: string, fallback: string | undefined) => {
      if (escaped) return match.slice(1);
      const v = env[name];
      if (v !== undefined && v !== "") return v;
      if (fallback !== undefined) return fallback;
      throw new KonstructError("config_invalid", `config: ${formatPath(path)}: environment variable ${name} is not set`);
    });
    return out;
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolate(v, env, [...path, String(i)]));
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolate(v, env, [...path, k])]));
  }
  return node;
}

/** `tenants.0.agents.1.name` → `tenants[0].agents[1].name`, the way the YAML reads. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => {
    const s = String(p);
    if (/^\d+$/.test(s)) return `${acc}[${s}]`;
    return acc ? `${acc}.${s}` : s;
  }, "");
}

/** Every variable `interpolate` would find unset (no value, no default), each once, in order: one error can name them all. */
export function missingVariables(node: unknown, env: Record<string, string | undefined>, out = new Set<string>()): string[] {
  if (typeof node === "string") {
    for (const [, escaped, name, fallback] of node.matchAll(PATTERN)) if (!escaped && fallback === undefined && !env[name!]) out.add(name!);
  } else if (Array.isArray(node)) for (const v of node) missingVariables(v, env, out);
  else if (node && typeof node === "object") for (const v of Object.values(node)) missingVariables(v, env, out);
  return [...out];
}

/** Text that reads back as itself through `interpolate`: every `${NAME…}` in it gets the `$` that keeps it literal. */
export function escapeInterpolation(text: string): string {
  return text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/g, "$$$&");
}
