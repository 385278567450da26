/**
 * A small, safe path language over a JSON payload — no eval, no library that compiles paths to
 * code: `$` followed by `.name` (letters, digits, `_`, `-`) and `[index]` steps, at most MAX_STEPS,
 * e.g. `$.pull_request.state`, `$.commits[0].id`. Only own properties of parsed JSON are read.
 * Filters are conditions "value at path equals a JSON scalar", all of which must hold; templates
 * substitute `{{ $.path }}` with the value JSON-encoded (strings in quotes) and cut to MAX_VALUE,
 * so what came from the payload reads as quoted data, never as instructions of the trigger's own.
 */
import type { FilterCondition } from "../db/schema/index.ts";

export const MAX_STEPS = 16;
export const MAX_PATH = 200;
export const MAX_VALUE = 1000;
export const MAX_TEMPLATE = 4000;
export const MAX_RENDERED = 12_000;
const STEP = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d{1,6})\]/y;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type Step = string | number;

/** Parses a path; throws an Error naming what is wrong. */
export function parsePath(path: string): Step[] {
  if (path.length > MAX_PATH) throw new Error(`path longer than ${MAX_PATH} characters`);
  if (!path.startsWith("$")) throw new Error(`path "${path}" must start with $`);
  const steps: Step[] = [];
  STEP.lastIndex = 1;
  while (STEP.lastIndex < path.length) {
    const at = STEP.lastIndex;
    const m = STEP.exec(path);
    if (!m) throw new Error(`path "${path}": unexpected "${path.slice(at, at + 10)}" (use .name or [index])`);
    steps.push(m[1] ?? Number(m[2]));
    if (steps.length > MAX_STEPS) throw new Error(`path "${path}" has more than ${MAX_STEPS} steps`);
  }
  return steps;
}

/** The value at a path, or undefined. */
export function valueAt(doc: unknown, path: string | Step[]): unknown {
  let cur = doc;
  for (const s of typeof path === "string" ? parsePath(path) : path) {
    if (typeof s === "number") {
      if (!Array.isArray(cur) || s >= cur.length) return undefined;
      cur = cur[s];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}

/** Validates a filter (paths parse, values are JSON scalars). */
export function checkFilter(filter: FilterCondition[]): void {
  if (filter.length > 20) throw new Error("at most 20 filter conditions");
  for (const c of filter) {
    parsePath(c.path);
    if (c.equals !== null && !["string", "number", "boolean"].includes(typeof c.equals)) throw new Error(`filter on ${c.path}: equals must be a string, number, boolean or null`);
  }
}

/** The first condition that does not hold, or null when all hold. */
export function failedCondition(filter: FilterCondition[], doc: unknown): FilterCondition | null {
  for (const c of filter) {
    const v = valueAt(doc, c.path);
    if (v === undefined || v !== c.equals) return c;
  }
  return null;
}

/** Validates a template: bounded, every placeholder a valid path. */
export function checkTemplate(template: string): void {
  if (!template.trim()) throw new Error("the instruction template is empty");
  if (template.length > MAX_TEMPLATE) throw new Error(`the instruction template is longer than ${MAX_TEMPLATE} characters`);
  for (const m of template.matchAll(PLACEHOLDER)) parsePath(m[1]!);
}

export function render(template: string, doc: unknown): string {
  const out = template.replace(PLACEHOLDER, (_, path: string) => quote(valueAt(doc, path)));
  return out.length > MAX_RENDERED ? `${out.slice(0, MAX_RENDERED - 1)}…` : out;
}

function quote(v: unknown): string {
  if (v === undefined) return "(missing)";
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 2)}…${s.startsWith('"') ? '"' : ""}` : s;
}

/** A filter as the console writes it: one `<path> = <value>` per line; a value that is JSON (42, true, null, "x") is that, anything else a string. */
export function filterFromText(text: string): FilterCondition[] {
  const out: FilterCondition[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^\s*(\$[^=\s]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) throw new Error(`filter: "${line.slice(0, 60)}" is not "<path> = <value>"`);
    let equals: FilterCondition["equals"] = m[2]!;
    try {
      const v = JSON.parse(m[2]!) as unknown;
      if (v === null || ["string", "number", "boolean"].includes(typeof v)) equals = v as FilterCondition["equals"];
    } catch {
      // not JSON: the text itself
    }
    out.push({ path: m[1]!, equals });
  }
  try {
    checkFilter(out);
  } catch (e) {
    throw new Error(`filter: ${(e as Error).message}`);
  }
  return out;
}

export function filterToText(filter: FilterCondition[]): string {
  return filter.map((c) => `${c.path} = ${JSON.stringify(c.equals)}`).join("\n");
}
