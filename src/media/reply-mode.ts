/**
 * Per end user: voice or text answers. An end user says "answer me by voice" or "text only, please"
 * and the agent calls `set_reply_mode` (a core ability, like `remember`); the choice is a row in
 * `reply_preferences` (tenant-owned, FORCE RLS), keyed by the channel's sender id, and holds for every
 * AI employee of the tenant on every channel where that id writes.
 *
 * What is spoken (`speaksTo`): the operator's channel setting comes first — a channel with
 * `voice_replies` off never speaks, whatever a user asks; on it, `text` never speaks, `voice` speaks
 * every model answer (typed messages too), and no preference keeps the default: a voice note is
 * answered with one.
 */
import { eq } from "drizzle-orm";
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { Database, Tx } from "../db/database.ts";
import { replyPreferences } from "../db/schema/index.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";

export type ReplyMode = "voice" | "text";

export const SET_REPLY_MODE: ToolSpec = {
  name: "set_reply_mode",
  description:
    "Remember how this user wants your answers: 'voice' (read aloud as voice notes, where this chat allows it), 'text' (never voice), or 'default' (voice only when they send a voice note). Call it when the user asks, e.g. 'answer me by voice' or 'text only'.",
  parameters: {
    type: "object",
    properties: { mode: { type: "string", enum: ["voice", "text", "default"] } },
    required: ["mode"],
    additionalProperties: false,
  },
};

export async function replyMode(tx: Tx, userKey: string): Promise<ReplyMode | null> {
  const [row] = await tx.select({ mode: replyPreferences.mode }).from(replyPreferences).where(eq(replyPreferences.userKey, userKey));
  return row?.mode ?? null;
}

/** null clears the preference (back to the channel's default). */
export async function setReplyMode(db: Database, tenantId: string, userKey: string, mode: ReplyMode | null): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    if (!mode) return void (await tx.delete(replyPreferences).where(eq(replyPreferences.userKey, userKey)));
    await tx
      .insert(replyPreferences)
      .values({ tenantId, userKey, mode })
      .onConflictDoUpdate({ target: [replyPreferences.tenantId, replyPreferences.userKey], set: { mode, updatedAt: new Date() } });
  });
}

/** Whether a model answer is read aloud: the channel's setting, then the user's preference, then "they spoke". */
export function speaksTo(channelOn: boolean, mode: ReplyMode | null, heard: boolean): boolean {
  if (!channelOn || mode === "text") return false;
  return mode === "voice" || heard;
}

const SAID: Record<string, string> = {
  voice: "saved: this user's answers will be voice notes (with the text) wherever the chat allows voice replies",
  text: "saved: this user's answers will be text only",
  default: "saved: this user's answers are voice only when they send a voice note",
};

export function createReplyModeTool(deps: { db: Database }): Tools {
  return {
    // Only in a chat with a known end user: a background task or the API has no one to speak to.
    specs: (ctx?: ToolContext) => (ctx?.turn && ctx.userKey ? [SET_REPLY_MODE] : []),
    async run(call: ToolCall, ctx: ToolContext) {
      if (!ctx.userKey || !ctx.turn) return "error: set_reply_mode works only in a chat with a user";
      const mode = String(call.arguments.mode);
      await setReplyMode(deps.db, ctx.tenantId, ctx.userKey, mode === "voice" || mode === "text" ? mode : null);
      return SAID[mode] ?? SAID.default!;
    },
  };
}
