/**
 * The other half of the adapter port: what the gateway hands an adapter when it starts a
 * connection (its definition and context) and what an adapter throws when a send fails. It lives
 * here, below the gateway, so adapters depend only on src/channels — never on the gateway that
 * drives them.
 */
import type { Logger } from "pino";
import type { ChannelAdapter } from "./types.ts";
import { causeChain } from "../errors.ts";

/** One channel row, decrypted: the connection an adapter serves (one tenant, one agent). */
export interface ChannelDefinition {
  tenantId: string;
  channelId: string;
  agentId: string;
  kind: string;
  name: string;
  mode: string;
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

/**
 * Where a polling adapter keeps its resume point (Telegram's update offset), and the lease that
 * lets one replica alone poll (gateway/poller-lease.ts).
 */
export interface CursorStore {
  load(): Promise<string | null>;
  /** False when this replica no longer holds the lease: the offset was not saved, stop polling. */
  save(cursor: string): Promise<boolean>;
  /** Takes or renews the lease to poll; false while another replica holds it. */
  claim(): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so another replica need not wait for it to run out. */
  release(): Promise<void>;
}

export type HttpAdapter = ChannelAdapter & { handleHttp?(request: Request): Promise<Response> };
export interface AdapterContext {
  log: Logger;
  cursor: CursorStore;
  /** This connection's webhook URL (`<server.public_url>/hooks/<kind>/<channel id>`), or "" if no public URL is set. */
  webhookUrl: string;
  /** The SSRF-guarded fetch (src/net/outbound.ts): every call to the channel's configured API goes through it. */
  fetch: typeof fetch;
  /** Delivery statuses a webhook channel reports for messages it sent (WhatsApp sent/delivered/read/failed). */
  onStatus?(status: { id: string; status: string; error?: { code: number } }): Promise<void> | void;
  /** When this chat last wrote to this connection (durable, from the inbox): the WhatsApp 24-hour window. */
  lastInbound?(chatKey: string): Promise<Date | null>;
}

/** May be async: the built-in factories import their adapter (and its SDK) only when a channel of that kind exists. */
export type AdapterFactory = (def: ChannelDefinition, ctx: AdapterContext) => HttpAdapter | Promise<HttpAdapter>;

/**
 * Why a failed send may still have reached the platform: `lost` — the connection broke or the peer
 * answered 5xx after the request was written (often it was not acted on: a stale keep-alive socket);
 * `timeout` — no answer in time: the platform may have it, or the connection never came up.
 */
export type Doubt = "lost" | "timeout";

/**
 * What adapters throw when a send fails; `retryable` for 429/5xx/network, with the peer's hint, and
 * `doubt` when the request may have arrived anyway (a channel that can look is looked at before the retry).
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly doubt?: Doubt,
  ) {
    super(message);
    this.name = "SendError";
  }
}

/**
 * Failures of a request that certainly never reached the peer: no connection was made (refused,
 * no route, name not resolved). Codes as Bun's fetch and Node's sockets report them.
 */
const NEVER_CONNECTED = /^(ConnectionRefused|ECONNREFUSED|FailedToOpenSocket|ENOTFOUND|EAI_AGAIN|EAI_NONAME|ENETUNREACH|EHOSTUNREACH|DNSException|UnableToConnect)$/;

/** The doubt a network error (`fetch` threw, or a library's wrapper around it) leaves about a request. */
export function networkDoubt(e: unknown): Doubt | undefined {
  let doubt: Doubt = "lost";
  for (const cur of causeChain(e, 4)) {
    if (typeof cur.code === "string" && NEVER_CONNECTED.test(cur.code)) return undefined;
    // ETIMEDOUT is the kernel giving up on a connection or a retransmission, not an answer late.
    if (cur.name === "TimeoutError" || cur.code === "ECONNABORTED" || (typeof cur.message === "string" && /timed out after|operation timed out|request timed out/i.test(cur.message))) doubt = "timeout";
  }
  return doubt;
}
