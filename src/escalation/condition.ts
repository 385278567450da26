/**
 * Rule conditions: parsed by jsep (a parser only — nothing is ever compiled or eval'd), checked
 * against a whitelist of node types, identifiers and functions when a rule is saved, then evaluated
 * by walking the tree. Bounded: an expression of at most 500 characters and 60 nodes; a pattern of
 * at most 200 characters, compiled by re2js (RE2's automaton: matching time is linear in the text,
 * so no pattern can backtrack catastrophically; lookaround and backreferences are refused), matched
 * against at most 4,000 characters of the message.
 */
import jsep, { type Expression } from "jsep";
import type { RE2JS } from "re2js";
import type { Signals } from "./types.ts";

for (const [op, p] of [["OR", 1], ["or", 1], ["AND", 2], ["and", 2]] as const) jsep.addBinaryOp(op, p);
for (const op of ["NOT", "not"]) jsep.addUnaryOp(op);

// re2js costs several MB once loaded: loaded with the first pattern compiled, not at start — an
// appliance without escalation rules keeps its idle memory.
const re2 = (): typeof RE2JS => (require("re2js") as typeof import("re2js")).RE2JS;

export const NUMERIC_SIGNALS = ["sentiment", "attempts", "repeats", "failures", "approvals_denied"] as const;
export const BOOLEAN_SIGNALS = ["budget_stop"] as const;
const MAX_CHARS = 500;
const MAX_NODES = 60;
const MAX_PATTERN = 200;
export const MAX_TEXT = 4000;
const COMPARE = new Set(["<", "<=", ">", ">=", "==", "!="]);
const LOGIC = new Set(["AND", "and", "&&", "OR", "or", "||"]);

export class ConditionError extends Error {}

export interface Condition {
  tree: Expression;
  /** Compiled patterns of matches(), by source. */
  patterns: Map<string, RE2JS>;
}

/** Parses and checks `source`; `topics`: the topic names the agent can use. Throws ConditionError with a readable message. */
export function parseCondition(source: string, topics: readonly string[]): Condition {
  if (source.length > MAX_CHARS) throw new ConditionError(`a condition is at most ${MAX_CHARS} characters`);
  let tree: Expression;
  try {
    tree = jsep(source);
  } catch (e) {
    throw new ConditionError(`cannot parse '${source.slice(0, 80)}': ${(e as Error).message}`);
  }
  const known = new Set<string>([...NUMERIC_SIGNALS, ...BOOLEAN_SIGNALS, ...topics]);
  const patterns = new Map<string, RE2JS>();
  let nodes = 0;
  const visit = (n: Expression): void => {
    if (++nodes > MAX_NODES) throw new ConditionError(`a condition has at most ${MAX_NODES} parts`);
    switch (n.type) {
      case "Literal":
        if (typeof n.value !== "number" && typeof n.value !== "boolean") throw new ConditionError(`text in quotes only goes inside contains("…") or matches("…")`);
        return;
      case "Identifier":
        if (!known.has(n.name as string)) throw new ConditionError(`unknown signal '${n.name}'; known: ${[...known].join(", ")}`);
        return;
      case "UnaryExpression":
        if (!["NOT", "not", "!", "-"].includes(n.operator as string)) throw new ConditionError(`operator '${n.operator}' is not allowed`);
        return visit(n.argument as Expression);
      case "BinaryExpression":
        if (!COMPARE.has(n.operator as string) && !LOGIC.has(n.operator as string)) throw new ConditionError(`operator '${n.operator}' is not allowed (use AND, OR, NOT, <, <=, >, >=, ==, !=)`);
        visit(n.left as Expression);
        return visit(n.right as Expression);
      case "CallExpression":
        return checkCall(n, patterns);
      default:
        throw new ConditionError(`'${source.slice(0, 80)}': only signals, numbers, comparisons, AND/OR/NOT, contains("…") and matches("…") are allowed`);
    }
  };
  visit(tree);
  return { tree, patterns };
}

function checkCall(n: Expression, patterns: Map<string, RE2JS>): void {
  const callee = n.callee as Expression;
  const args = n.arguments as Expression[];
  const name = callee.type === "Identifier" ? (callee.name as string) : "";
  if (name !== "contains" && name !== "matches") throw new ConditionError(`unknown function; use contains("word", …) or matches("pattern")`);
  if (!args.length || args.length > 20 || args.some((a) => a.type !== "Literal" || typeof a.value !== "string" || !a.value))
    throw new ConditionError(`${name}() takes 1 to 20 non-empty texts in quotes`);
  if (name === "matches") {
    if (args.length !== 1) throw new ConditionError(`matches() takes one pattern`);
    const src = args[0]!.value as string;
    if (src.length > MAX_PATTERN) throw new ConditionError(`a pattern is at most ${MAX_PATTERN} characters`);
    try {
      patterns.set(src, re2().compile(src, re2().CASE_INSENSITIVE));
    } catch (e) {
      throw new ConditionError(`invalid pattern '${src}': ${(e as Error).message} (RE2 syntax: no lookaround, no backreferences)`);
    }
  }
}

/** Evaluates a checked condition; a rule fires when the result is true (or a non-zero number). */
export function evaluate(c: Condition, s: Signals): boolean {
  const text = s.text.slice(0, MAX_TEXT).toLowerCase();
  const value = (n: Expression): number | boolean => {
    switch (n.type) {
      case "Literal":
        return n.value as number | boolean;
      case "Identifier": {
        const name = n.name as string;
        if (name in s.topics) return s.topics[name]!;
        return (s as unknown as Record<string, number | boolean>)[name] ?? false;
      }
      case "UnaryExpression":
        return n.operator === "-" ? -Number(value(n.argument as Expression)) : !truthy(value(n.argument as Expression));
      case "CallExpression": {
        const args = (n.arguments as Expression[]).map((a) => a.value as string);
        if ((n.callee as Expression).name === "matches") return c.patterns.get(args[0]!)!.matcher(text).find();
        return args.some((a) => text.includes(a.toLowerCase()));
      }
      case "BinaryExpression": {
        const op = n.operator as string;
        const l = value(n.left as Expression);
        if (/^(AND|and|&&)$/.test(op)) return truthy(l) && truthy(value(n.right as Expression));
        if (/^(OR|or|\|\|)$/.test(op)) return truthy(l) || truthy(value(n.right as Expression));
        const a = Number(l);
        const b = Number(value(n.right as Expression));
        return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : op === ">=" ? a >= b : op === "==" ? a === b : a !== b;
      }
    }
    return false;
  };
  return truthy(value(c.tree));
}

const truthy = (v: number | boolean) => (typeof v === "number" ? v !== 0 : v);
