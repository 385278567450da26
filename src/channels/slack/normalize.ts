/**
 * Events API envelope → InboundMessage, or the reason it is not one (for debug logs).
 *
 * Pure: no I/O. Whether the bot takes part in a thread needs the Web API, so a plain thread reply
 * comes back as `thread` and the adapter decides. Invariants: eventKey is the envelope's event_id
 * (the inbox dedupes Slack's retries on it); a bot's message, our own, an edit or a delete is never
 * handed on (no loops, no double answers); a channel mention arrives twice (app_mention and message)
 * and only the app_mention is taken; a thread is one conversation (`<channel>:<thread root ts>`),
 * a top-level DM is the whole DM (`<channel>`).
 */
import { recognise } from "../commands.ts";
import type { Attachment, InboundMessage } from "../types.ts";
import { classifyReaction, REACTION_EVENTS } from "./reactions.ts";

export interface SlackIdentity {
  userId: string;
  botId?: string;
  teamId?: string;
  appId?: string;
}

interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
}

export interface SlackEvent {
  type?: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  files?: SlackFile[];
  user_profile?: { display_name?: string; real_name?: string; name?: string };
  blocks?: unknown;
}

export interface SlackEnvelope {
  type?: string;
  team_id?: string;
  api_app_id?: string;
  /** The installations the event is delivered for; ours is the one whose user_id is our bot user. */
  authorizations?: { user_id?: string; team_id?: string; is_bot?: boolean }[];
  event_id?: string;
  event_time?: number;
  event?: SlackEvent;
  challenge?: string;
}

export type Classified =
  | { kind: "message"; message: InboundMessage; thread?: { channel: string; threadTs: string } }
  | { kind: "thread"; message: InboundMessage; channel: string; threadTs: string }
  | { kind: "ignored"; reason: string };

/** Subtypes that are still a person saying something; every other subtype is an edit, delete, join… */
const TAKEN_SUBTYPES = new Set(["file_share", "thread_broadcast"]);
/** Bare words or `!`/`/`-prefixed (Slack keeps real slash commands for itself); `start` is Telegram's. */
const COMMAND = /^[/!]?([a-z]+)(?:\s+(\S.*))?$/is;

/**
 * Why this envelope does not belong to this connection, or null if it does. The team must equal both
 * the token's team (auth.test) and the configured `team_id`, when set: if those two disagree the
 * connection is misconfigured and nothing matches (fail closed).
 */
export function routeMismatch(envelope: SlackEnvelope, me: SlackIdentity, configuredTeamId?: string): string | null {
  for (const team of [me.teamId, configuredTeamId]) {
    if (team && envelope.team_id !== team) return `team ${envelope.team_id ?? "(none)"} is not this connection's team ${team}`;
  }
  return null;
}

/**
 * Why this envelope is addressed to another app or bot user than ours, or null (defence in depth:
 * a shared request URL or a forwarded event must not make us answer for someone else). Once our app
 * id is known an envelope must name it; `authorizations`, when Slack sends it, must include our bot user.
 */
export function addressedElsewhere(envelope: SlackEnvelope, me: SlackIdentity): string | null {
  if (me.appId && envelope.api_app_id !== me.appId) return `app ${envelope.api_app_id ?? "(none)"} is not this connection's app`;
  const auths = envelope.authorizations;
  if (Array.isArray(auths) && auths.length > 0 && !auths.some((a) => a?.user_id === me.userId))
    return `authorized for bot user(s) ${auths.map((a) => a?.user_id ?? "?").join(", ")}, not ours`;
  return null;
}

export function classify(envelope: SlackEnvelope, me: SlackIdentity, now: Date = new Date()): Classified {
  const ev = envelope.event;
  if (envelope.type !== "event_callback" || !ev) return { kind: "ignored", reason: `envelope type ${envelope.type}` };
  if (!envelope.event_id) return { kind: "ignored", reason: "no event_id" };
  if (REACTION_EVENTS.has(ev.type ?? "")) {
    const r = classifyReaction(envelope, me, now);
    return "ignored" in r ? { kind: "ignored", reason: r.ignored } : { kind: "message", message: r.message };
  }
  if (ev.type !== "app_mention" && ev.type !== "message") return { kind: "ignored", reason: `event type ${ev.type}` };
  if (ev.bot_id || ev.subtype === "bot_message") return { kind: "ignored", reason: "sent by a bot" };
  if (ev.subtype && !TAKEN_SUBTYPES.has(ev.subtype)) return { kind: "ignored", reason: `message subtype ${ev.subtype}` };
  if (!ev.user || !ev.channel || !ev.ts) return { kind: "ignored", reason: "no user, channel or ts" };
  if (ev.user === me.userId) return { kind: "ignored", reason: "our own message" };

  const thread = ev.thread_ts && ev.thread_ts !== ev.ts ? ev.thread_ts : undefined;
  const build = (chatKey: string, replyTo: string | undefined) => toMessage(envelope, ev, me, chatKey, replyTo, now);

  if (ev.type === "app_mention") {
    const root = thread ?? ev.ts;
    return { kind: "message", message: build(`${ev.channel}:${root}`, root), thread: { channel: ev.channel, threadTs: root } };
  }
  if (ev.channel_type === "im") {
    return thread ? { kind: "message", message: build(`${ev.channel}:${thread}`, thread) } : { kind: "message", message: build(ev.channel, undefined) };
  }
  if (mentions(ev.text ?? "", me.userId)) return { kind: "ignored", reason: "mention (taken from its app_mention event)" };
  if (!thread) return { kind: "ignored", reason: "channel message without a mention" };
  return { kind: "thread", message: build(`${ev.channel}:${thread}`, thread), channel: ev.channel, threadTs: thread };
}

function toMessage(envelope: SlackEnvelope, ev: SlackEvent, me: SlackIdentity, chatKey: string, replyTo: string | undefined, now: Date): InboundMessage {
  const text = readable(stripMention(ev.text ?? "", me.userId));
  const m = COMMAND.exec(text);
  const found = m && m[1]!.toLowerCase() !== "start" ? recognise(m[1]!, m[2] ?? "", true) : undefined;
  const name = ev.user_profile?.display_name || ev.user_profile?.real_name || ev.user_profile?.name;
  const attachments: Attachment[] = (ev.files ?? [])
    .filter((f): f is SlackFile & { id: string } => typeof f.id === "string")
    .map((f) => ({ name: f.name ?? f.title ?? f.id, ref: f.id, ...(f.mimetype ? { mime: f.mimetype } : {}), ...(typeof f.size === "number" ? { size: f.size } : {}) }));
  // The audit trail keeps the envelope; `blocks` only repeats the text as rich-text JSON and is dropped.
  const { blocks: _blocks, ...event } = ev;
  return {
    eventKey: envelope.event_id!,
    chatKey,
    ...(replyTo ? { replyTo } : {}),
    ...(ev.thread_ts && ev.thread_ts !== ev.ts ? { inReplyTo: ev.thread_ts } : {}),
    sender: { id: ev.user!, ...(name ? { name } : {}) },
    text,
    ...(found ? { command: found.command, ...(found.args ? { commandArgs: found.args } : {}) } : {}),
    attachments,
    receivedAt: now.toISOString(),
    raw: { ...envelope, event },
  };
}

function mentions(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

function stripMention(text: string, userId: string): string {
  return text.replace(new RegExp(`<@${userId}(?:\\|[^>]*)?>\\s*`, "g"), "").trim();
}

/** Slack's escaped wire text → what the person typed: links and references readable, entities decoded. */
function readable(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, "[$2]($1)")
    .replace(/<((?:https?|mailto):[^>]+)>/g, "$1")
    .replace(/<#[A-Z0-9]+\|([^>]+)>/g, "#$1")
    .replace(/<@([A-Z0-9]+)(?:\|[^>]+)?>/g, "@$1")
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, "@$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
