/**
 * One heartbeat of one agent. The SQL pre-check runs first; nothing new → the beat is recorded
 * `idle` and no model is called (an idle heartbeat costs 0 tokens). Something new → one call to the
 * agent's cheap model (the first of its `models` chain) through the pool, budget-bounded and recorded
 * in usage like every other call (memory/summarize.ts), with only the new items and the checklist in
 * the prompt; its JSON decision {notify, message} and its tokens and cost are recorded in
 * `heartbeat_runs`. A `notify` decision's message is written to the outbox in the transaction that
 * records the run and delivered right after (deliver.ts); what could not be delivered then is
 * retried by the sweep (sweep.ts), never sent twice.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { Ledger } from "../agent/ledger.ts";
import type { PriceTable } from "../agent/usage.ts";
import type { Database } from "../db/database.ts";
import { type Agent, type HeartbeatDecision, heartbeatRuns } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { ChatResult } from "../llm/types.ts";
import { recordedCall } from "../memory/summarize.ts";
import { deliverNotice, type Notice, prepareNotice, type Reach } from "./deliver.ts";
import { changesSince, type Item } from "./precheck.ts";

export interface BeatDeps {
  db: Database;
  pool: Pick<LlmPool, "chat">;
  log: Logger;
  prices: PriceTable;
  /** The gateway's outbox and live connections, to deliver a reach-out. */
  reach: Reach;
}

export interface BeatOutcome {
  decision: HeartbeatDecision;
  items: number;
  message: string | null;
  tokens: number;
}

const SYSTEM = `You are an AI employee's heartbeat. Below is your checklist (what to look at, what is worth interrupting for) and what changed since your last check. Decide whether to reach out to your owner now. Answer with JSON only: {"notify": true|false, "message": "what to tell them"}.`;

export async function beat(deps: BeatDeps, tenantId: string, agent: Agent, now = new Date()): Promise<BeatOutcome> {
  const since = agent.heartbeatLastAt ?? agent.createdAt;
  const items = await deps.db.withTenant(tenantId, (tx) => changesSince(tx, agent.id, since));
  if (items.length === 0) return record(deps, tenantId, agent, { decision: "idle", items: 0, message: null, tokens: 0 }, [], null, 0, now);
  let usage: ChatResult["usage"] | null = null;
  const pool = { chat: async (...a: Parameters<LlmPool["chat"]>) => { const r = await deps.pool.chat(...a); usage = r.usage; return r; } };
  const cheap = { ...agent, models: agent.models.slice(0, 1) };
  const ledger = new Ledger({ tenantId, agentId: agent.id, conversationId: null }, deps.prices, { heartbeat: true });
  let reply: string | null = null;
  let decision: HeartbeatDecision = "skipped";
  let message: string | null = null;
  try {
    reply = await recordedCall({ ...deps, pool }, tenantId, cheap, ledger, SYSTEM, prompt(agent, items));
    if (reply !== null) [decision, message] = parse(reply);
  } catch (e) {
    deps.log.warn({ agent: agent.slug, err: (e as Error).message }, "heartbeat model call failed");
    decision = "failed";
  }
  const u = usage as ChatResult["usage"] | null;
  const tokens = u ? u.promptTokens + u.completionTokens : 0;
  return record(deps, tenantId, agent, { decision, items: items.length, message, tokens }, items, u, ledger.spent, now);
}

function prompt(agent: Agent, items: Item[]): string {
  return `Checklist:\n${agent.heartbeat?.checklist || "(none: reach out only for what your owner must know)"}\n\nNew since the last check:\n${items.map((i) => `- ${i.text}`).join("\n")}`;
}

/** {notify, message} out of the model's answer (tolerating prose or a code fence around it). */
export function parse(reply: string): [HeartbeatDecision, string | null] {
  const json = reply.slice(reply.indexOf("{"), reply.lastIndexOf("}") + 1);
  try {
    const d = JSON.parse(json) as { notify?: unknown; message?: unknown };
    if (d.notify === true && typeof d.message === "string" && d.message.trim()) return ["notify", d.message.trim().slice(0, 4000)];
    return ["idle", null];
  } catch {
    return ["failed", null];
  }
}

async function record(deps: BeatDeps, tenantId: string, agent: Agent, o: BeatOutcome, found: Item[], usage: ChatResult["usage"] | null, cost: number, now: Date): Promise<BeatOutcome> {
  const id = crypto.randomUUID();
  const notice = await deps.db.withTenant(tenantId, async (tx) => {
    await tx.insert(heartbeatRuns).values({
      tenantId,
      id,
      agentId: agent.id,
      at: now,
      items: o.items,
      found,
      decision: o.decision,
      message: o.message,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      costUsd: cost.toFixed(9),
      deliveryTriedAt: o.decision === "notify" ? now : null,
    });
    if (o.decision !== "notify" || !o.message) return null;
    const n = await prepareNotice(tx, tenantId, { id, agentId: agent.id, message: o.message }, agent.heartbeat?.notify ?? null);
    if (typeof n === "string") await tx.update(heartbeatRuns).set({ deliveryError: n }).where(eq(heartbeatRuns.id, id));
    return typeof n === "string" ? null : n;
  });
  if (notice) await deliver(deps, tenantId, notice);
  return o;
}

/** Delivery errors are the sweep's to retry: a beat never fails because a channel did. */
async function deliver(deps: BeatDeps, tenantId: string, n: Notice): Promise<void> {
  await deliverNotice(deps, tenantId, n).catch((e) => deps.log.warn({ run: n.runId, err: (e as Error).message }, "heartbeat message delivery failed"));
}
