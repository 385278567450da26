/**
 * Slack interactive payloads (form field `payload` on the same signed hook) → InboundMessage.
 * Only block_actions on our own buttons are taken: a button press is an InboundMessage with
 * `action` set. Pure, like normalize.ts.
 *
 * Invariants: the team must be this connection's (as for events); the event key is the press's
 * action_ts with the message and user, so Slack's retries dedupe and a second click is a second,
 * harmless event; the chat key is the conversation the buttons were posted in (channel, and the
 * thread when the message is in one).
 */
import type { InboundMessage } from "../types.ts";
import type { SlackIdentity } from "./normalize.ts";

/** Slack still posts an interaction when a link button is pressed (send.ts marks its action id): nothing to do. */
export const LINK_ACTION = "link:";

export interface BlockActionsPayload {
  type?: string;
  team?: { id?: string };
  api_app_id?: string;
  user?: { id?: string; name?: string; username?: string };
  channel?: { id?: string };
  container?: { message_ts?: string; channel_id?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
  actions?: { action_id?: string; value?: string; action_ts?: string }[];
}

export function classifyInteraction(payload: BlockActionsPayload, me: SlackIdentity, configuredTeamId?: string, now = new Date()): { message: InboundMessage } | { ignored: string } {
  if (payload.type !== "block_actions") return { ignored: `interaction type ${payload.type}` };
  for (const team of [me.teamId, configuredTeamId]) if (team && payload.team?.id !== team) return { ignored: `team ${payload.team?.id ?? "(none)"} is not this connection's` };
  if (me.appId && payload.api_app_id !== me.appId) return { ignored: `app ${payload.api_app_id} is not this connection's` };
  const action = payload.actions?.[0];
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  const ts = payload.container?.message_ts ?? payload.message?.ts;
  if (!action?.action_id || !payload.user?.id || !channel || !ts) return { ignored: "incomplete block_actions payload" };
  if (action.action_id.startsWith(LINK_ACTION)) return { ignored: "a link button (the browser opened it)" };
  const thread = payload.message?.thread_ts ?? payload.container?.thread_ts;
  return {
    message: {
      eventKey: `action:${ts}:${payload.user.id}:${action.action_ts ?? now.getTime()}`,
      chatKey: thread ? `${channel}:${thread}` : channel,
      ...(thread ? { replyTo: thread } : {}),
      sender: { id: payload.user.id, ...(payload.user.name || payload.user.username ? { name: payload.user.name ?? payload.user.username } : {}) },
      text: "",
      attachments: [],
      action: { id: action.value ?? action.action_id, messageId: ts },
      receivedAt: now.toISOString(),
      raw: { type: payload.type, team: payload.team?.id, user: payload.user.id, channel, ts, action: action.action_id },
    },
  };
}
