/**
 * "typing…" while a turn runs. It is cosmetic, so it must never cost the answers. A burst of
 * chats (a thousand turns queued for the model on one replica) would otherwise send one typing
 * action per chat at once and every 4 s after: more requests than answers, on the bot's own rate
 * limit (Telegram allows about 30 a second per bot) and through the same connections as the
 * answers, which then queue behind them until throughput collapses — seen as a replica holding
 * a thousand Telegram turns at 2% CPU. So, per connection (adapter), at most MAX_IN_FLIGHT typing
 * requests are in flight and at most PER_SECOND start each second; a chat has at most one in
 * flight. A tick over a limit is skipped: the next one tries again.
 */
import type { ChannelAdapter } from "../channels/types.ts";

const EVERY_MS = 4_000;
const MAX_IN_FLIGHT = 4;
const PER_SECOND = 10;

interface Budget {
  inFlight: number;
  second: number;
  started: number;
}
const budgets = new WeakMap<ChannelAdapter, Budget>();

function take(adapter: ChannelAdapter): Budget | null {
  let b = budgets.get(adapter);
  if (!b) budgets.set(adapter, (b = { inFlight: 0, second: 0, started: 0 }));
  const second = Math.floor(Date.now() / 1000);
  if (second !== b.second) (b.second = second), (b.started = 0);
  if (b.inFlight >= MAX_IN_FLIGHT || b.started >= PER_SECOND) return null;
  b.inFlight++;
  b.started++;
  return b;
}

/** Starts showing "typing…" in the chat; returns the timer to clear when the turn ends (or undefined). */
export function keepTyping(adapter: ChannelAdapter, chatKey: string): ReturnType<typeof setInterval> | undefined {
  if (!adapter.capabilities.typing) return undefined;
  let busy = false;
  const tick = () => {
    if (busy) return;
    const budget = take(adapter);
    if (!budget) return;
    busy = true;
    void adapter
      .typing(chatKey)
      .catch(() => {})
      .finally(() => ((busy = false), budget.inFlight--));
  };
  tick();
  return setInterval(tick, EVERY_MS);
}
