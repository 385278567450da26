/**
 * An agent turn's two writes, each shared by the turns of one tenant that are ready at the same
 * moment (Database.batched, db/group-commit.ts):
 *  - begin: the agents and their spend (one read); then each conversation opened or found, its user
 *    turn stored once per inbound event, and the window the model sees (one statement);
 *  - complete: the ledger (llm_calls, usage_daily, audit), the assistant turn and the reply written
 *    down, in one statement — a reply on record is a reply whose turn and cost are on record too.
 * Both are pure functions of their items, as group commit requires (a failed batch is re-run item
 * by item).
 */
import { assistantParts, openTurns, type UserTurn } from "../agent/turn-writes.ts";
import { ledgerParts, type LedgerRows } from "../agent/ledger.ts";
import { systemPrompt } from "../agent/prompt.ts";
import { estimateTokens } from "../agent/tokens.ts";
import { agentsWithSpend, type Spend } from "../agent/usage.ts";
import type { OutboundText } from "../channels/types.ts";
import type { Tx } from "../db/database.ts";
import type { BatchOp } from "../db/group-commit.ts";
import type { TurnContext } from "../agent/turn-context.ts";
import type { Agent } from "../db/schema/index.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { CachedWindow, WindowCache } from "../agent/window-cache.ts";
import { type Prepared, prepareMany } from "./outbox.ts";

/** Null when the agent no longer exists (nothing is written then). */
export type Begun = { agent: Agent; conversationId: string; history: ChatMessage[]; spend: Spend; preloaded?: unknown; window?: CachedWindow } | null;

/** Chats whose last window size is kept (a few bytes each); past this many the hints start over. */
const HINTED_CHATS = 10_000;

/** A chat as the window hints and the window cache know it. */
export const chatOf = (t: { channelId: string; chatKey: string }) => `${t.channelId}:${t.chatKey}`;

/**
 * `context`: its preload runs in this same transaction, for the turns opened. The op remembers each
 * chat's last window size and opens the next turn with a page that holds it (plus the turns said
 * since), so a long window is one statement, not a walk of page after page. With `windows` (the
 * embedded database only, see window-cache.ts) a turn reads only what its chat's cached window lacks;
 * the caller keeps `Begun.window` there once the batch committed (a batch must have no other effect).
 */
export function beginTurnOp(context?: TurnContext, windows?: WindowCache): BatchOp<UserTurn & { userKey?: string }, Begun> {
  const sizes = new Map<string, number>();
  return {
    name: "turn.begin",
    async run(tx, tenantId, turns) {
      const hinted = turns.map((t) => {
        const last = sizes.get(chatOf(t));
        return { ...t, ...(last === undefined ? {} : { page: last + PAGE_SLACK }), cached: windows?.get(chatOf(t)) };
      });
      const begun = await beginTurns(tx, tenantId, hinted, context);
      if (sizes.size > HINTED_CHATS) sizes.clear();
      begun.forEach((b, i) => b && sizes.set(chatOf(turns[i]!), b.history.length));
      return begun;
    },
  };
}

/** Rows a chat's window may have gained since its last turn (that turn's reply, this one's question, a few more). */
const PAGE_SLACK = 8;

export const BEGIN_TURN = beginTurnOp();

async function beginTurns(tx: Tx, tenantId: string, turns: (UserTurn & { userKey?: string; cached?: CachedWindow })[], context?: TurnContext): Promise<Begun[]> {
  const found = await agentsWithSpend(tx, tenantId, [...new Set(turns.map((t) => t.agentId))]);
  const byId = new Map(found.map((r) => [r.agent.id, r]));
  const live = turns.flatMap((t, i) => (byId.has(t.agentId) ? [i] : []));
  if (!live.length) return turns.map(() => null);
  const budget = (agent: Agent) => Math.max(256, agent.contextTokens - estimateTokens(systemPrompt(agent)));
  const opened = await openTurns(
    tx,
    tenantId,
    live.map((i) => ({ ...turns[i]!, budget: budget(byId.get(turns[i]!.agentId)!.agent) })),
  );
  const preloaded = context?.preload
    ? await context.preload(tx, tenantId, live.map((i, k) => ({ agentId: turns[i]!.agentId, conversationId: opened[k]!.conversationId, userKey: turns[i]!.userKey ?? "" })))
    : [];
  const out: Begun[] = turns.map(() => null);
  live.forEach((i, k) => {
    const { agent, spend } = byId.get(turns[i]!.agentId)!;
    out[i] = { agent, ...opened[k]!, spend, preloaded: preloaded[k] };
  });
  return out;
}

export interface CompletedTurn {
  conversationId: string;
  channelId: string;
  inboundEventId: string;
  /** Outbox seq of the reply (0; a turn continued after an approval may answer at a later one). */
  seq?: number;
  reply: OutboundText;
  ledger: LedgerRows;
  /** The reply's send slot is held (Outbox.claim): written `sending`. */
  sending?: boolean;
}

export const COMPLETE_TURN: BatchOp<CompletedTurn, Prepared> = {
  name: "turn.complete",
  run(tx, tenantId, turns) {
    const ledger = { calls: turns.flatMap((t) => t.ledger.calls), audits: turns.flatMap((t) => t.ledger.audits), reservations: turns.flatMap((t) => t.ledger.reservations) };
    const assistant = turns.map((t) => ({ conversationId: t.conversationId, inboundEventId: t.inboundEventId, content: t.reply.text }));
    return prepareMany(
      tx,
      tenantId,
      turns.map((t) => ({ channelId: t.channelId, key: { inboundEventId: t.inboundEventId, seq: t.seq ?? 0 }, message: t.reply, sending: t.sending })),
      [...ledgerParts(ledger), ...assistantParts(tenantId, assistant)],
    );
  },
};
