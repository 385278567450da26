/**
 * What the gateway needs from the handoff subsystem (a port: src/handoff/ implements it, so the
 * gateway never imports it). `hold` is asked before every agent turn: when a person handles the
 * chat it keeps the user's message in the conversation (the human sees it, the AI later has it in
 * context) and the AI does not answer. `human` is the `/human` command. `staff` is asked about a
 * press of a handoff notification's *Take it* button (`TAKE_BUTTON` + handoff id) and about a reply
 * to a message (inReplyTo): when it answers a handoff notification it is the tenant's people acting
 * on it, not a user talking to the AI; null: it is not about a notification, the turn goes on.
 */
import type { InboundMessage } from "../channels/types.ts";

/** The id of a handoff notification's *Take it* button is this prefix and the handoff's id. */
export const TAKE_BUTTON = "khto:";

export interface StaffOutcome {
  /** Said back where the person acted (the notification's thread or chat). */
  answer?: string;
  /** The notification (the message with the button) rewritten: who took it, without the button. */
  edit?: { messageId: string; text: string };
}
export interface HandoffPort {
  hold(tenantId: string, chat: { channelId: string; chatKey: string }, eventId: string, content: string): Promise<boolean>;
  human(tenantId: string, agentId: string, chat: { channelId: string; chatKey: string }, user: string): Promise<string>;
  staff?(tenantId: string, chat: { channelId: string; chatKey: string }, message: InboundMessage): Promise<StaffOutcome | null>;
}
