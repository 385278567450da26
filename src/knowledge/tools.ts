/**
 * The `kb_search` tool: the agent's way into the tenant's knowledge base, with citable passages.
 * The search is told which agent asks, so an agent scoped to some documents (scope.ts) reads only those.
 */
import type { Tools } from "../agent/tools.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import { citation, type Passage } from "./search.ts";

const SPEC: ToolSpec = {
  name: "kb_search",
  description:
    "Search the company's knowledge base (handbooks, policies, documentation uploaded by the admins). Returns numbered passages, each with the document title and section to cite.",
  parameters: {
    type: "object",
    properties: { query: { type: "string", description: "What to look for, in plain words" } },
    required: ["query"],
  },
};

export function kbTools(search: (tenantId: string, query: string, agentId: string) => Promise<Passage[]>): Tools {
  return {
    specs: () => [SPEC],
    async run(call: ToolCall, ctx) {
      if (call.name !== SPEC.name) return `error: no tool named ${call.name} is available`;
      const query = typeof call.arguments?.query === "string" ? call.arguments.query : "";
      if (!query.trim()) return "error: kb_search needs a non-empty 'query'";
      try {
        const passages = await search(ctx.tenantId, query, ctx.agentId);
        if (!passages.length) return "No passage in the knowledge base matches this query.";
        return passages.map((p, i) => `[${i + 1}] ${citation(p)}\n${p.content}`).join("\n\n") + "\n\nCite the passages you use as [title — section].";
      } catch (e) {
        return `error: knowledge base search failed: ${(e as Error).message}`;
      }
    },
  };
}
