/** Several tool providers as one: specs concatenated, each call routed to the provider that offers it. */
import type { Tools } from "./tools.ts";

export function composeTools(...providers: Tools[]): Tools {
  return {
    specs: () => providers.flatMap((p) => p.specs()),
    run: async (call, ctx) => {
      const owner = providers.find((p) => p.specs().some((s) => s.name === call.name));
      return owner ? owner.run(call, ctx) : `error: no tool named ${call.name} is available`;
    },
  };
}
