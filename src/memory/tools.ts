/** The `remember` tool: the agent writes a fact to its long-term memory. */
import type { Tools } from "../agent/tools.ts";
import type { ToolSpec } from "../llm/types.ts";
import type { Memory } from "./memory.ts";

const SPEC: ToolSpec = {
  name: "remember",
  description:
    "Save a durable fact to long-term memory (preferences, decisions, names, commitments) so it is available in later conversations. One short, self-contained sentence per call.",
  parameters: {
    type: "object",
    properties: {
      fact: { type: "string", description: "The fact, e.g. 'Maria prefers reports as PDF'" },
      about: { type: "string", enum: ["user", "everyone"], description: "'user' (default): about the person you are talking to; 'everyone': true for the whole team" },
    },
    required: ["fact"],
  },
};

export function memoryTools(memory: Memory): Tools {
  return {
    specs: () => [SPEC],
    async run(call, ctx) {
      if (call.name !== SPEC.name) return `error: no tool named ${call.name} is available`;
      const fact = typeof call.arguments?.fact === "string" ? call.arguments.fact.trim() : "";
      if (!fact) return "error: remember needs a non-empty 'fact'";
      if (fact.length > 1000) return "error: a fact must be at most 1000 characters";
      const userKey = call.arguments?.about === "everyone" ? "" : (ctx.userKey ?? "");
      try {
        const r = await memory.remember(ctx.tenantId, { agentId: ctx.agentId, userKey, kind: "fact", content: fact, conversationId: ctx.conversationId });
        return r.created ? "Saved to long-term memory." : "Already in long-term memory.";
      } catch (e) {
        return `error: could not save the memory: ${(e as Error).message}`;
      }
    },
  };
}
