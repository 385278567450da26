/**
 * The escalation contract. `EscalationRequest` is what every trigger hands to `escalate` — a rule
 * evaluated before the model is called, the budget stop, an approval denied twice; the handoff
 * (human mode, notifications, inbox) implements `Escalate`, the composition root wires it.
 */

export interface EscalationRequest {
  tenantId: string;
  agentId: string;
  conversationId: string;
  /** Shown to the human who takes over. */
  reason: string;
  /** The rule's name. */
  rule: string;
  source: "rule" | "budget" | "approval";
}

/** `signals`: what the appliance computed (for the audit trail); the handoff may ignore it. */
export type Escalate = (req: EscalationRequest, signals?: Record<string, unknown>) => Promise<void>;

/** One structured rule: a condition over signals (condition.ts) and the reason shown to the human. */
export interface EscalationRule {
  name: string;
  when: string;
  reason: string;
}

/** A topic the agent must not handle, recognised by embedding similarity to its description and examples. */
export interface EscalationTopic {
  name: string;
  description: string;
  examples: string[];
}

/** Stored per agent (agents.escalation, jsonb). The free-text guidance stays in agents.escalation_rules. */
export interface EscalationSettings {
  rules: EscalationRule[];
  topics: EscalationTopic[];
}

/** The signals a condition can read; topic names add booleans of their own. */
export interface Signals {
  sentiment: number;
  attempts: number;
  repeats: number;
  failures: number;
  budget_stop: boolean;
  approvals_denied: number;
  topics: Record<string, boolean>;
  /** The user's message, for contains()/matches(). */
  text: string;
}
