/**
 * The tool registry as the gateway uses it: skills from the catalog, the built-ins
 * (http_fetch behind the SSRF guard, send_message via the outbox) and each tenant's MCP servers,
 * plus any providers the caller adds (memory, tests).
 */
import type { Logger } from "pino";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { Outbox } from "../gateway/outbox.ts";
import type { Connection } from "../gateway/pipeline.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { SkillCatalog } from "../skills/catalog.ts";
import { createHttpFetch } from "./http-fetch.ts";
import { McpServers } from "./mcp.ts";
import { type ProviderOptions, ToolRegistry } from "./registry.ts";
import { createSendMessage, describeSendMessage } from "./send-message.ts";
import { Outbound } from "../net/outbound.ts";
import type { Resolver } from "../net/ssrf.ts";
import type { Tools } from "../agent/tools.ts";

export interface ToolsOptions {
  config: Config;
  db: Database;
  secrets: SecretBox;
  log: Logger;
  catalog: SkillCatalog;
  outbox: Outbox;
  connection(channelId: string): Connection | undefined;
  /** DNS for http_fetch's SSRF guard (tests inject one). */
  resolver?: Resolver;
  /** The platform's guarded fetch (src/net/outbound.ts), for MCP HTTP servers. */
  fetch: typeof fetch;
  providers?: { provider: Tools; options?: ProviderOptions }[];
}

export function buildTools(o: ToolsOptions) {
  const { catalog } = o;
  const registry = new ToolRegistry({ db: o.db, box: o.secrets, catalog, log: o.log });
  const f = o.config.tools.http_fetch;
  registry.add(createHttpFetch({ outbound: new Outbound({ allowPrivate: f.allow_private_hosts, resolver: o.resolver, maxRedirects: f.max_redirects }), maxBytes: f.max_bytes, timeoutMs: f.timeout_ms }), {
    readOnly: (call) => (call.arguments.method ?? "GET") === "GET",
    describe: (call) => `${String(call.arguments.method ?? "GET")} ${String(call.arguments.url)}${call.arguments.body ? `\nbody: ${String(call.arguments.body).slice(0, 400)}` : ""}`,
  });
  registry.add(createSendMessage({ db: o.db, outbox: o.outbox, connection: o.connection }), { describe: describeSendMessage });
  for (const p of o.providers ?? []) registry.add(p.provider, p.options);
  const mcp = new McpServers(o.config.tenants, o.db, o.log.child({ part: "mcp" }), o.fetch, o.secrets);
  registry.addTenantSource((tenantId) => mcp.providers(tenantId));
  return { registry, stop: () => mcp.close() };
}
