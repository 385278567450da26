import { describe, expect, test } from "bun:test";
import { ConditionError, evaluate, parseCondition } from "./condition.ts";
import type { Signals } from "./types.ts";

const TOPICS = ["billing_dispute", "refunds", "legal"];
const signals = (over: Partial<Signals> = {}): Signals => ({ sentiment: 0, attempts: 1, repeats: 0, failures: 0, budget_stop: false, approvals_denied: 0, topics: { billing_dispute: false, refunds: false, legal: false }, text: "", ...over });
const holds = (src: string, s: Signals) => evaluate(parseCondition(src, TOPICS), s);

describe("conditions", () => {
  test("the issue's examples, as written", () => {
    expect(holds("billing_dispute AND attempts > 2", signals({ topics: { billing_dispute: true }, attempts: 3 }))).toBe(true);
    expect(holds("billing_dispute AND attempts > 2", signals({ topics: { billing_dispute: true }, attempts: 2 }))).toBe(false);
    expect(holds("billing_dispute AND attempts > 2", signals({ attempts: 5 }))).toBe(false);
    expect(holds("sentiment < -0.7", signals({ sentiment: -0.8 }))).toBe(true);
    expect(holds("sentiment < -0.7", signals({ sentiment: -0.5 }))).toBe(false);
  });

  test("AND/OR/NOT (any case, or && || !), parentheses and precedence", () => {
    expect(holds("legal OR refunds AND sentiment < 0", signals({ topics: { legal: true } }))).toBe(true);
    expect(holds("(legal OR refunds) AND sentiment < 0", signals({ topics: { legal: true } }))).toBe(false);
    expect(holds("not legal and !refunds", signals())).toBe(true);
    expect(holds("NOT budget_stop || approvals_denied >= 2", signals({ budget_stop: true, approvals_denied: 2 }))).toBe(true);
  });

  test("keywords and bounded patterns, case-insensitive", () => {
    expect(holds('contains("speak to a manager", "human")', signals({ text: "Let me SPEAK TO A MANAGER" }))).toBe(true);
    expect(holds('matches("\\\\b(lawyer|attorney)s?\\\\b")', signals({ text: "my Attorney will call" }))).toBe(true);
    expect(holds('matches("\\\\b(lawyer|attorney)s?\\\\b")', signals({ text: "attorneyship" }))).toBe(false);
  });

  test("a pattern that would backtrack catastrophically in a backtracking engine runs in linear time", () => {
    const hostile = "a".repeat(4000) + "!";
    const started = performance.now();
    for (const p of ["(a|a)*$", "(a+)+$", "(\\\\w+\\\\s?)*$"]) expect(holds(`matches("${p}")`, signals({ text: hostile }))).toBe(true);
    // A backtracking engine would not finish this in a lifetime; generous for a loaded machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("refused with a readable reason", () => {
    const why = (src: string) => {
      try {
        parseCondition(src, TOPICS);
        return "accepted";
      } catch (e) {
        expect(e).toBeInstanceOf(ConditionError);
        return (e as Error).message;
      }
    };
    expect(why("angry > 2")).toContain("unknown signal 'angry'");
    expect(why("sentiment <")).toContain("cannot parse");
    expect(why('matches("(?=admin)")')).toContain("invalid pattern");
    expect(why('matches("(a)\\\\1")')).toContain("no backreferences");
    expect(why('matches("([a-z]")')).toContain("invalid pattern");
    expect(why("constructor.prototype")).toContain("only signals");
    expect(why('process("x")')).toContain("unknown function");
    expect(why("attempts = 2")).not.toBe("accepted");
    expect(why("x".repeat(501))).toContain("at most 500");
    expect(why(Array(70).fill("legal").join("||"))).toContain("at most 60 parts");
    expect(why('sentiment == "bad"')).toContain("quotes only");
  });
});
