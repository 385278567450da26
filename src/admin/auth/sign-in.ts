/** Starting a console session after a password (and its second factor) or single sign-on was proven. */
import type { Cookie } from "elysia";
import type { Database } from "../../db/database.ts";
import { createSession, type SessionMethod } from "../accounts/sessions.ts";
import type { ClientInfo } from "./client.ts";
import { cookieOptions, SESSION_COOKIE } from "./plugin.ts";

export interface SignInContext {
  cookie: Record<string, Cookie<unknown>>;
  client: ClientInfo;
}

export async function signIn(db: Database, ctx: SignInContext, userId: string, ttlHours: number, method: SessionMethod = "password"): Promise<void> {
  const id = await createSession(db, userId, ttlHours * 3_600_000, method);
  // No Max-Age: the browser drops it on close; the server-side expiry (sliding) is what counts.
  ctx.cookie[SESSION_COOKIE]!.set({ value: id, ...cookieOptions(ctx.client) });
}
