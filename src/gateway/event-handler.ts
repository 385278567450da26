/**
 * Handles one claimed inbound event: rate limits → a command or an agent turn → exactly one reply.
 *
 * The hot path is three writes, each shared with other events of the tenant ready at the same
 * moment (group commit): (1) agent, conversation, user turn, window and spend (turn-store.ts); the
 * model call; (2) usage, audit, assistant turn and the reply, written down together; the send;
 * (3) the send's outcome, the outbound audit entry and the event's end. A reply recorded before a
 * crash is re-sent as recorded, never regenerated; a turn cut short replays its journal (model
 * responses that asked for tools, recorded with their usage) instead of asking the model again.
 */
import { and, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { type AuditEntry, audit, auditInsert } from "../agent/audit.ts";
import { TurnJournal } from "../agent/journal.ts";
import { Ledger, ledgerParts } from "../agent/ledger.ts";
import { estimateTokens } from "../agent/tokens.ts";
import { runTurn, type TurnDeps } from "../agent/loop.ts";
import type { PriceTable } from "../agent/usage.ts";
import type { InboundMessage, OutboundText } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import { type MediaAbilities, type MediaConfig, type PreparedMedia, prepareAttachments } from "../media/prepare.ts";
import { agents, outboundMessages } from "../db/schema/index.ts";
import { seesImages } from "../llm/chain.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import type { DocumentReader } from "../media/read-document.ts";
import type { Speak } from "../media/speak.ts";
import { replyMode, speaksTo } from "../media/reply-mode.ts";
import type { Transcribe, TranscriptionGate } from "../media/transcribe.ts";
import { type Caps, headroom, usd } from "../agent/budget.ts";
import { agentSpend, checkBudget, costUsd, type Spend } from "../agent/usage.ts";
import { WindowCache } from "../agent/window-cache.ts";
import type { EscalationRules } from "../escalation/evaluate.ts";
import type { ScopeGate } from "../scope/gate.ts";
import type { ApprovalFlow } from "./approval-flow.ts";
import { runCommand, type TaskCommands } from "./commands.ts";
import { feedbackButtons, isFeedback, rateFromChannel } from "./feedback-buttons.ts";
import { type HandoffPort, type StaffOutcome, TAKE_BUTTON } from "./handoff-port.ts";
import type { FinalStatus, Inbox } from "./inbox.ts";
import { describeOutcome, type Outbox, type Prepared, prepareMany, type SendOutcome } from "./outbox.ts";
import type { Connection } from "./pipeline.ts";
import { inDoubt } from "./outbox-writes.ts";
import { REPLIES } from "./replies.ts";
import { beginTurnOp, chatOf, COMPLETE_TURN } from "./turn-store.ts";
import { keepTyping } from "./typing.ts";

/** Rate limits as the handler needs them: a verdict, and whether this refusal should be said. */
export interface Gate {
  check(key: { tenantId: string; connectionId: string; userId: string }): Promise<{ allowed: boolean; notify: boolean; message: string; scope?: string }>;
}

export interface EventHandlerDeps {
  db: Database;
  inbox: Inbox;
  outbox: Outbox;
  gate: Gate;
  turn: TurnDeps;
  prices: PriceTable;
  log: Logger;
  /** Told when /new closes a conversation (memory extraction). */
  conversationClosed?: (tenantId: string, conversationId: string) => void;
  /** Approval gates (set by the gateway once the flow, which needs this handler's peers, exists). */
  approvals?: ApprovalFlow;
  /** /tasks, /cancel N (src/tasks/), when the app runs background tasks. */
  tasks?: TaskCommands;
  /** Structured escalation rules (src/escalation/), evaluated before the model and at a budget stop. */
  escalation?: EscalationRules;
  /** The business-function scope (src/scope/): clear off-topic requests declined before the model. */
  scope?: ScopeGate;
  /** Attachment limits (config.media); without it attachments reach the model by name only. */
  media?: MediaConfig;
  /** Reads PDF and Word files sent in chat (media/read-document.ts); without it they are refused plainly. */
  readDocument?: DocumentReader;
  /** Voice notes to text (config media.transcription); without it they are refused plainly. */
  transcribe?: Transcribe;
  /** Reads answers aloud (config media.speech) for channels with voice_replies on; without it answers are text. */
  speak?: Speak;
  /** Where admitted attachments are kept per tenant (media/attachments.ts); without it they are not kept. */
  attachments?: AttachmentStore;
  /** Human handoff (src/handoff/): /human, and silence while a person handles the chat. */
  handoff?: HandoffPort;
  /** Seconds from a message received to its reply accepted by the channel (/metrics). */
  replied?: (seconds: number) => void;
}

export class EventHandler {
  /** Running turns by chat, so /cancel can stop them. */
  readonly running = new Map<string, AbortController>();

  /** Opens turns; the turn context's reads (memory, summary) share its transaction. */
  private readonly beginTurn;
  /** Chats' last windows, on the embedded database only (agent/window-cache.ts). */
  private readonly windows;

  constructor(private readonly deps: EventHandlerDeps) {
    this.windows = deps.db.mode === "embedded" ? new WindowCache() : undefined;
    this.beginTurn = beginTurnOp(deps.turn.context, this.windows);
  }

  /** `recovering`: the event was taken over after a crash, so a reply may already be on record. */
  async handle(conn: Connection, eventId: string, message: InboundMessage, recovering: boolean): Promise<void> {
    try {
      await this.process(conn, eventId, message, recovering);
    } catch (e) {
      this.deps.log.error({ err: e, channel: conn.channelId, event: message.eventKey }, "processing failed");
      await this.deps.db
        .withTenant(conn.tenantId, async (tx) => {
          await this.deps.inbox.finish(tx, eventId, "failed", (e as Error).message);
          await audit(tx, { tenantId: conn.tenantId, kind: "error", agentId: conn.agentId, summary: `processing failed: ${(e as Error).message}` });
        })
        .catch(() => {});
    }
  }

  private async process(conn: Connection, eventId: string, message: InboundMessage, recovering: boolean): Promise<void> {
    const { db, gate } = this.deps;
    const { tenantId } = conn;
    let journal = new TurnJournal(tenantId, eventId);
    if (recovering) {
      // What an earlier run left: a reply on record is re-delivered; else its turn's journal is replayed.
      const earlier = await db.withTenant(tenantId, async (tx) => ({ reply: await this.recordedReply(tx, eventId, message), journal: await TurnJournal.load(tx, tenantId, eventId) }));
      if (earlier.reply) return void (await this.deliver(conn, eventId, earlier.reply, "done"));
      journal = earlier.journal;
    }
    // The tenant's people acting on a handoff notification (Take it, a reply in its thread): not a turn.
    if (this.deps.handoff?.staff && (message.inReplyTo || message.action?.id.startsWith(TAKE_BUTTON))) {
      const acted = await this.deps.handoff.staff(tenantId, { channelId: conn.channelId, chatKey: message.chatKey }, message);
      if (acted) return this.staffActed(conn, eventId, message, acted);
    }
    if (isFeedback(message)) return rateFromChannel(this.deps.db, this.deps.inbox, conn, eventId, message);
    if (message.action && this.deps.approvals) return this.deps.approvals.click(conn, eventId, message, recovering);

    const verdict = await gate.check({ tenantId, connectionId: conn.channelId, userId: message.sender.id });
    if (!verdict.allowed) {
      const note = { tenantId, kind: "refusal" as const, agentId: conn.agentId, actor: message.sender.id, summary: `rate limit (${verdict.scope ?? "limit"})`, data: { notified: verdict.notify } };
      if (!verdict.notify) return db.withTenant(tenantId, async (tx) => (await audit(tx, note), await this.deps.inbox.finish(tx, eventId, "ignored")));
      return void (await this.reply(conn, eventId, message, verdict.message, "ignored", note));
    }
    if (message.command) {
      const text = await runCommand({ db, running: this.running, closed: this.deps.conversationClosed, tasks: this.deps.tasks, handoff: this.deps.handoff }, conn, message);
      return void (await this.reply(conn, eventId, message, text, "done"));
    }
    // A person handles this chat: the message is kept for them and the AI does not answer.
    if (await this.deps.handoff?.hold(tenantId, { channelId: conn.channelId, chatKey: message.chatKey }, eventId, userTurn(message, []))) {
      return db.withTenant(tenantId, async (tx) => {
        await audit(tx, { tenantId, kind: "handoff", agentId: conn.agentId, actor: message.sender.id, summary: "held for the human handling this chat", data: { step: "held" } });
        await this.deps.inbox.finish(tx, eventId, "ignored", "held for a human");
      });
    }
    // Downloads happen here, after the event is claimed and before the model call, never on the reply path.
    const early = new Ledger({ tenantId, agentId: conn.agentId, conversationId: null }, this.deps.prices);
    const media = this.deps.media && message.attachments.length ? await prepareAttachments(conn.adapter, message.attachments, this.deps.media, await this.abilities(conn, eventId, message.sender.id, early)) : NO_MEDIA;
    if (media.refusals.length) {
      // Transcriptions made before another file was refused were still paid for: recorded with the reply.
      for (const c of media.calls ?? []) early.transcription(c);
      const note = { tenantId, kind: "refusal" as const, agentId: conn.agentId, actor: message.sender.id, summary: "attachment refused", data: { refusals: media.refusals } };
      return void (await this.reply(conn, eventId, message, media.refusals.join("\n"), "done", note, early));
    }
    await this.turn(conn, eventId, message, recovering, journal, media);
  }

  /** What the agent's model chain can take in (read only for a message with attachments); budget stops go in `ledger`. */
  private async abilities(conn: Connection, inboundEventId: string, userKey: string, ledger: Ledger): Promise<MediaAbilities> {
    const [row, spend] = await this.deps.db.withTenant(conn.tenantId, async (tx) => [
      (await tx.select({ models: agents.models, daily: agents.dailyBudgetUsd, monthly: agents.monthlyBudgetUsd }).from(agents).where(eq(agents.id, conn.agentId)))[0],
      await agentSpend(tx, conn.agentId),
    ] as const);
    const store = this.deps.attachments;
    // A file that could not be kept is still answered: storage is the record, not the reply's precondition.
    const keep: MediaAbilities["keep"] = store && (async (file, bytes) => void (await store.keep(conn.tenantId, { ...file, channelId: conn.channelId, inboundEventId, userKey }, bytes).catch((e) => this.deps.log.error({ err: e }, "attachment not kept"))));
    // Uploaded through the widget or web chat: kept on arrival; only the sender's own, then tied to this event.
    const stored: MediaAbilities["stored"] = store && {
      open: async (id) => (await store.openOwn(conn.tenantId, id, userKey, inboundEventId))?.bytes ?? null,
      claim: (id) => store.claim(conn.tenantId, id, inboundEventId).catch((e) => this.deps.log.error({ err: e }, "attachment not claimed")),
    };
    const caps = { daily: Number(row?.daily ?? 0), monthly: Number(row?.monthly ?? 0) };
    const hear = this.deps.transcribe;
    const transcribe: MediaAbilities["transcribe"] = hear && ((audio, signal) => hear(audio, this.transcriptionGate(audio.name, caps, spend, ledger), signal));
    return { seesImages: seesImages(row?.models ?? []), readDocument: this.deps.readDocument, transcribe, keep, stored };
  }

  /**
   * The budget bounds a transcription like a model call: none once a cap is spent, and none whose
   * price (the audio's seconds at `llm.prices`) does not fit the headroom left. Each one admitted
   * counts against the rest of the message's voice notes; a refusal is audited as a budget stop.
   */
  private transcriptionGate(name: string, caps: Caps, spend: Spend, ledger: Ledger): TranscriptionGate {
    return (c) => {
      const verdict = checkBudget(caps, spend);
      const room = headroom(caps, spend);
      const cost = costUsd(ledger.prices, c.provider, c.model, c.seconds, 0);
      const reason = !verdict.allowed ? verdict.reason! : room && cost > room.usd ? `${room.cap} budget of ${usd(room.of)} has ${usd(Math.max(0, room.usd))} left, not enough for this voice note` : null;
      if (!reason) return (spend.today += cost), (spend.month += cost), null;
      ledger.note({ kind: "budget_stop", summary: `voice note not transcribed: ${reason}`, data: { provider: c.provider, model: c.model, seconds: c.seconds } });
      return REPLIES.notTranscribed(name, reason);
    };
  }

  private async turn(conn: Connection, eventId: string, message: InboundMessage, recovering: boolean, journal: TurnJournal, media: PreparedMedia): Promise<void> {
    const context = media.context;
    const { db } = this.deps;
    const { tenantId } = conn;
    const begun = await db.batched(tenantId, this.beginTurn, {
      userKey: message.sender.id,
      agentId: conn.agentId,
      channelId: conn.channelId,
      chatKey: message.chatKey,
      inboundEventId: eventId,
      content: userTurn(message, context),
      recovering,
    });
    // Committed: what the turn read may now serve the chat's next one.
    if (begun?.window) this.windows?.set(chatOf({ channelId: conn.channelId, chatKey: message.chatKey }), begun.window);
    if (!begun) return void (await db.withTenant(tenantId, (tx) => this.deps.inbox.finish(tx, eventId, "ignored", "agent no longer exists")));

    const scope = { tenantId, agent: begun.agent, conversationId: begun.conversationId };
    // Every ledger of this turn starts with the message's transcription calls (usage rows, budget).
    const newLedger = () => {
      const l = new Ledger({ tenantId, agentId: begun.agent.id, conversationId: begun.conversationId }, this.deps.prices);
      for (const c of media.calls ?? []) l.transcription(c);
      return l;
    };
    // The user's message is on record; a rule that holds hands over before any model is asked (again after
    // a crash: the same window gives the same verdict, and a handed-over chat must not get a model answer).
    const escalated = await this.deps.escalation?.beforeModel(scope, begun.history).catch((e) => (this.deps.log.error({ err: e }, "escalation rules failed"), null));
    if (escalated) return void (await this.complete(conn, eventId, message, begun.conversationId, REPLIES.escalated, newLedger(), "done"));

    // Off-topic for a scoped agent: the same decline every time, audited with the reply, no model call.
    // Judged on the user's own words: an attachment's extracted text or name is the model's to read.
    const declined = await this.deps.scope?.beforeModel(begun.agent, [...begun.history.slice(0, -1), { role: "user", content: message.text }]);
    if (declined) {
      const ledger = newLedger();
      ledger.note({ kind: "scope", actor: message.sender.id, summary: `declined as off-topic (nearest: ${declined.verdict.nearest ?? "-"})`, data: { ...declined.verdict } });
      return void (await this.complete(conn, eventId, message, begun.conversationId, declined.text, ledger, "done"));
    }

    const chat = `${conn.channelId}:${message.chatKey}`;
    const controller = new AbortController();
    this.running.set(chat, controller);
    const ledger = newLedger();
    const typing = keepTyping(conn.adapter, message.chatKey);
    let outcome;
    try {
      const turn = { channelId: conn.channelId, chatKey: message.chatKey, replyTo: message.replyTo, eventId, requestedBy: message.sender.id, enabledSkills: begun.agent.enabledSkills, activeSkills: [], nextSeq: 100 };
      outcome = await runTurn(this.deps.turn, { tenantId, ...begun, ledger, userKey: message.sender.id, signal: controller.signal, turn, journal, images: media.images });
    } finally {
      clearInterval(typing);
      if (this.running.get(chat) === controller) this.running.delete(chat);
    }
    if (controller.signal.aborted) {
      // /cancel already answered the user; this event ends without a second reply.
      return void (await db.withTenant(tenantId, async (tx) => (await ledger.write(tx), await this.deps.inbox.finish(tx, eventId, "ignored", "cancelled"))));
    }
    if (outcome.kind === "paused" && this.deps.approvals) {
      const chat = { chatKey: message.chatKey, replyTo: message.replyTo };
      return void (await this.deps.approvals.pause(conn, { eventId, seq: 0, finish: eventId }, chat, { agentId: begun.agent.id, conversationId: begun.conversationId, history: begun.history }, ledger, outcome, message.sender.id));
    }
    const text = outcome.kind === "paused" ? REPLIES.failed : outcome.kind === "reply" ? outcome.text || "…" : outcome.kind === "budget_stop" ? REPLIES.budgetStop(outcome.reason) : REPLIES.failed;
    if (outcome.kind === "budget_stop") await this.deps.escalation?.onEvent(scope, { budgetStop: true }).catch((e) => this.deps.log.error({ err: e }, "escalation at budget stop failed"));
    // Only the model's answer is spoken (not a refusal or an error): to a user who spoke, or who asked for voice
    // (read after the turn, so "answer me by voice" holds for this very answer); never on a channel with it off.
    const voice = outcome.kind === "reply" && (await this.speaksTo(conn, message.sender.id, !!media.heard)) ? await this.voiceOf(text, begun, ledger) : undefined;
    await this.complete(conn, eventId, message, begun.conversationId, text, ledger, outcome.kind === "failed" ? "failed" : "done", outcome.kind === "reply", voice);
    // Compaction is an LLM call: only after a turn the model answered (never past a budget stop).
    if (outcome.kind === "reply") this.deps.turn.context?.afterTurn({ tenantId, agent: begun.agent, conversationId: begun.conversationId, userKey: message.sender.id }, this.deps.turn.pool, estimateTokens(text));
  }

  private async speaksTo(conn: Connection, userKey: string, heard: boolean): Promise<boolean> {
    if (!conn.voiceReplies || !this.deps.speak) return false;
    return speaksTo(true, await this.deps.db.withTenant(conn.tenantId, (tx) => replyMode(tx, userKey)), heard);
  }

  /**
   * The answer as a voice note, its call in the ledger (usage, budget). The budget bounds it like a
   * model call: a price that does not fit the headroom left means no call and a text-only answer.
   */
  private async voiceOf(text: string, begun: { agent: { dailyBudgetUsd: string; monthlyBudgetUsd: string }; spend: { today: number; month: number } }, ledger: Ledger): Promise<OutboundText["voice"]> {
    if (!this.deps.speak) return undefined;
    const caps = { daily: Number(begun.agent.dailyBudgetUsd), monthly: Number(begun.agent.monthlyBudgetUsd) };
    const room = headroom(caps, { today: begun.spend.today + ledger.spent, month: begun.spend.month + ledger.spent });
    const spoken = await this.deps.speak(text, (c) => !room || costUsd(ledger.prices, c.provider, c.model, c.chars, 0) <= room.usd);
    if (spoken.call) ledger.speech(spoken.call);
    return spoken.voice;
  }

  /** The assistant turn, the ledger and the reply written down together; then delivered. */
  /** `rateable`: the model's answer, which gets 👍/👎 where the channel has feedback on; `voice`: it read aloud (not stored). */
  private async complete(conn: Connection, eventId: string, message: InboundMessage, conversationId: string, text: string, ledger: Ledger, status: FinalStatus, rateable = false, voice?: OutboundText["voice"]) {
    // A free send slot is taken first, so the answer is written `sending` in this commit (outbox.ts).
    const slot = this.deps.outbox.claim(conn.adapter);
    let prepared: Prepared;
    try {
      prepared = await this.deps.db.batched(conn.tenantId, COMPLETE_TURN, {
        conversationId,
        channelId: conn.channelId,
        inboundEventId: eventId,
        reply: { chatKey: message.chatKey, replyTo: message.replyTo, text },
        ledger: ledger.take(),
        sending: slot !== null,
      });
    } catch (e) {
      slot?.();
      throw e;
    }
    const rated = rateable && conn.feedback && conn.adapter.capabilities.buttons ? { ...prepared, message: { ...prepared.message, buttons: feedbackButtons(prepared.id) } } : prepared;
    await this.deliver(conn, eventId, voice ? { ...rated, message: { ...rated.message, voice } } : rated, status, message.receivedAt, slot ?? undefined);
  }

  private async recordedReply(tx: Tx, eventId: string, message: InboundMessage): Promise<Prepared | null> {
    const [r] = await tx.select().from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, eventId), eq(outboundMessages.seq, 0)));
    if (!r) return null;
    const buttons = await this.deps.approvals?.buttonsFor(tx, eventId, 0);
    return { id: r.id, status: r.status, inDoubt: inDoubt(r.status, true), message: { chatKey: r.chatKey, text: r.text, replyTo: message.replyTo, ...(buttons ? { buttons } : {}) } };
  }

  /** A handoff notification acted on: rewritten (who took it) and/or answered under it; the event is done. */
  private async staffActed(conn: Connection, eventId: string, message: InboundMessage, acted: StaffOutcome): Promise<void> {
    if (acted.edit && conn.adapter.edit)
      await conn.adapter.edit(message.chatKey, acted.edit.messageId, acted.edit.text).catch((e) => this.deps.log.warn({ err: e, channel: conn.channelId }, "could not edit the handoff notification"));
    // Said under the notification: in its thread (Slack) or as a reply to it (Telegram).
    const under = { ...message, replyTo: message.replyTo ?? message.action?.messageId };
    if (acted.answer) return void (await this.reply(conn, eventId, under, acted.answer, "done"));
    await this.deps.db.withTenant(conn.tenantId, (tx) => this.deps.inbox.finish(tx, eventId, "done"));
  }

  /** Writes a reply down (with `note` and the `ledger`'s rows, if any, in the same statement) and delivers it. */
  private async reply(conn: Connection, eventId: string, message: InboundMessage, text: string, status: FinalStatus, note?: AuditEntry, ledger?: Ledger) {
    const draft = { channelId: conn.channelId, key: { inboundEventId: eventId, seq: 0 }, message: { chatKey: message.chatKey, replyTo: message.replyTo, text } };
    const noted = note ? auditInsert([note]) : null;
    const alongside = [...(noted ? [["note_in", noted] as const] : []), ...(ledger?.pending ? ledgerParts(ledger.take()) : [])];
    const [prepared] = await this.deps.db.withTenant(conn.tenantId, (tx) => prepareMany(tx, conn.tenantId, [draft], alongside));
    return this.deliver(conn, eventId, prepared!, status, message.receivedAt);
  }

  private async deliver(conn: Connection, eventId: string, prepared: Prepared, status: FinalStatus, receivedAt?: string, slot?: () => void): Promise<SendOutcome> {
    const outcome = await this.send(conn, eventId, prepared, status, slot);
    const since = receivedAt ? Date.parse(receivedAt) : Number.NaN;
    if (outcome.status === "sent" && Number.isFinite(since)) this.deps.replied?.(Math.max(0, Date.now() - since) / 1000);
    return outcome;
  }

  private send(conn: Connection, eventId: string, prepared: Prepared, status: FinalStatus, slot?: () => void): Promise<SendOutcome> {
    return this.deps.outbox.deliver(conn.tenantId, prepared, conn.adapter, (outcome) => ({
      audit: {
        tenantId: conn.tenantId,
        kind: "outbound",
        agentId: conn.agentId,
        summary: describeOutcome(outcome),
        data: { chat: prepared.message.chatKey, externalId: outcome.status === "sent" ? outcome.externalId : null },
      },
      finish: { id: eventId, status: outcome.status === "failed" ? "failed" : status, error: outcome.status === "failed" ? outcome.error : undefined },
    }), slot);
  }
}

const NO_MEDIA: PreparedMedia = { refusals: [], context: [], images: [] };

/** The user's turn as the model sees it: the text, then what was attached (read, or by name). */
function userTurn(message: InboundMessage, context: string[]): string {
  if (context.length) return `${message.text}\n\n${context.join("\n\n")}`.trim();
  if (!message.attachments.length) return message.text;
  const files = message.attachments.map((a) => `${a.name}${a.mime ? ` (${a.mime})` : ""}`).join(", ");
  return `${message.text}\n\n[attached: ${files}]`.trim();
}
