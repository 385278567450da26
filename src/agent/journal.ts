/**
 * A turn's journal, so a crash does not bill the model twice. Each model response that asks for
 * tools is recorded — with the tools' results once they have run — in the inbound event's
 * `turn_progress`, in the transaction that already writes that call's usage before the tools run
 * (loop.ts): recording costs a column, not a transaction. The common turn (one call, a text answer)
 * records nothing here: its answer is written with the reply (turn.complete).
 *
 * A turn resumed after a crash replays what was recorded, in order: a recorded response is used
 * instead of calling the model (its usage is already on record), recorded results instead of
 * running the tools again. What was not recorded — a final answer lost before turn.complete, tool
 * results of the last round — is done again.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { inboundEvents } from "../db/schema/index.ts";
import type { ToolCall } from "../llm/types.ts";

export interface JournalStep {
  round: number;
  /** The model's response that asked for tools. */
  content: string;
  toolCalls: ToolCall[];
  /** Those calls' results in order, once all of them ran (recorded with the next step). */
  results?: string[];
}

export class TurnJournal {
  constructor(
    private readonly tenantId: string,
    private readonly eventId: string,
    private readonly steps: JournalStep[] = [],
  ) {}

  /** Reads what an earlier run of this event's turn recorded (recovery only). */
  static async load(tx: Tx, tenantId: string, eventId: string): Promise<TurnJournal> {
    const [row] = await tx.select({ progress: inboundEvents.turnProgress }).from(inboundEvents).where(and(eq(inboundEvents.tenantId, tenantId), eq(inboundEvents.id, eventId)));
    return new TurnJournal(tenantId, eventId, parseSteps(row?.progress));
  }

  /** The recorded response of `round`, if an earlier run got that far. */
  recorded(round: number): JournalStep | undefined {
    return this.steps.find((s) => s.round === round);
  }

  /** A new response of `round` (its usage is being written in the same transaction). */
  add(step: JournalStep): void {
    this.steps.push(step);
  }

  /** The results of `round`'s calls, recorded with the next write. */
  results(round: number, outputs: string[]): void {
    const step = this.recorded(round);
    if (step) step.results = outputs;
  }

  async write(tx: Tx): Promise<void> {
    await tx
      .update(inboundEvents)
      .set({ turnProgress: sql`${JSON.stringify(this.steps)}::jsonb` })
      .where(and(eq(inboundEvents.tenantId, this.tenantId), eq(inboundEvents.id, this.eventId)));
  }
}

function parseSteps(value: unknown): JournalStep[] {
  if (!Array.isArray(value)) return [];
  return value.filter((s): s is JournalStep => typeof s === "object" && s !== null && typeof s.round === "number" && Array.isArray(s.toolCalls) && typeof s.content === "string");
}
