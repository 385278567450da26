/**
 * What one model call may cost. Before each call the tightest cap's headroom (cap − spend) bounds
 * every link of the chain at that link's own price: the prompt (estimated from its text, which
 * over-estimates, see tokens.ts) must cost less than the headroom, and `max_tokens` is cut to what
 * the rest pays for at the output price. A link that cannot be bounded that way is not called; a
 * link with no price in the table is free by definition (llm.prices) and is not bounded.
 *
 * Guarantee: a call never costs more than the headroom it was bounded by — the call's reservation
 * (reservations.ts), which concurrent calls on any replica cannot also spend — so the spend stays
 * within a cap, up to what the provider's own token count adds to our estimate of the prompt.
 */
import type { ChatRequest, LinkBound } from "../llm/types.ts";
import { estimateTokens, messageTokens } from "./tokens.ts";
import type { PriceTable, Spend } from "./usage.ts";

export interface Caps {
  daily: number;
  monthly: number;
}

/** The tightest cap's headroom, or null when the agent has no cap (0 = none). */
export interface Headroom {
  usd: number;
  cap: "daily" | "monthly";
  of: number;
}

export function headroom(caps: Caps, spend: Spend): Headroom | null {
  const rooms: Headroom[] = [];
  if (caps.daily > 0) rooms.push({ usd: caps.daily - spend.today, cap: "daily", of: caps.daily });
  if (caps.monthly > 0) rooms.push({ usd: caps.monthly - spend.month, cap: "monthly", of: caps.monthly });
  return rooms.reduce<Headroom | null>((min, r) => (!min || r.usd < min.usd ? r : min), null);
}

/** Tokens the request's prompt is estimated at: every message, tool call and tool schema sent. */
export function promptTokens(request: ChatRequest): number {
  let n = 0;
  for (const m of request.messages) n += messageTokens(m) + (m.toolCalls?.length ? estimateTokens(JSON.stringify(m.toolCalls)) : 0);
  if (request.tools?.length) n += estimateTokens(JSON.stringify(request.tools));
  return n;
}

/** The per-link bound for the pool (LinkBound), or undefined when nothing caps the call. */
export function budgetBound(prices: PriceTable, room: Headroom | null): LinkBound | undefined {
  if (!room) return undefined;
  return (provider, model, request) => {
    const price = prices[`${provider}/${model}`];
    if (!price) return {};
    const left = room.usd - (promptTokens(request) * price.input_per_mtok) / 1_000_000;
    const why = () => ({ refused: `${room.cap} budget of ${usd(room.of)} has ${usd(Math.max(0, room.usd))} left, not enough for this request at ${provider}/${model}'s price` });
    if (left <= 0) return why();
    if (price.output_per_mtok <= 0) return request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens };
    const affordable = Math.floor((left * 1_000_000) / price.output_per_mtok);
    if (affordable < 1) return why();
    return { maxTokens: Math.min(affordable, request.maxTokens ?? Number.POSITIVE_INFINITY) };
  };
}

/** Output a call reserves for when the request sets no max_tokens: a capped agent's answers stop there. */
export const RESERVED_OUTPUT_TOKENS = 8192;

/** The most one call can cost: its dearest priced link, the prompt plus the output reserved for (0: all links free). */
export function callCeiling(prices: PriceTable, models: string[], request: ChatRequest): number {
  const prompt = promptTokens(request);
  const output = request.maxTokens ?? RESERVED_OUTPUT_TOKENS;
  let most = 0;
  for (const m of models) {
    const p = prices[m];
    if (p) most = Math.max(most, (prompt * p.input_per_mtok + output * p.output_per_mtok) / 1_000_000);
  }
  return most;
}

/** Dollars as people read them: cents for ordinary amounts, every significant digit for tiny ones. */
export function usd(n: number): string {
  if (n === 0 || Math.abs(n) >= 0.01) return `$${n.toFixed(2)}`;
  return `$${Number(n.toPrecision(2)).toFixed(9).replace(/0+$/, "")}`;
}
