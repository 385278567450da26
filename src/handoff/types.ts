/**
 * The handoff subsystem's public entry: anything that decides a person must take over (the agent's
 * `escalate` tool, the `/human` command, the escalation rules, the budget stop, an approval denied
 * twice) builds an EscalationRequest and calls `escalate`. Escalating a conversation already in human
 * mode is not an error and starts nothing new: the open handoff is returned with `created: false`.
 */
import type { Handoff } from "../db/schema/handoffs.ts";

export type EscalationSource = "tool" | "command" | "rule" | "budget" | "approval";

export interface EscalationRequest {
  tenantId: string;
  agentId: string;
  conversationId: string;
  /** Shown to the human who takes it (bounded to 500 characters when stored). */
  reason: string;
  /** The rule (or tool/command name) that decided it. */
  rule: string;
  source: EscalationSource;
}

export interface EscalationResult {
  handoff: Handoff;
  /** False when the conversation was already in human mode (nothing new was started). */
  created: boolean;
}

export type Escalate = (req: EscalationRequest) => Promise<EscalationResult>;

export const ESCALATION_SOURCES: readonly EscalationSource[] = ["tool", "command", "rule", "budget", "approval"];

/** Told when a person first answers a handoff and when it closes (the composition root feeds /metrics). */
export interface HandoffMeasures {
  firstReply(h: Handoff): void;
  closed(h: Handoff): void;
}
