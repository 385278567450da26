/**
 * Internal events that can start a trigger (kind `event`): a knowledge-base document ready, an
 * approval decided, a task finished. A subsystem calls `emit(tenantId, name, key, payload)` —
 * one line at its hook point — and every unpaused trigger of that tenant for that event gets the
 * payload through the same filter, template and dedupe (`key` is the delivery id: the same event
 * emitted twice starts one task). A task started by an event trigger does not emit
 * `task.finished` (a trigger on finished tasks would otherwise feed itself forever).
 */
export const INTERNAL_EVENTS = ["document.ready", "approval.decided", "task.finished"] as const;
export type InternalEvent = (typeof INTERNAL_EVENTS)[number];

export type Emit = (tenantId: string, event: InternalEvent, key: string, payload: Record<string, unknown>) => void;
