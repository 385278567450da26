/**
 * What an export writes where a credential was: the value itself (`--with-secrets`), or an
 * environment placeholder `${KX_<TENANT>_<WHAT>_<FIELD>}` that `konstruct import` (like the config
 * loader) fills from the environment. The prefix is not `KONSTRUCT_`: the loader reads those as
 * config keys and refuses unknown ones. An empty value stays empty (nothing to carry, and the
 * loader treats an empty variable as unset).
 */
import { escapeInterpolation } from "../config/interpolate.ts";
import { KonstructError } from "../errors.ts";

/** A secret left out of the file: written as `${name}`. */
export class Placeholder {
  constructor(readonly name: string) {}
}

export const variableName = (tenant: string, ...parts: string[]) => ["KX", tenant, ...parts].map((p) => p.toUpperCase().replace(/[^A-Z0-9]+/g, "_")).join("_");

export class SecretWriter {
  /** The variables the import will need, in the order they were written. */
  readonly variables: string[] = [];

  constructor(
    private readonly tenant: string,
    private readonly withSecrets: boolean,
  ) {}

  /** `parts` name the secret (e.g. CHANNEL, its name, the field); `plain` is its value. */
  value(plain: string, ...parts: string[]): string | Placeholder {
    if (!plain || this.withSecrets) return plain;
    const name = variableName(this.tenant, ...parts);
    // Slugs have no '_' and secret names no '-', so names cannot meet; this guards that reasoning.
    if (this.variables.includes(name)) throw new KonstructError("internal", `export: two secrets would share the variable ${name}`);
    this.variables.push(name);
    return new Placeholder(name);
  }
}

/**
 * The tree as YAML-ready values: a placeholder becomes `${NAME}` and every other string is escaped,
 * so text that mentions `${…}` (an instruction about shell syntax) imports as it was exported.
 */
export function finish(node: unknown): unknown {
  if (node instanceof Placeholder) return `\${${node.name}}`;
  if (typeof node === "string") return escapeInterpolation(node);
  if (Array.isArray(node)) return node.map(finish);
  if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, finish(v)]));
  return node;
}
