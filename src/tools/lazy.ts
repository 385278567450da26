/**
 * The tool registry, built on the first agent turn instead of at start: its module graph (schema
 * validator, SSRF guard, MCP client) is not needed by an idle appliance, and the idle RSS budget
 * has only a few MB to spare. Providers added before that are handed over when it is built.
 */
import type { ToolCall } from "../llm/types.ts";
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { ProviderOptions, ToolRegistry } from "./registry.ts";

export interface LazyTools extends Tools {
  /** Adds a provider now or, if the registry is not built yet, when it is. */
  add(provider: Tools, options?: ProviderOptions): void;
  registry(): Promise<ToolRegistry>;
  stop(): Promise<void>;
}

export function lazyTools(build: () => Promise<{ registry: ToolRegistry; stop(): Promise<void> }>): LazyTools {
  let built: Promise<{ registry: ToolRegistry; stop(): Promise<void> }> | null = null;
  const early: [Tools, ProviderOptions | undefined][] = [];
  const get = () =>
    (built ??= build().then((b) => {
      for (const [p, o] of early.splice(0)) b.registry.add(p, o);
      return b;
    }));
  return {
    add(provider, options) {
      if (built) void built.then((b) => b.registry.add(provider, options));
      else early.push([provider, options]);
    },
    registry: async () => (await get()).registry,
    specs: async (ctx?: ToolContext) => (await get()).registry.specs(ctx),
    run: async (call: ToolCall, ctx: ToolContext) => (await get()).registry.run(call, ctx),
    prompt: async (ctx: ToolContext) => (await get()).registry.prompt(ctx),
    async stop() {
      if (built) await (await built).stop();
    },
  };
}
