/**
 * Evaluates an agent's rules: before the model is called (the user's message is on record), and at
 * the events that happen inside a turn (budget stop, an approval denied). The first rule that holds
 * calls `escalate`; nothing here calls a model. If the embedding model cannot be loaded the
 * text-only signals still count and the model-based ones stay neutral (logged), so a broken model
 * never blocks a conversation.
 */
import type { Logger } from "pino";
import type { Agent } from "../db/schema/index.ts";
import type { ChatMessage } from "../llm/types.ts";
import { type Condition, evaluate, MAX_TEXT, parseCondition } from "./condition.ts";
import { REPEAT_THRESHOLD, type Scorer, TOPIC_THRESHOLD } from "./scorer.ts";
import { topicsOf } from "./settings.ts";
import type { Escalate, EscalationRequest, EscalationSettings, Signals } from "./types.ts";

/** The agent's reply said it could not help (counted as a failed attempt). */
const COULD_NOT_HELP = /\b(i (?:can ?not|can't|cannot|am unable to|'m unable to|am not able to|'m not able to) (?:help|answer|assist|do that|find)|i don'?t know|i'?m sorry,? but i can'?t)\b/i;
const WINDOW = 20;

export interface RuleScope {
  tenantId: string;
  agent: Pick<Agent, "id" | "escalation">;
  conversationId: string;
}

export class EscalationRules {
  private readonly compiled = new Map<string, Condition>();

  constructor(private readonly deps: { scorer: Scorer | null; escalate: Escalate; log: Logger }) {}

  /** Before the model: `history` ends with the user's message. Returns the request made, if any. */
  async beforeModel(scope: RuleScope, history: ChatMessage[]): Promise<EscalationRequest | null> {
    const settings = scope.agent.escalation;
    if (!settings?.rules.length) return null;
    const signals = await this.signals(settings, history.slice(-WINDOW));
    return this.fire(scope, settings, signals, "rule");
  }

  /** A turn hit its budget stop, or an approval was denied (`denied` = denials in this conversation so far). */
  async onEvent(scope: RuleScope, event: { budgetStop: true } | { approvalsDenied: number }): Promise<EscalationRequest | null> {
    const settings = scope.agent.escalation;
    if (!settings?.rules.length) return null;
    const signals = neutral("");
    if ("budgetStop" in event) signals.budget_stop = true;
    else signals.approvals_denied = event.approvalsDenied;
    return this.fire(scope, settings, signals, "budgetStop" in event ? "budget" : "approval");
  }

  private async fire(scope: RuleScope, settings: EscalationSettings, signals: Signals, source: EscalationRequest["source"]) {
    const names = topicsOf(settings.topics).map((t) => t.name);
    for (const rule of settings.rules) {
      const key = `${names.join(",")}\n${rule.when}`;
      let c = this.compiled.get(key);
      if (!c) {
        try {
          c = parseCondition(rule.when, names);
        } catch (e) {
          // Saved rules were checked; one that no longer parses (a topic removed) is skipped, loudly.
          this.deps.log.warn({ rule: rule.name, err: e }, "escalation rule skipped");
          continue;
        }
        if (this.compiled.size > 5000) this.compiled.clear();
        this.compiled.set(key, c);
      }
      if (!evaluate(c, signals)) continue;
      const req = { tenantId: scope.tenantId, agentId: scope.agent.id, conversationId: scope.conversationId, reason: rule.reason, rule: rule.name, source };
      const { text: _text, ...shown } = signals;
      await this.deps.escalate(req, shown);
      return req;
    }
    return null;
  }

  private async signals(settings: EscalationSettings, window: ChatMessage[]): Promise<Signals> {
    const last = window.at(-1);
    const text = (last?.role === "user" ? last.content : "").slice(0, MAX_TEXT);
    const s = neutral(text);
    const earlier = window.slice(0, -1);
    s.failures = earlier.filter((m) => m.role === "assistant" && COULD_NOT_HELP.test(m.content.slice(0, MAX_TEXT))).length;
    s.attempts = Math.max(1, s.failures);
    const topics = topicsOf(settings.topics);
    for (const t of topics) s.topics[t.name] = false;
    if (!text.trim() || !this.deps.scorer) return s;
    try {
      const asked = earlier.filter((m) => m.role === "user").map((m) => m.content.slice(0, MAX_TEXT));
      const [v, ...before] = await this.deps.scorer.embed([text, ...asked]);
      s.repeats = before.filter((b) => this.deps.scorer!.similarity(v!, b) >= REPEAT_THRESHOLD).length;
      s.attempts = Math.max(1 + s.repeats, s.failures);
      s.sentiment = Math.round((await this.deps.scorer.sentiment(v!)) * 1000) / 1000;
      for (const [name, sim] of Object.entries(await this.deps.scorer.topics(v!, topics))) s.topics[name] = sim >= TOPIC_THRESHOLD;
    } catch (e) {
      this.deps.log.warn({ err: e }, "escalation signals without the embedding model");
    }
    return s;
  }
}

function neutral(text: string): Signals {
  return { sentiment: 0, attempts: 0, repeats: 0, failures: 0, budget_stop: false, approvals_denied: 0, topics: {}, text };
}
