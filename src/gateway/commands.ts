/**
 * Chat commands every channel shares (/start, /help, /new, /status, /cancel); adapters recognise
 * them in their own syntax and hand over the bare name. Returns the reply text.
 */
import { eq } from "drizzle-orm";
import { closeConversation } from "../agent/conversations.ts";
import { agentSpend } from "../agent/usage.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { agents } from "../db/schema/index.ts";
import type { Connection } from "./pipeline.ts";
import { REPLIES } from "./replies.ts";

export async function runCommand(
  deps: { db: Database; running: Map<string, AbortController>; closed?: () => void },
  conn: Connection,
  message: InboundMessage,
): Promise<string> {
  const chat = `${conn.channelId}:${message.chatKey}`;
  switch (message.command) {
    case "new":
      deps.running.get(chat)?.abort();
      if (await deps.db.withTenant(conn.tenantId, (tx) => closeConversation(tx, conn.channelId, message.chatKey))) deps.closed?.();
      return REPLIES.newConversation;
    case "cancel": {
      const running = deps.running.get(chat);
      running?.abort();
      return running ? REPLIES.cancelled : REPLIES.nothingToCancel;
    }
    case "status": {
      const status = await deps.db.withTenant(conn.tenantId, async (tx) => {
        const [agent] = await tx.select().from(agents).where(eq(agents.id, conn.agentId));
        return agent && { agent, spend: await agentSpend(tx, agent.id) };
      });
      if (!status) return REPLIES.help("this assistant");
      const { agent, spend } = status;
      return REPLIES.status(agent.name, agent.models, spend, { daily: Number(agent.dailyBudgetUsd), monthly: Number(agent.monthlyBudgetUsd) });
    }
    default: {
      const [agent] = await deps.db.withTenant(conn.tenantId, (tx) => tx.select({ name: agents.name }).from(agents).where(eq(agents.id, conn.agentId)));
      return REPLIES.help(agent?.name ?? "your AI employee");
    }
  }
}
