/**
 * MCP client: each tenant's configured MCP servers (stdio or streamable HTTP) contribute tools
 * named `mcp__<server>__<tool>`. They are plain providers to the registry, so skills must allow
 * them and approvals apply exactly as for built-ins. Whether a tool only reads is the admin's word
 * (`read_only_tools`), never the server's own annotation — a server could claim anything.
 *
 * Connections open on first use per tenant and server (the SDK is imported then, not at start),
 * the tool list is fetched once per connection, and a server that cannot be reached contributes no
 * tools (logged) and is retried after a pause. HTTP servers are reached through the SSRF-guarded
 * fetch (src/net/outbound.ts): a private address needs security.allow_private_hosts.
 *
 * Servers come from two places: config-as-code (`tenants[].mcp_servers`, stdio or HTTP) and the
 * console (`mcp_servers` table, streamable HTTP only, mcp-store.ts). The stored ones are cached per
 * tenant for at most STORED_TTL_MS (a read per turn was a whole transaction per message on the hot
 * path), and an edit on this replica drops the cache at once: an added, edited or removed server is
 * live for the tenant's next message here, and within 2 s on other replicas, without a restart; a
 * server whose settings changed gets a new connection. A stored server never replaces a configured
 * one of the same name.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Logger } from "pino";
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { Config, McpServerConfig } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import type { ProviderOptions } from "./registry.ts";
import { tenantIds } from "../approvals/store.ts";
import type { SecretBox } from "../secrets/box.ts";
import { STORED_TTL_MS, storedServerConfigs, storeGeneration } from "./mcp-store.ts";

const RETRY_MS = 30_000;
/** Tenants whose stored list is cached; past this the cache starts over (bounded memory). */
const MAX_CACHED_TENANTS = 10_000;

export class McpServers {
  private readonly servers = new Map<string, { server: McpServer; settings: string }>();
  private slugs: Map<string, string> | null = null;
  private readonly stored = new Map<string, { at: number; generation: number; configs: Promise<McpServerConfig[]> }>();

  constructor(
    private readonly tenants: Config["tenants"],
    private readonly db: Database,
    private readonly log: Logger,
    private readonly fetch: typeof globalThis.fetch,
    private readonly box?: SecretBox,
  ) {}

  async providers(tenantId: string): Promise<{ provider: Tools; options: ProviderOptions }[]> {
    let configured: McpServerConfig[] = [];
    if (this.tenants.some((t) => t.mcp_servers.length)) {
      this.slugs ??= new Map((await tenantIds(this.db)).map((t) => [t.id, t.slug]));
      configured = this.tenants.find((t) => t.slug === this.slugs!.get(tenantId))?.mcp_servers ?? [];
    }
    const stored = this.box ? await this.storedConfigs(tenantId, this.box) : [];
    const all = [...configured, ...stored.filter((s) => !configured.some((c) => c.name === s.name))];
    return all.map((cfg) => {
      const key = `${tenantId}/${cfg.name}`;
      const settings = JSON.stringify(cfg);
      let s = this.servers.get(key);
      if (s?.settings !== settings) {
        void s?.server.close();
        this.servers.set(key, (s = { server: new McpServer(cfg, this.log.child({ mcp: cfg.name }), this.fetch), settings }));
      }
      return { provider: s.server, options: { readOnly: cfg.read_only_tools.map((t) => toolName(cfg.name, t)) } };
    });
  }

  private storedConfigs(tenantId: string, box: SecretBox): Promise<McpServerConfig[]> {
    const now = Date.now();
    const hit = this.stored.get(tenantId);
    if (hit && hit.generation === storeGeneration() && now - hit.at < STORED_TTL_MS) return hit.configs;
    if (this.stored.size >= MAX_CACHED_TENANTS) this.stored.clear();
    const configs = storedServerConfigs(this.db, box, tenantId);
    this.stored.set(tenantId, { at: now, generation: storeGeneration(), configs });
    // A failed read is not cached: the next turn tries again.
    configs.catch(() => this.stored.get(tenantId)?.configs === configs && this.stored.delete(tenantId));
    return configs;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.servers.values()].map((s) => s.server.close()));
    this.servers.clear();
  }
}

export function toolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`;
}

class McpServer implements Tools {
  private client: Promise<{ client: Client; tools: ToolSpec[] }> | null = null;
  private failedAt = 0;

  constructor(
    private readonly cfg: McpServerConfig,
    private readonly log: Logger,
    private readonly fetch: typeof globalThis.fetch,
  ) {}

  async specs(_ctx?: ToolContext): Promise<ToolSpec[]> {
    const c = await this.connected();
    return c?.tools ?? [];
  }

  async run(call: ToolCall, ctx: ToolContext): Promise<string> {
    const c = await this.connected();
    if (!c) return `error: MCP server ${this.cfg.name} is not reachable`;
    const name = call.name.slice(toolName(this.cfg.name, "").length);
    try {
      const res = await c.client.callTool({ name, arguments: call.arguments }, undefined, { timeout: this.cfg.timeout_ms, signal: ctx.signal });
      const parts = (res.content as { type: string; text?: string }[] | undefined) ?? [];
      const text = parts.map((p) => (p.type === "text" ? p.text : `[${p.type} content]`)).join("\n");
      return res.isError ? `error: ${text || "the tool failed"}` : text || "(no output)";
    } catch (e) {
      return `error: ${this.cfg.name}.${name} failed: ${(e as Error).message}`;
    }
  }

  async close(): Promise<void> {
    const c = await this.client?.catch(() => null);
    await c?.client.close().catch(() => {});
    this.client = null;
  }

  private async connected(): Promise<{ client: Client; tools: ToolSpec[] } | null> {
    if (!this.client) {
      if (Date.now() - this.failedAt < RETRY_MS) return null;
      this.client = this.connect();
    }
    try {
      return await this.client;
    } catch (e) {
      this.log.warn({ err: e, server: this.cfg.name }, "MCP server unreachable; its tools are unavailable for now");
      this.client = null;
      this.failedAt = Date.now();
      return null;
    }
  }

  private async connect(): Promise<{ client: Client; tools: ToolSpec[] }> {
    const { client, listed } = await openMcp(this.cfg, this.fetch);
    const tools = listed.map((t) => ({
      name: toolName(this.cfg.name, t.name),
      description: `[${this.cfg.name}] ${t.description ?? t.name}`,
      parameters: (t.inputSchema ?? { type: "object" }) as Record<string, unknown>,
    }));
    this.log.info({ server: this.cfg.name, tools: tools.length }, "MCP server connected");
    return { client, tools };
  }
}

export interface ListedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

/** Connects and lists the server's tools; throws what went wrong (the console's Test shows it). */
export async function openMcp(cfg: McpServerConfig, fetch: typeof globalThis.fetch): Promise<{ client: Client; listed: ListedTool[] }> {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "konstruct", version: "1" });
  if (cfg.transport === "stdio") {
    const { StdioClientTransport, getDefaultEnvironment } = await import("@modelcontextprotocol/sdk/client/stdio.js");
    await client.connect(new StdioClientTransport({ command: cfg.command, args: cfg.args, env: { ...getDefaultEnvironment(), ...cfg.env }, stderr: "ignore" }));
  } else {
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    await client.connect(new StreamableHTTPClientTransport(new URL(cfg.url), { requestInit: { headers: cfg.headers }, fetch }));
  }
  try {
    return { client, listed: (await client.listTools(undefined, { timeout: cfg.timeout_ms })).tools };
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
}
