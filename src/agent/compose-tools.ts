/** Several tool providers as one: specs concatenated, each call routed to the provider that offers it. */
import type { Tools } from "./tools.ts";

export function composeTools(...providers: Tools[]): Tools {
  const specsOf = async (p: Tools, ctx?: Parameters<Tools["specs"]>[0]) => await p.specs(ctx);
  return {
    specs: async (ctx) => (await Promise.all(providers.map((p) => specsOf(p, ctx)))).flat(),
    run: async (call, ctx) => {
      for (const p of providers) if ((await specsOf(p, ctx)).some((s) => s.name === call.name)) return p.run(call, ctx);
      return `error: no tool named ${call.name} is available`;
    },
  };
}
