/**
 * Long polling with the update offset under our control (grammy's bot.start() would confirm
 * updates on its own schedule).
 *
 * Invariants: an update's offset moves (in the next getUpdates, and in the saved cursor, which is
 * written in the background: offset-saver.ts) only after the update was handed on durably (or was
 * ignored), and a new poller asks Telegram for updates from the saved offset — so a crash or
 * restart never loses an update (it is fetched again) and never repeats one that was saved past
 * (the inbox dedupes the window between handing on and saving, by update_id). A failed hand-off leaves the
 * offset where it was, so the same update comes back on the next request. A batch's chats are handed
 * on at once (hand-on.ts); that starts many turns together, and their replies stay few on the wire
 * only because the outbox's send window bounds them per bot (gateway/outbox.ts) — without it a kill
 * -9 under load left 25–37 replies in doubt instead of a handful. Every wait is
 * abortable: stop() must end the loop within a moment, even mid long poll or mid back-off.
 * Only the holder of the connection's lease polls (cursor.claim(), renewed every RENEW_MS while
 * polling); a replica that loses it (a renewal or a fenced save fails) aborts its long poll at once
 * and goes back to waiting, and a new holder reloads the offset its predecessor saved.
 */
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { CursorStore } from "../port.ts";
import { handOnBatch } from "./hand-on.ts";
import { OffsetSaver } from "./offset-saver.ts";
import { type GrammyErrors, toSendError } from "./send.ts";

export const ALLOWED_UPDATES = ["message", "callback_query"] as const;
const POLL_TIMEOUT_S = 25;
const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export interface PollDeps {
  api: Api;
  errors: GrammyErrors;
  token: string;
  cursor: CursorStore;
  log: Logger;
  /** Normalises and hands on one update; resolves once it is durable (or deliberately ignored). */
  handle(update: Update): Promise<void>;
  signal: AbortSignal;
}

/** How often the holder renews its lease and a waiting replica tries to take it (LEASE_TTL_MS / 3). */
export const RENEW_MS = 2_000;

export async function pollUpdates(d: PollDeps): Promise<void> {
  while (!d.signal.aborted) {
    const held = await d.cursor.claim().catch((e) => {
      d.log.warn({ error: String(e) }, "telegram polling: could not take the polling lease; retrying");
      return false;
    });
    if (!held) {
      await sleep(RENEW_MS, d.signal);
      continue;
    }
    d.log.info("telegram polling: this replica polls the bot");
    const lost = new AbortController();
    const renew = setInterval(() => {
      d.cursor.claim().then(
        (ok) => ok || lost.abort(),
        () => lost.abort(),
      );
    }, RENEW_MS);
    try {
      await pollWhileHeld({ ...d, signal: AbortSignal.any([d.signal, lost.signal]) }, lost);
    } finally {
      clearInterval(renew);
    }
    if (d.signal.aborted) await d.cursor.release().catch(() => {});
    else d.log.warn("telegram polling: lost the polling lease to another replica; waiting");
  }
}

async function pollWhileHeld(d: PollDeps, lost: AbortController): Promise<void> {
  // Offsets are saved in the background (offset-saver.ts); a clean stop saves the last one.
  const saver = new OffsetSaver(d.cursor, () => lost.abort(), d.log);
  try {
    await pollLoop(d, saver);
  } finally {
    await saver.close(!lost.signal.aborted);
  }
}

async function pollLoop(d: PollDeps, saver: OffsetSaver): Promise<void> {
  let offset: number | undefined;
  let loaded = false;
  let backoff = MIN_BACKOFF_MS;
  while (!d.signal.aborted) {
    let stage = "load the update offset";
    try {
      if (!loaded) {
        const saved = await d.cursor.load();
        offset = saved ? Number(saved) : undefined;
        loaded = true;
      }
      stage = "fetch updates";
      const updates = await d.api.getUpdates({ offset, timeout: POLL_TIMEOUT_S, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(d.signal));
      // Chats at once, each chat's updates in order (hand-on.ts); the offset moves past the handed-on head.
      const { done, error } = await handOnBatch(updates, d.handle, d.signal);
      if (done > 0) {
        offset = updates[done - 1]!.update_id + 1;
        saver.moved(offset);
      }
      if (d.signal.aborted) return;
      if (done < updates.length) {
        stage = `hand on update ${updates[done]!.update_id}`;
        throw error;
      }
      backoff = MIN_BACKOFF_MS;
    } catch (e) {
      if (d.signal.aborted) return;
      const err = toSendError(e, d.errors, d.token);
      const wait = err.retryAfterMs ?? backoff;
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      if (e instanceof d.errors.GrammyError && e.error_code === 409) {
        d.log.error({ error: err.message, retryInMs: wait }, "Telegram refused polling: another process is polling this bot token, or a webhook is set — run one instance per bot");
        if (/webhook/i.test(e.description)) await d.api.deleteWebhook().catch(() => {});
      } else {
        d.log.warn({ error: err.message, retryInMs: wait }, `telegram polling: could not ${stage}; retrying`);
      }
      await sleep(wait, d.signal);
    }
  }
}

/** grammy's Node typings name the abort-controller polyfill's AbortSignal; at runtime the native one works. */
export function grammySignal(signal: AbortSignal): Parameters<Api["getMe"]>[0] {
  return signal as unknown as Parameters<Api["getMe"]>[0];
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
