/**
 * What the turn pipeline asks before the model is called (src/gateway/event-handler.ts): for a
 * scoped agent, the local check's verdict; a decline comes back with the sentence to send and the
 * audit entry's data. An unscoped agent, or an embedding model that cannot be loaded, never blocks a
 * conversation (the latter is logged): the system prompt still holds the model to the scope.
 */
import type { Logger } from "pino";
import type { Agent } from "../db/schema/index.ts";
import type { ScopeCheck, Turn } from "./check.ts";
import { declineSentence } from "./settings.ts";
import type { ScopeVerdict } from "./types.ts";

export interface ScopeDecline {
  text: string;
  verdict: ScopeVerdict;
}

export class ScopeGate {
  constructor(private readonly deps: { check: ScopeCheck | null; log: Logger; declined?: () => void }) {}

  async beforeModel(agent: Pick<Agent, "id" | "scope">, history: Turn[]): Promise<ScopeDecline | null> {
    if (!agent.scope || !this.deps.check) return null;
    let verdict: ScopeVerdict;
    try {
      verdict = await this.deps.check.verdict(agent.scope, history);
    } catch (e) {
      this.deps.log.warn({ err: e, agent: agent.id }, "scope check skipped: embedding model unavailable");
      return null;
    }
    if (verdict.decision !== "decline") return null;
    this.deps.declined?.();
    return { text: declineSentence(agent.scope), verdict };
  }
}
