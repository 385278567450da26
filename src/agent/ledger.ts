/**
 * What a turn has spent and done but not yet written: LLM attempts (usage rows + audit) and tool
 * calls (audit). The common turn — one model call, no tools — writes its ledger in the same
 * statement as the reply (`take` + `ledgerParts`), so recording a turn costs rows, not round trips.
 * A turn that runs tools writes the ledger before each tool runs: a side effect is never on record
 * before the model call that asked for it.
 */
import type { Tx } from "../db/database.ts";
import { type Part, rowsOf, statement } from "../db/set-sql.ts";
import type { Attempt, ChatResult } from "../llm/types.ts";
import { type AuditEntry, auditInsert } from "./audit.ts";
import { settlePart } from "./reservations.ts";
import { type CallRecord, callParts, costUsd, type PriceTable } from "./usage.ts";

/** What a ledger has not written yet, as plain data (it can travel into a batched write). */
export interface LedgerRows {
  calls: CallRecord[];
  audits: AuditEntry[];
  /** Budget reservations of these calls, settled (deleted) with their usage rows (agent/reservations.ts). */
  reservations: { tenantId: string; id: string }[];
}

/** The ledger's rows as statement parts, to write with other rows in one statement. */
export function ledgerParts(rows: LedgerRows, now = new Date()): Part[] {
  const audits = auditInsert(rows.audits);
  return [...callParts(rows.calls, now), audits && (["ledger_audit_in", audits] as const), settlePart(rows.reservations)];
}

interface Scope {
  tenantId: string;
  agentId: string;
  conversationId: string | null;
}

export class Ledger {
  private calls: CallRecord[] = [];
  private audits: AuditEntry[] = [];
  private reservations: string[] = [];
  private unwritten = 0;
  /** USD recorded through this ledger, written or not: the turn's own spend for budget checks. */
  spent = 0;

  constructor(
    protected readonly scope: Scope,
    /** The price table costs are computed with (and calls bounded by, agent/budget.ts). */
    readonly prices: PriceTable,
    /** Added to every audit entry's data (a background task's id, so its transcript can be found). */
    private readonly tag: Record<string, unknown> = {},
  ) {}

  attempts(attempts: Attempt[], result: Pick<ChatResult, "provider" | "model" | "usage"> | null): void {
    const { tenantId, agentId, conversationId } = this.scope;
    for (const a of attempts) {
      const won = result && a.ok && a.provider === result.provider && a.model === result.model;
      const promptTokens = won ? result.usage.promptTokens : 0;
      const completionTokens = won ? result.usage.completionTokens : 0;
      const cost = costUsd(this.prices, a.provider, a.model, promptTokens, completionTokens);
      this.spent += cost;
      this.unwritten += cost;
      this.calls.push({ tenantId, agentId, conversationId, provider: a.provider, model: a.model, ok: a.ok, error: a.error, promptTokens, completionTokens, latencyMs: a.latencyMs, costUsd: cost });
      this.audits.push({
        tenantId,
        kind: "llm_call",
        agentId,
        conversationId,
        summary: `${a.provider}/${a.model} ${a.ok ? "ok" : `failed: ${a.error ?? "error"}`}`,
        data: { ...this.tag, promptTokens, completionTokens, latencyMs: Math.round(a.latencyMs), costUsd: cost },
      });
    }
  }

  /**
   * A call to a speech endpoint (media/speak.ts): a usage row like a model call, its characters as
   * prompt tokens, so the price table prices them per million characters and budgets count them.
   */
  speech(call: { provider: string; model: string; ok: boolean; error?: string; chars: number; latencyMs: number }): void {
    this.attempts([{ provider: call.provider, model: call.model, ok: call.ok, error: call.error, latencyMs: call.latencyMs }], call.ok ? { provider: call.provider, model: call.model, usage: { promptTokens: call.chars, completionTokens: 0 } } : null);
  }

  /**
   * A call to a transcription endpoint (media/transcribe.ts): a usage row like a model call, its
   * seconds of audio (or the endpoint's own tokens) as prompt units, so budgets count it too.
   */
  transcription(call: { provider: string; model: string; ok: boolean; error?: string; promptTokens: number; completionTokens: number; latencyMs: number }): void {
    const usage = { promptTokens: call.promptTokens, completionTokens: call.completionTokens };
    this.attempts([{ provider: call.provider, model: call.model, ok: call.ok, error: call.error, latencyMs: call.latencyMs }], call.ok ? { provider: call.provider, model: call.model, usage } : null);
  }

  note(entry: Omit<AuditEntry, "tenantId" | "agentId" | "conversationId">): void {
    this.audits.push({ ...entry, data: { ...this.tag, ...entry.data }, tenantId: this.scope.tenantId, agentId: this.scope.agentId, conversationId: this.scope.conversationId });
  }

  /** A budget reservation made for a call of this turn: settled when the ledger is written. */
  reserved(id: string): void {
    this.reservations.push(id);
  }

  /** USD of calls whose rows are not written yet (not in the recorded usage). */
  get unrecorded(): number {
    return this.unwritten;
  }

  /** Reservations not settled yet (their calls' cost is already in `spent`). */
  get held(): string[] {
    return this.reservations;
  }

  get pending(): boolean {
    return this.calls.length + this.audits.length + this.reservations.length > 0;
  }

  /** Hands over what is not written yet; the caller writes it (ledgerParts) in its transaction. */
  take(): LedgerRows {
    const rows = { calls: this.calls, audits: this.audits, reservations: this.reservations.map((id) => ({ tenantId: this.scope.tenantId, id })) };
    this.calls = [];
    this.audits = [];
    this.reservations = [];
    this.unwritten = 0;
    return rows;
  }

  async write(tx: Tx): Promise<void> {
    if (!this.pending) return;
    await rowsOf(tx, statement(ledgerParts(this.take())));
  }
}
