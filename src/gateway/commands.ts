/**
 * Chat commands every channel shares (/start, /help, /new, /status, /tasks, /cancel [N|all],
 * /schedules [pause|resume|delete N], /human);
 * adapters recognise them in their own syntax (channels/commands.ts) and hand over the bare name
 * and argument. Returns the reply text.
 */
import { eq } from "drizzle-orm";
import { closeConversation } from "../agent/conversations.ts";
import { agentSpend } from "../agent/usage.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { agents } from "../db/schema/index.ts";
import type { HandoffPort } from "./handoff-port.ts";
import type { Connection } from "./pipeline.ts";
import { REPLIES } from "./replies.ts";

/** Background tasks as chat commands see them (a port: src/tasks/ implements it). */
export interface TaskCommands {
  list(tenantId: string, agentId: string, user: string): Promise<string>;
  /** `which`: a task number or "all". */
  cancel(tenantId: string, agentId: string, user: string, which: string): Promise<string>;
  /** /schedules and `/schedules pause|resume|delete N` (src/schedules/ implements it). */
  schedules?(tenantId: string, agentId: string, user: string, args?: string): Promise<string>;
}

export async function runCommand(
  deps: { db: Database; running: Map<string, AbortController>; closed?: (tenantId: string, conversationId: string) => void; tasks?: TaskCommands; handoff?: HandoffPort },
  conn: Connection,
  message: InboundMessage,
): Promise<string> {
  const chat = `${conn.channelId}:${message.chatKey}`;
  switch (message.command) {
    case "new":
      deps.running.get(chat)?.abort();
      {
        const closed = await deps.db.withTenant(conn.tenantId, (tx) => closeConversation(tx, conn.channelId, message.chatKey));
        if (closed) deps.closed?.(conn.tenantId, closed);
      }
      return REPLIES.newConversation;
    case "cancel": {
      if (message.commandArgs) return deps.tasks ? deps.tasks.cancel(conn.tenantId, conn.agentId, message.sender.id, message.commandArgs) : REPLIES.nothingToCancel;
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
      const line = REPLIES.status(agent.name, agent.models, spend, { daily: Number(agent.dailyBudgetUsd), monthly: Number(agent.monthlyBudgetUsd) });
      return deps.tasks ? `${line}\n\n${await deps.tasks.list(conn.tenantId, conn.agentId, message.sender.id)}` : line;
    }
    case "human":
      if (deps.handoff) return deps.handoff.human(conn.tenantId, conn.agentId, { channelId: conn.channelId, chatKey: message.chatKey }, message.sender.id);
      break;
    case "tasks":
      return deps.tasks ? deps.tasks.list(conn.tenantId, conn.agentId, message.sender.id) : "No tasks running or queued.";
    case "schedules":
      return deps.tasks?.schedules ? deps.tasks.schedules(conn.tenantId, conn.agentId, message.sender.id, message.commandArgs) : "You have no schedules.";
  }
  const [agent] = await deps.db.withTenant(conn.tenantId, (tx) => tx.select({ name: agents.name }).from(agents).where(eq(agents.id, conn.agentId)));
  return REPLIES.help(agent?.name ?? "your AI employee");
}
