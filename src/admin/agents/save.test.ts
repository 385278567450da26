import { describe, expect, test } from "bun:test";
import { parseAgentForm } from "./save.ts";

const fields = { name: "Ada", slug: "ada", models: "mock/m", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };

describe("the agent form's budgets", () => {
  test("a tiny cap is kept exactly, as typed", () => {
    const r = parseAgentForm({ ...fields, daily_budget_usd: "0.000001", monthly_budget_usd: "12.50" });
    expect(r.ok && [r.value.daily_budget_usd, r.value.monthly_budget_usd]).toEqual(["0.000001", "12.5"]);
  });

  test("an amount the store cannot hold is an error on its field, not a rounded value", () => {
    const r = parseAgentForm({ ...fields, daily_budget_usd: "0.0000000001", monthly_budget_usd: "-3" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.daily_budget_usd).toContain("more than 9 decimal places");
    expect(r.errors.monthly_budget_usd).toBe("cannot be negative");
  });
});

describe("the agent form's model chain", () => {
  test("a line may end in ' vision' (the model sees images); any other trailing word is an error on the field", () => {
    const r = parseAgentForm({ ...fields, models: "mock/m\nmock/llava vision" });
    expect(r.ok && r.value.models).toEqual(["mock/m", "mock/llava vision"]);
    const bad = parseAgentForm({ ...fields, models: "mock/llava eyes" });
    expect(!bad.ok && bad.errors.models).toContain("optionally followed by ' vision'");
  });
});
