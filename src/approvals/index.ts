/**
 * What the admin console needs from approvals: the pending list, and deciding one (which also
 * continues the paused turn, exactly as a button press in the chat does). `actor` is recorded as
 * the decider; the console's own login decides who may call this.
 */
import type { ApprovalFlow } from "../gateway/approval-flow.ts";
import type { Decision } from "./store.ts";

export { listPendingApprovals } from "./store.ts";

export function decideApproval(approvals: Pick<ApprovalFlow, "decide">, input: { tenantId: string; id: string; decision: Decision; actor: string }) {
  return approvals.decide(input.tenantId, input.id, input.decision, input.actor);
}
