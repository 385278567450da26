/**
 * What every channel adapter speaks. Business logic sees only these types and a connection's
 * capabilities — it never branches on the channel's name.
 *
 * InboundMessage is deliberately small: identity for idempotency (eventKey), where to answer
 * (chatKey, replyTo), who said what, attachment metadata, and the raw event for the audit trail.
 */
export interface InboundMessage {
  /** The channel's own id for this event (Slack event_id, Telegram update_id): the idempotency key. */
  eventKey: string;
  /** Where replies go and which conversation this belongs to, e.g. `C123:1700000000.000100` or `4711`. */
  chatKey: string;
  /** The message to thread the answer under (Slack ts, Telegram message_id), if any. */
  replyTo?: string;
  /**
   * The channel's id of the message this one answers, if it answers one: the thread's root (Slack
   * thread_ts) or the message replied to (Telegram reply_to_message). A reply to a handoff
   * notification is how a person answers the user from Slack or Telegram (src/handoff/staff.ts).
   */
  inReplyTo?: string;
  sender: { id: string; name?: string };
  text: string;
  /** A slash command the adapter recognised (`/new`, `/status`…), without the slash. */
  command?: string;
  /** The command's argument (`/cancel 3` → "3", `/cancel all` → "all"). */
  commandArgs?: string;
  attachments: Attachment[];
  /** A button the user pressed (an approval decision) rather than something they wrote. */
  action?: ButtonAction;
  /** ISO-8601. */
  receivedAt: string;
  raw: unknown;
}

export interface Attachment {
  name: string;
  mime?: string;
  size?: number;
  /** Channel-specific handle to fetch it later (Slack file id, Telegram file_id); for a `stored` one, its attachments row id. */
  ref: string;
  /**
   * Already in the tenant's attachment store (uploaded through the widget or web chat, admitted and
   * kept on arrival, not yet tied to an event): read from there, never downloaded; the turn claims it.
   */
  stored?: boolean;
}

export interface OutboundText {
  chatKey: string;
  replyTo?: string;
  /** Markdown as the agent wrote it; the adapter converts it to the channel's dialect and splits it. */
  text: string;
  /** Buttons under the (last part of the) message, where the channel has them (capabilities.buttons). */
  buttons?: Button[];
  /**
   * The answer read aloud (Ogg Opus), sent as the channel's own voice message with the text as
   * caption or after it. Not stored: a reply re-sent after a crash goes out as text. An adapter
   * that cannot send it, or fails to, sends the text alone — the voice never costs the answer.
   */
  voice?: { bytes: Uint8Array; mime: string };
}

export interface Button {
  /** What comes back in ButtonAction.id when pressed (≤ 64 bytes: Telegram's callback_data limit). */
  id: string;
  label: string;
  style?: "primary" | "danger";
  /** A link button: pressing it opens this https URL and tells us nothing (Slack, Telegram; others leave it out). */
  url?: string;
}

export interface ButtonAction {
  /** The pressed Button's id. */
  id: string;
  /** The channel's id of the message that carries the buttons (for edits). */
  messageId?: string;
}

/**
 * An action id prefix for a rating reaction (a 👍/👎 emoji on an answer, Slack): `fbr:<+|->:<add|remove>`,
 * with the reacted-to message's channel id in `messageId`. Rated in gateway/feedback-buttons.ts.
 */
export const FEEDBACK_REACTION = "fbr:";

export interface ChannelCapabilities {
  threads: boolean;
  buttons: boolean;
  files: boolean;
  edits: boolean;
  typing: boolean;
  /** The channel's hard limit for one message; longer answers are split. */
  maxMessageLength: number;
}

/**
 * Which outbox row a send delivers. `inDoubt`: an earlier process began this very send and died
 * before recording its outcome, so the message may already be on the channel.
 */
export interface Delivery {
  outboxId: string;
  inDoubt?: boolean;
}

/** Where an adapter hands inbound messages; resolves once the message is durably recorded. */
export type InboundSink = (message: InboundMessage) => Promise<void>;

export interface ChannelAdapter {
  readonly capabilities: ChannelCapabilities;
  /** Begin receiving (polling, sockets); webhook adapters receive through their HTTP route instead. */
  start(sink: InboundSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends one reply, split as needed; returns the channel's id of the (first) message sent, and
   * when it went out as several messages every part's id in order (a reaction on any part rates it).
   * `delivery` names the outbox row, for channels that can tag a message with it (Slack metadata).
   */
  send(message: OutboundText, delivery?: Delivery): Promise<{ externalId: string; partIds?: string[] }>;
  /**
   * For an in-doubt send: the channel's id of the message if it is already on the channel, null if
   * it certainly is not. Absent where the channel cannot tell (Telegram): the outbox then does not
   * re-send and records the reply as `unknown` (at most once).
   */
  findSent?(message: OutboundText, delivery: Delivery): Promise<string | null>;
  /** Shows "typing…" where the channel supports it; a no-op elsewhere. */
  typing(chatKey: string): Promise<void>;
  /** Fetches an attachment's bytes through the channel's API, refusing more than maxBytes. */
  download?(attachment: Attachment, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; mime?: string }>;
  /** Replaces a sent message's text and removes its buttons (capabilities.edits). */
  edit?(chatKey: string, externalId: string, text: string): Promise<void>;
}
