/**
 * The http_fetch built-in: GET or POST a URL the active skill allows, through the SSRF guard.
 *
 * Invariants: every hop (the first request and each redirect, followed by hand in
 * src/net/outbound.ts) passes both the skill's network allow-list and the SSRF guard, with the
 * pinning and limits described there; the body is read up to max_bytes and the whole exchange is
 * bounded by timeout_ms.
 */
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import { networkAllows } from "./network.ts";
import { type Outbound, OutboundRefused } from "../net/outbound.ts";

export interface HttpFetchOptions {
  /** Its own Outbound: http_fetch has its own allow-list (tools.http_fetch.allow_private_hosts). */
  outbound: Outbound;
  maxBytes: number;
  timeoutMs: number;
}

export const HTTP_FETCH: ToolSpec = {
  name: "http_fetch",
  description: "Fetch a web page or API over HTTP(S). Only hosts the active skill allows can be reached. Returns status, content type and the (possibly truncated) body as text.",
  parameters: {
    type: "object",
    properties: {
      url: { type: "string", format: "uri", description: "absolute http(s) URL" },
      method: { type: "string", enum: ["GET", "POST"], default: "GET" },
      headers: { type: "object", additionalProperties: { type: "string" } },
      body: { type: "string", description: "request body for POST" },
    },
    required: ["url"],
    additionalProperties: false,
  },
};

export function createHttpFetch(opts: HttpFetchOptions): Tools {
  return {
    specs: () => [HTTP_FETCH],
    async run(call: ToolCall, ctx: ToolContext) {
      const args = call.arguments as { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string };
      try {
        return await fetchGuarded(opts, args, ctx.network ?? [], ctx.signal);
      } catch (e) {
        if (e instanceof OutboundRefused) return e.message;
        return `error: ${(e as Error).name === "TimeoutError" ? `timed out after ${opts.timeoutMs} ms` : (e as Error).message}`;
      }
    },
  };
}

async function fetchGuarded(opts: HttpFetchOptions, args: { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string }, network: string[], signal?: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const method = args.method ?? "GET";
  const skillAllows = (url: URL) => (networkAllows(network, url) ? null : `${url.host}${url.pathname} is not in the active skill's network allow-list`);
  const res = await opts.outbound.request(
    args.url,
    {
      method,
      headers: { "user-agent": "Konstruct/1 (+http_fetch)", ...args.headers },
      body: method === "POST" ? args.body : undefined,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    },
    skillAllows,
  );
  const { text, truncated } = await readCapped(res, opts.maxBytes);
  const type = res.headers.get("content-type") ?? "";
  const shown = /html/i.test(type) ? htmlToText(text) : text;
  return `HTTP ${res.status} ${res.url || args.url}\ncontent-type: ${type || "unknown"}${truncated ? `\n(truncated at ${opts.maxBytes} bytes)` : ""}\n\n${shown}`;
}

async function readCapped(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: "", truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > max) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const all = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.max(0, all.length - at));
    all.set(part, at);
    at += part.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

/** Enough HTML stripping for a model to read a page: scripts and styles dropped, tags removed. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
}
