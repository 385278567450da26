/**
 * A chat completion request, validated after the body is bounded (http/body-limit.ts: 256 KB) and
 * mapped onto a stored conversation. The client sends the whole history every time; we keep our own:
 *  - with a conversation reference — `konstruct_conversation` (body), else `X-Konstruct-Conversation`
 *    (header), else `user` — the stored conversation of that reference (per key) is the memory, and
 *    only the last message, which must be the user's, is the new turn; earlier entries are not re-read.
 *  - without one, each request is a conversation of its own: earlier entries of `messages` (user
 *    and assistant text, at most the last MAX_CARRIED) are handed to the turn as a transcript before
 *    the new message, so a stateless client still gets an answer in context.
 * `system`/`developer` entries are ignored: the AI employee's persona is the tenant's, not the client's.
 * Unknown fields (temperature, tools…) are accepted and ignored, as the agent's own settings apply.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { badRequest } from "./errors.ts";

const MAX_CARRIED = 20;
const REF = z.string().min(1).max(200);

const part = z.object({ type: z.string(), text: z.string().optional() });
const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(part).max(100), z.null()]).optional(),
  name: z.string().max(200).optional(),
});

const body = z.object({
  model: z.string().min(1).max(200),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: REF.nullish(),
  konstruct_conversation: REF.nullish(),
});

export interface CompletionRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** The end user (memory is per user): `user`, else null (the key stands for its caller). */
  user: string | null;
  /** Stable conversation reference (given, or made up for this request). */
  conversation: string;
  /** True when the client named the conversation (then the server's history is the context). */
  named: boolean;
  /** The new turn as the agent sees it. */
  text: string;
}

/** Parses a bounded raw body; every problem is a 400 naming the field. */
export function parseCompletion(raw: string, headers: Headers, maxMessages: number): CompletionRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  const r = body.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.join(".") || "body";
    throw badRequest(`${at}: ${issue.message}`, at);
  }
  const b = r.data;
  if (b.messages.length > maxMessages) throw badRequest(`messages: at most ${maxMessages} entries`, "messages");
  const last = b.messages[b.messages.length - 1]!;
  const text = contentText(last.content).trim();
  if (last.role !== "user" || !text) throw badRequest("messages: the last entry must be a user message with text", "messages");
  const header = headers.get("x-konstruct-conversation");
  const given = b.konstruct_conversation ?? (header ? REF.safeParse(header).data : undefined) ?? b.user ?? null;
  if (header && !given) throw badRequest("X-Konstruct-Conversation: 1-200 characters");
  const earlier = given ? [] : b.messages.slice(0, -1).filter((m) => m.role === "user" || m.role === "assistant").slice(-MAX_CARRIED);
  const transcript = earlier.map((m) => `${m.role}: ${contentText(m.content)}`).join("\n");
  return {
    model: b.model,
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    user: b.user ?? null,
    conversation: given ?? `req-${randomUUID()}`,
    named: given !== null,
    text: transcript ? `Earlier in this conversation:\n${transcript}\n\n${text}` : text,
  };
}

function contentText(content: z.infer<typeof message>["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("");
}
