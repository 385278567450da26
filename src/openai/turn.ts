/**
 * One API request as one turn of the gateway's pipeline: the budget is checked up front (429 rather
 * than a refusal in words), the request becomes an inbound message of the agent's `api` connection
 * — durable in the inbox, deduplicated by its event key — and the answer is read back from the
 * outbox by that event. The turn belongs to the pipeline, not to the request: a client that goes
 * away, or a 504, leaves it to finish and be kept in the conversation.
 *
 * Event keys: an `Idempotency-Key` header makes the key `idem:<api key id>:<value>`, so a retry
 * finds the recorded event and waits for (or reads) the same answer instead of running a second turn.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { agentSpend, checkBudget } from "../agent/usage.ts";
import { ApiAdapter } from "../channels/api/adapter.ts";
import type { Database, Tx } from "../db/database.ts";
import { type Agent, approvals, inboundEvents, outboundMessages } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { agentChannel } from "../gateway/agent-channel.ts";
import type { Connections } from "../gateway/connections.ts";
import { REPLIES } from "../gateway/replies.ts";
import type { SecretBox } from "../secrets/box.ts";
import { OpenAiError } from "./errors.ts";
import type { KeyScope } from "./keys.ts";
import type { CompletionRequest } from "./request.ts";

const POLL_MS = 250;
/** A turn the budget stopped part-way answers in words (REPLIES.budgetStop); here it is a 429. */
const BUDGET_STOP = REPLIES.budgetStop("\u0000").split("\u0000")[0]!;
const FINAL = ["done", "failed", "ignored"];

export interface TurnDeps {
  db: Database;
  box: SecretBox;
  connections: Connections | null;
  timeoutMs: number;
}

export interface Answer {
  eventId: string;
  text: string;
  conversationId: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Set when the answer is a request for approval (the tool call waits for a person). */
  approval: { id: string; status: string } | null;
}

/**
 * Checks the budget and records the turn (or, for a repeated Idempotency-Key, finds it); what it
 * returns waits for the answer. Errors before the turn is recorded are thrown here, so a stream
 * opens only for a turn that runs.
 */
export async function beginTurn(deps: TurnDeps, scope: KeyScope, agent: Agent, req: CompletionRequest, idempotencyKey: string | null): Promise<() => Promise<Answer>> {
  const { db } = deps;
  const spend = await db.withTenant(scope.tenantId, (tx) => agentSpend(tx, agent.id));
  const verdict = checkBudget({ daily: Number(agent.dailyBudgetUsd), monthly: Number(agent.monthlyBudgetUsd) }, spend);
  if (!verdict.allowed)
    throw new OpenAiError(429, `${agent.name} is over budget: ${verdict.reason}. An administrator can raise the budget in the console.`, "insufficient_quota", "insufficient_quota");

  const channelId = await agentChannel(db, deps.box, deps.connections, scope.tenantId, agent.id, "api");
  const adapter = deps.connections?.adapter(channelId);
  if (!(adapter instanceof ApiAdapter)) throw new OpenAiError(503, "The API connection is starting; try again in a moment.", "server_error", "unavailable");
  const chatKey = `key:${scope.keyId}:${req.conversation}`;
  const eventKey = idempotencyKey ? `idem:${scope.keyId}:${idempotencyKey}` : randomUUID();
  const sender = req.user ? `api:${req.user}` : `api-key:${scope.keyId}`;
  await adapter.say({ eventKey, chatKey, sender: { id: sender, name: req.user ?? "API" }, text: req.text, attachments: [], receivedAt: new Date().toISOString(), raw: { api: true, model: req.model } });

  return () => waitForAnswer(deps, scope.tenantId, agent.id, adapter, channelId, chatKey, eventKey);
}

async function waitForAnswer(deps: TurnDeps, tenantId: string, agentId: string, adapter: ApiAdapter, channelId: string, chatKey: string, eventKey: string): Promise<Answer> {
  const { db } = deps;
  const deadline = Date.now() + deps.timeoutMs;
  for (;;) {
    const done = await db.withTenant(tenantId, async (tx) => {
      const [ev] = await tx
        .select({ id: inboundEvents.id, status: inboundEvents.status, error: inboundEvents.error, chatKey: sql<string>`${inboundEvents.message}->>'chatKey'`, receivedAt: sql<string>`${inboundEvents.receivedAt}::text` })
        .from(inboundEvents)
        .where(and(eq(inboundEvents.channelId, channelId), eq(inboundEvents.eventKey, eventKey)));
      if (!ev) throw new OpenAiError(500, "the request was not recorded", "server_error", "internal");
      if (ev.chatKey !== chatKey) throw new OpenAiError(409, "Idempotency-Key: already used for another conversation", "invalid_request_error", "idempotency_conflict");
      if (!FINAL.includes(ev.status)) return null;
      const [reply] = await tx.select({ text: outboundMessages.text }).from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, ev.id), eq(outboundMessages.seq, 0)));
      if (ev.status === "failed") throw new OpenAiError(502, reply?.text ?? "The AI employee could not answer.", "server_error", "turn_failed");
      if (reply?.text.startsWith(BUDGET_STOP)) throw new OpenAiError(429, reply.text, "insufficient_quota", "insufficient_quota");
      if (ev.status === "ignored") throw new OpenAiError(429, reply?.text ?? `Not answered: ${ev.error ?? "refused"}.`, "rate_limit_error", "rate_limit_exceeded");
      const turn = await turnOf(tx, tenantId, channelId, chatKey, ev);
      // This turn's calls: those after the conversation's previous answer (a call is stamped with its
      // group commit's start, not comparable with this event's own times). Turns of one conversation
      // run one at a time, so a later turn's calls exist only if the client sent the next request
      // before this one was answered. Every read is an index range of this conversation or agent: a
      // scan by event id or conversation id alone walked all of the tenant's messages and calls.
      const [usage] = turn
        ? await rowsOf<{ prompt: number; completion: number }>(
            tx,
            sql`select coalesce(sum(prompt_tokens), 0)::int as prompt, coalesce(sum(completion_tokens), 0)::int as completion from llm_calls
              where tenant_id = ${tenantId}::uuid and agent_id = ${agentId}::uuid and conversation_id = ${turn.conversationId}::uuid
                and created_at > ${(await previousAnswer(tx, tenantId, turn)) ?? "-infinity"}::timestamptz`,
          )
        : [];
      const [pending] = await tx.select({ id: approvals.id, status: approvals.status }).from(approvals).where(eq(approvals.eventId, ev.id)).limit(1);
      const prompt = Number(usage?.prompt ?? 0);
      const completion = Number(usage?.completion ?? 0);
      return {
        eventId: ev.id,
        text: reply?.text ?? "",
        conversationId: turn?.conversationId ?? null,
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        approval: pending ?? null,
      };
    });
    if (done) return done;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new OpenAiError(504, "The AI employee is still working on this; the answer will be in the conversation (see the console).", "timeout", "timeout");
    await adapter.nextSend(chatKey, Math.min(POLL_MS, left));
  }
}

/**
 * The event's user turn: in the chat's open conversation, stored after the event was received (an
 * index range of a few rows). A conversation closed since (`/new`) is looked for by event alone.
 */
async function turnOf(tx: Tx, tenantId: string, channelId: string, chatKey: string, ev: { id: string; receivedAt: string }): Promise<{ conversationId: string; at: string } | undefined> {
  const [open] = await rowsOf<{ conversation_id: string; at: string }>(
    tx,
    sql`select m.conversation_id, m.created_at::text as at from conversations c
      join messages m on m.tenant_id = c.tenant_id and m.conversation_id = c.id and m.created_at >= ${ev.receivedAt}::timestamptz
      where c.tenant_id = ${tenantId}::uuid and c.channel_id = ${channelId}::uuid and c.chat_key = ${chatKey} and c.closed_at is null
        and m.inbound_event_id = ${ev.id}::uuid and m.role = 'user'
      limit 1`,
  );
  if (open) return { conversationId: open.conversation_id, at: open.at };
  const [byEvent] = await rowsOf<{ conversation_id: string; at: string }>(tx, sql`select conversation_id, created_at::text as at from messages where inbound_event_id = ${ev.id}::uuid and role = 'user' limit 1`);
  return byEvent && { conversationId: byEvent.conversation_id, at: byEvent.at };
}

/** When the conversation last answered before this turn (its calls are the ones after). */
async function previousAnswer(tx: Tx, tenantId: string, turn: { conversationId: string; at: string }): Promise<string | undefined> {
  const [row] = await rowsOf<{ at: string }>(
    tx,
    sql`select created_at::text as at from messages
      where tenant_id = ${tenantId}::uuid and conversation_id = ${turn.conversationId}::uuid and created_at < ${turn.at}::timestamptz and role = 'assistant'
      order by created_at desc limit 1`,
  );
  return row?.at;
}

