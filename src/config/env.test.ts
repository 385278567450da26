import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { applyEnv } from "./env.ts";

/** The rule before the fast path: every value through YAML, kept only when a number, boolean or flow collection. */
function throughYaml(value: string): unknown {
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

describe("KONSTRUCT_* values", () => {
  test("read without the YAML parser exactly as through it", () => {
    const values = ["8080", "-1", "0.5", "0123", "007", "1.0", "true", "True", "TRUE", "false", "FALSE", "tRUE", "yes", "no", "on", "null", "warn",
      "info.x", "a_b-c", "a: b", "x #y", "~", "- x", "[1, 2]", "{a: 1}", "1e3", "0x1F", "0o17", ".inf", "-.inf", ".nan", "+5", "1_000", "12:30", ""];
    for (const v of values) expect({ v, got: applyEnv({}, { KONSTRUCT_LOG__LEVEL: v }).log }).toEqual({ v, got: { level: throughYaml(v) } });
  });
});
