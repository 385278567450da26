/**
 * The response bodies of POST /v1/chat/completions: one `chat.completion`, or the same answer as a
 * stream of `chat.completion.chunk` server-sent events ending in `data: [DONE]`.
 *
 * Streaming: the pipeline answers a turn whole (tools, approvals and the exactly-once outbox sit
 * between the model and the reply), so the stream opens at once with the assistant role, keeps the
 * connection alive with SSE comments while the turn runs, then sends the recorded answer in pieces;
 * the pieces concatenate to exactly the stored reply. `stream_options.include_usage` adds the
 * final chunk with empty `choices` and the usage, as OpenAI does. An error after the stream opened
 * arrives as one `data: {"error": …}` event (SDKs raise it) before the stream ends.
 */
import type { Answer } from "./turn.ts";
import { type OpenAiError, toOpenAiError } from "./errors.ts";

const PIECE = 64;
const KEEPALIVE_MS = 10_000;

interface Meta {
  id: string;
  model: string;
  created: number;
}

function extension(a: Answer, conversation: string) {
  return { conversation, conversation_id: a.conversationId, ...(a.approval ? { approval: a.approval } : {}) };
}

export function completionJson(meta: Meta, a: Answer, conversation: string) {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message: { role: "assistant", content: a.text, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: a.usage,
    konstruct: extension(a, conversation),
  };
}

/** Splits on whitespace near PIECE characters so words stay whole; joined, the pieces are `text`. */
export function pieces(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + PIECE);
    if (end < text.length) {
      const space = text.lastIndexOf(" ", end);
      if (space > at) end = space + 1;
    }
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

export function completionStream(meta: Meta, includeUsage: boolean, conversation: string, work: Promise<Answer>, onError: (e: unknown) => void): Response {
  const enc = new TextEncoder();
  const chunk = (choices: unknown[], more: Record<string, unknown> = {}) => ({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices, ...more });
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (data: unknown) => controller.enqueue(enc.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`));
      send(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null, logprobs: null }]));
      timer = setInterval(() => controller.enqueue(enc.encode(": working\n\n")), KEEPALIVE_MS);
      try {
        const a = await work;
        clearInterval(timer);
        for (const p of pieces(a.text)) send(chunk([{ index: 0, delta: { content: p }, finish_reason: null, logprobs: null }]));
        send(chunk([{ index: 0, delta: {}, finish_reason: "stop", logprobs: null }], { konstruct: extension(a, conversation) }));
        if (includeUsage) send(chunk([], { usage: a.usage }));
      } catch (e) {
        clearInterval(timer);
        onError(e);
        send((toOpenAiError(e) as OpenAiError).toJSON());
      }
      send("[DONE]");
      controller.close();
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" } });
}
