import { expect, test } from "bun:test";
import { systemPrompt } from "./prompt.ts";

const agent = { name: "Ada", role: "support engineer", persona: "calm", instructions: "Answer about billing." };

test("the Agent Designer's escalation rules reach the model; empty rules add nothing", () => {
  const now = new Date("2026-01-02T00:00:00Z");
  expect(systemPrompt({ ...agent, escalationRules: "  refunds over $100 go to a human " }, now)).toContain("When to hand over to a human: refunds over $100 go to a human");
  expect(systemPrompt({ ...agent, escalationRules: "" }, now)).toBe(systemPrompt(agent, now));
  expect(systemPrompt(agent, now)).not.toContain("hand over");
});
