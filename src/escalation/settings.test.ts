import { expect, test } from "bun:test";
import { validate } from "../config/load.ts";
import { parseRuleLines } from "./settings.ts";

test("Designer lines: accepted, and refused line by line with the reason", () => {
  const ok = parseRuleLines("# comment\nbilling | billing_dispute AND attempts > 2 | Billing dispute unresolved\nangry | sentiment < -0.7 | Customer is upset", []);
  expect(ok).toEqual({ ok: true, rules: [{ name: "billing", when: "billing_dispute AND attempts > 2", reason: "Billing dispute unresolved" }, { name: "angry", when: "sentiment < -0.7", reason: "Customer is upset" }] });
  expect(parseRuleLines("angry | sentiment < -0.7", [])).toEqual({ ok: false, error: expect.stringContaining("line 1: write 'name | condition | reason'") });
  expect(parseRuleLines("a | sentiment < 0 | x\nb | mood < 0 | y", [])).toEqual({ ok: false, error: expect.stringContaining("line 2: unknown signal 'mood'") });
  expect(parseRuleLines("a | sentiment < 0 | x\na | attempts > 2 | y", [])).toEqual({ ok: false, error: "line 2: duplicate rule name 'a'" });
  expect(parseRuleLines("a | vip_customer | x", [{ name: "vip_customer", description: "A VIP", examples: [] }])).toMatchObject({ ok: true });
});

const tree = (rules: unknown[]) => ({
  tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", escalation: { guidance: "refunds over $100 go to a human", rules } }] }],
});

test("config as code: rules validated where they are declared", () => {
  const ok = validate(tree([{ name: "angry", when: "sentiment < -0.7", reason: "Upset" }]));
  expect(ok.tenants[0]!.agents[0]!.escalation!.rules[0]!.when).toBe("sentiment < -0.7");
  expect(() => validate(tree([{ name: "angry", when: "sentiment <<< 1", reason: "Upset" }]))).toThrow("tenants[0].agents[0].escalation.rules[0].when: cannot parse");
  expect(() => validate(tree([{ name: "x", when: 'matches("(?<=a)b")', reason: "R" }]))).toThrow(/invalid pattern/);
  expect(() => validate(tree([{ name: "x", when: "refund_dispute", reason: "R" }]))).toThrow(/unknown signal 'refund_dispute'/);
  expect(() => validate(tree([{ name: "x", when: "legal" }]))).toThrow(/reason/);
});
