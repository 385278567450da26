/**
 * An agent's business-function scope (agents.scope, jsonb; migration 0026): what the business does,
 * the topics the agent may talk about, optional off-topic examples of its own, and the sentence it
 * declines with (per language; `default` when the language has none). Null = unscoped.
 */
export interface ScopeSettings {
  /** One or two sentences: whose assistant this is and what it is for. */
  business: string;
  /** Allowed topics, one short phrase each. */
  topics: string[];
  /** Requests this agent must decline, added to the built-in generic anchors (anchors.ts). */
  offTopicExamples: string[];
  /** Decline sentences by language code (`en`, `de`, …) or `default`. */
  decline: Record<string, string>;
}

/** What the local check decided, with its figures (kept in the audit entry). */
export interface ScopeVerdict {
  decision: "decline" | "pass";
  /** Why it passed without scoring, or what the scores were. */
  reason: "scored" | "short" | "language" | "empty" | "unavailable";
  onTopic?: number;
  offTopic?: number;
  /** The off-topic anchor nearest to the message. */
  nearest?: string;
}
