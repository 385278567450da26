/**
 * The one door for HTTP requests to URLs someone configured: tenant and platform LLM providers,
 * Slack api_url, Telegram api_root, MCP HTTP servers, the console's Test buttons and http_fetch.
 *
 * Invariants: every hop (the first request and each redirect, followed by hand, at most
 * `maxRedirects`) passes the SSRF guard — all of the host's addresses must be public unless the
 * platform's allow-list names the host or its network; plain-http requests go to the address the
 * guard approved (a DNS answer that changes between check and connect cannot move them); HTTPS
 * connects by name right after the check (the certificate must match the name, so a rebinding DNS
 * server can only reach a host holding a valid certificate for it). Response bodies are capped at
 * `maxBytes`. A refusal is an OutboundRefused whose text is ours alone (never the remote body), so
 * it may be shown to a tenant.
 */
import { causeChain } from "../errors.ts";
import { type Resolver, SsrfGuard, systemResolver } from "./ssrf.ts";

export interface OutboundOptions {
  /** Host names or CIDRs that may be private (config: security.allow_private_hosts). */
  allowPrivate?: string[];
  resolver?: Resolver;
  maxRedirects?: number;
  maxBytes?: number;
}

/** A per-hop veto on top of the guard (http_fetch: the active skill's network allow-list). */
export type HopCheck = (url: URL) => string | null;

export class OutboundRefused extends Error {
  readonly code = "outbound_refused";
  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = "OutboundRefused";
  }
}

/** The OutboundRefused anywhere in an error's cause chain (SDKs wrap what their fetch threw). */
export function refusalIn(e: unknown): OutboundRefused | undefined {
  for (const at of causeChain(e)) if (at instanceof OutboundRefused) return at;
  return undefined;
}

export class Outbound {
  readonly guard: SsrfGuard;
  readonly maxRedirects: number;
  readonly maxBytes: number;

  constructor(opts: OutboundOptions = {}) {
    this.guard = new SsrfGuard(opts.allowPrivate ?? [], opts.resolver ?? systemResolver);
    this.maxRedirects = opts.maxRedirects ?? 3;
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  }

  /**
   * Why a console form may not save this URL, in words for the form, or null. A name that does not
   * resolve (yet) may be saved: every request is checked again anyway.
   */
  async refusal(url: string): Promise<string | null> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return "not a valid URL";
    }
    const verdict = await this.guard.check(parsed);
    if (verdict.ok || verdict.unresolved) return null;
    return `not allowed: ${verdict.reason} (a private address must be listed in the platform's security.allow_private_hosts)`;
  }

  /** A drop-in `fetch` for SDKs (openai, ollama, @slack/web-api, grammy, MCP). */
  readonly fetch = ((input: string | URL | Request, init?: RequestInit) => this.request(input, init)) as typeof fetch;

  async request(input: string | URL | Request, init: RequestInit = {}, allowHop?: HopCheck): Promise<Response> {
    if (input instanceof Request) {
      init = { method: input.method, headers: input.headers, body: input.body, signal: input.signal, ...init };
      input = input.url;
    }
    let url = new URL(input);
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    for (let hop = 0; ; hop++) {
      const veto = allowHop?.(url);
      if (veto) throw new OutboundRefused(veto);
      const verdict = await this.guard.check(url);
      if (!verdict.ok) throw new OutboundRefused(verdict.reason);
      const headers = new Headers(init.headers);
      const target = url.protocol === "http:" ? pinned(url, verdict.address) : url;
      if (target !== url) headers.set("host", url.host);
      const res = await fetch(target, { ...init, method, headers, body, redirect: "manual" });
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return capped(res, this.maxBytes, url);
      await res.body?.cancel();
      if (hop >= this.maxRedirects) throw new OutboundRefused(`more than ${this.maxRedirects} redirects`);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      } else if (body instanceof ReadableStream) {
        throw new OutboundRefused("a redirect would have to resend a streamed body");
      }
      url = new URL(location, url);
    }
  }
}

/** The same URL with the host replaced by the approved address (IPv6 in brackets). */
function pinned(url: URL, address: string): URL {
  const u = new URL(url);
  u.hostname = address.includes(":") ? `[${address}]` : address;
  return u;
}

/** The response, its body erroring once more than `max` bytes have come through. */
function capped(res: Response, max: number, url: URL): Response {
  if (!res.body) return res;
  // A plain body whose declared length is within the cap cannot grow past it (fetch reads exactly
  // content-length bytes): no stream in between. That is every API answer on the chat hot path
  // (model, Telegram, Slack), where the JS transform per chunk was a measurable share of a message.
  const declared = res.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= max && !res.headers.get("content-encoding")) {
    Object.defineProperty(res, "url", { value: url.toString() });
    return res;
  }
  let seen = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      seen += chunk.byteLength;
      if (seen > max) out.error(new OutboundRefused(`response larger than ${max} bytes`));
      else out.enqueue(chunk);
    },
  });
  const out = new Response(res.body.pipeThrough(limit), { status: res.status, statusText: res.statusText, headers: res.headers });
  // The URL as named (not the pinned address), after redirects: SDKs and http_fetch report it.
  Object.defineProperty(out, "url", { value: url.toString() });
  return out;
}
