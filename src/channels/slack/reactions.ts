/**
 * A 👍/👎 reaction (reaction_added / reaction_removed) on one of our bot's messages → InboundMessage
 * with a feedback `action` (gateway/feedback-buttons.ts rates it, as a button press). Pure.
 *
 * Invariants: only thumbs (any skin tone) count, other emoji are ignored; only a reaction on a
 * message our bot user wrote (`item_user`), by someone else than our bot; the event key is the
 * envelope's event_id (Slack's retries dedupe). A reaction does not say which thread its message is
 * in, so the chat key is the Slack channel and the gateway finds the answer by its ts in that channel.
 */
import { FEEDBACK_REACTION, type InboundMessage } from "../types.ts";
import type { SlackEnvelope, SlackIdentity } from "./normalize.ts";

export const REACTION_EVENTS = new Set(["reaction_added", "reaction_removed"]);

const THUMBS: Record<string, "+" | "-"> = { "+1": "+", thumbsup: "+", "-1": "-", thumbsdown: "-" };

export interface ReactionEvent {
  type?: string;
  user?: string;
  reaction?: string;
  item_user?: string;
  item?: { type?: string; channel?: string; ts?: string };
  event_ts?: string;
}

export function classifyReaction(envelope: SlackEnvelope, me: SlackIdentity, now = new Date()): { message: InboundMessage } | { ignored: string } {
  const ev = envelope.event as ReactionEvent;
  const sign = THUMBS[(ev.reaction ?? "").split("::")[0]!];
  if (!sign) return { ignored: `reaction :${ev.reaction ?? "(none)"}: is not a rating` };
  if (ev.item?.type !== "message" || !ev.item.channel || !ev.item.ts || !ev.user) return { ignored: "reaction without a message item or user" };
  if (ev.item_user !== me.userId) return { ignored: "reaction on a message that is not ours" };
  if (ev.user === me.userId) return { ignored: "our own reaction" };
  const verb = ev.type === "reaction_added" ? "add" : "remove";
  return {
    message: {
      eventKey: envelope.event_id!,
      chatKey: ev.item.channel,
      sender: { id: ev.user },
      text: "",
      attachments: [],
      action: { id: `${FEEDBACK_REACTION}${sign}:${verb}`, messageId: ev.item.ts },
      receivedAt: now.toISOString(),
      raw: { type: ev.type, team: envelope.team_id, user: ev.user, reaction: ev.reaction, channel: ev.item.channel, ts: ev.item.ts },
    },
  };
}
