/** Starting a console session after a password was proven (login, setup, invitation). */
import type { Cookie } from "elysia";
import type { Database } from "../../db/database.ts";
import { createSession } from "../accounts/sessions.ts";
import type { ClientInfo } from "./client.ts";
import { cookieOptions, SESSION_COOKIE } from "./plugin.ts";

export interface SignInContext {
  cookie: Record<string, Cookie<unknown>>;
  client: ClientInfo;
}

export async function signIn(db: Database, ctx: SignInContext, userId: string, ttlHours: number): Promise<void> {
  const id = await createSession(db, userId, ttlHours * 3_600_000);
  // No Max-Age: the browser drops it on close; the server-side expiry (sliding) is what counts.
  ctx.cookie[SESSION_COOKIE]!.set({ value: id, ...cookieOptions(ctx.client) });
}
