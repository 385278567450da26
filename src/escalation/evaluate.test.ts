/**
 * EscalationRules over a conversation window with the real local model: the agent's "could not
 * help" replies count as failed attempts, the first rule that holds is the one reported, events
 * set only their own signal, and with the embedding model unavailable the text rules still hold.
 */
import { afterAll, expect, test } from "bun:test";
import pino from "pino";
import type { ChatMessage } from "../llm/types.ts";
import { testEmbedder } from "../../test/support/models.ts";
import { EscalationRules } from "./evaluate.ts";
import { Scorer } from "./scorer.ts";
import type { EscalationRequest, EscalationSettings } from "./types.ts";

const embedder = testEmbedder();
afterAll(() => embedder.close());
const log = pino({ level: "silent" });

function rules(settings: EscalationSettings, scorer: Scorer | null = new Scorer(embedder)) {
  const seen: { req: EscalationRequest; signals?: Record<string, unknown> }[] = [];
  const r = new EscalationRules({ scorer, escalate: async (req, signals) => void seen.push({ req, signals }), log });
  const scope = { tenantId: "t1", agent: { id: "a1", escalation: settings }, conversationId: "c1" };
  return { r, scope, seen };
}
const turns = (...pairs: [ChatMessage["role"], string][]) => pairs.map(([role, content]) => ({ role, content }) as ChatMessage);

test("the agent saying it cannot help counts as failed attempts", async () => {
  const { r, scope, seen } = rules({ rules: [{ name: "stuck", when: "failures >= 2 AND attempts > 1", reason: "The agent could not help" }], topics: [] });
  const one = turns(["user", "Where is my parcel?"], ["assistant", "I'm sorry, but I can't find that order."], ["user", "It was order 77 from Oslo."]);
  expect(await r.beforeModel(scope, one)).toBeNull();
  const two = [...one, ...turns(["assistant", "I don't know where it is, unfortunately."], ["user", "Then who does?"])];
  expect(await r.beforeModel(scope, two)).toEqual({ tenantId: "t1", agentId: "a1", conversationId: "c1", reason: "The agent could not help", rule: "stuck", source: "rule" });
  expect(seen[0]!.signals).toMatchObject({ failures: 2, attempts: 2 });
}, 60_000);

test("rules are checked in order; the first that holds is reported; an own topic is recognised", async () => {
  const settings = {
    rules: [
      { name: "cancel", when: "cancellation", reason: "Wants to cancel" },
      { name: "anything", when: "attempts >= 1", reason: "Always" },
    ],
    topics: [{ name: "cancellation", description: "The customer wants to cancel their contract or subscription.", examples: ["Cancel my subscription", "I want to end my contract"] }],
  };
  const { r, scope } = rules(settings);
  expect((await r.beforeModel(scope, turns(["user", "Please cancel my subscription today."])))!.rule).toBe("cancel");
  expect((await r.beforeModel(scope, turns(["user", "What is the weather like in Bergen?"])))!.rule).toBe("anything");
}, 60_000);

test("events set only their own signal; no rules, nothing to do", async () => {
  const { r, scope, seen } = rules({ rules: [{ name: "b", when: "budget_stop", reason: "Budget" }, { name: "d", when: "approvals_denied >= 2", reason: "Denied" }], topics: [] });
  expect(await r.onEvent(scope, { approvalsDenied: 1 })).toBeNull();
  expect((await r.onEvent(scope, { approvalsDenied: 2 }))!.source).toBe("approval");
  expect((await r.onEvent(scope, { budgetStop: true }))!).toMatchObject({ rule: "b", source: "budget" });
  expect(seen).toHaveLength(2);
  const none = rules({ rules: [], topics: [] });
  expect(await none.r.beforeModel(none.scope, turns(["user", "I will sue you"]))).toBeNull();
});

test("without the embedding model: text rules still hold, model-based signals stay neutral", async () => {
  const broken = new Scorer({ model: "missing/model", embed: () => Promise.reject(new Error("model not found")) });
  const { r, scope } = rules({ rules: [{ name: "angry", when: "sentiment < -0.7", reason: "Upset" }, { name: "human", when: 'contains("a human")', reason: "Asked for a human" }], topics: [] }, broken);
  expect(await r.beforeModel(scope, turns(["user", "You are useless, I am furious!"]))).toBeNull();
  expect((await r.beforeModel(scope, turns(["user", "Let me talk to a HUMAN now"])))!.rule).toBe("human");
});
