/**
 * Between a right password and the code: a sealed five-minute cookie naming the account and where
 * to go after (auth/sealed-cookie.ts), under its own derived key. It grants nothing by itself — no
 * session exists until the code is right — and it is cleared when the code is accepted.
 */
import type { Cookie } from "elysia";
import type { SecretBox } from "../../secrets/box.ts";
import { cookieOptions } from "../auth/plugin.ts";
import type { ClientInfo } from "../auth/client.ts";
import { openJson, sealJson } from "../auth/sealed-cookie.ts";

export const PENDING_COOKIE = "konstruct_2fa";
export const PENDING_TTL_MS = 5 * 60_000;

export interface Pending {
  uid: string;
  next: string;
  exp: number;
}

interface CookieContext {
  cookie: Record<string, Cookie<unknown>>;
  client: ClientInfo;
}

const keyOf = (box: SecretBox | null) => box?.deriveKey("two-factor-pending") ?? null;

export function setPending(box: SecretBox | null, ctx: CookieContext, uid: string, next: string): boolean {
  const key = keyOf(box);
  if (!key) return false;
  ctx.cookie[PENDING_COOKIE]!.set({ value: sealJson(key, { uid, next, exp: Date.now() + PENDING_TTL_MS }), ...cookieOptions(ctx.client), maxAge: PENDING_TTL_MS / 1000 });
  return true;
}

export function readPending(box: SecretBox | null, ctx: CookieContext): Pending | null {
  const key = keyOf(box);
  return key ? openJson<Pending>(key, ctx.cookie[PENDING_COOKIE]?.value) : null;
}

export function clearPending(ctx: CookieContext): void {
  ctx.cookie[PENDING_COOKIE]!.set({ value: "", ...cookieOptions(ctx.client), maxAge: 0 });
}
