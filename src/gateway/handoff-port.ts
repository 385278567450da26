/**
 * What the gateway needs from the handoff subsystem (a port: src/handoff/ implements it, so the
 * gateway never imports it). `hold` is asked before every agent turn: when a person handles the
 * chat it keeps the user's message in the conversation (the human sees it, the AI later has it in
 * context) and the AI does not answer. `human` is the `/human` command.
 */
export interface HandoffPort {
  hold(tenantId: string, chat: { channelId: string; chatKey: string }, eventId: string, content: string): Promise<boolean>;
  human(tenantId: string, agentId: string, chat: { channelId: string; chatKey: string }, user: string): Promise<string>;
}
