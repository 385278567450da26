/** @jsxImportSource @kitajs/html */
/**
 * /admin/chat: talk to an AI employee from the browser through its web chat connection (the same
 * pipeline as Slack and Telegram). POST a message (htmx) → recorded in the inbox → the log polls
 * until the recorded reply is there.
 */
import { Elysia } from "elysia";
import { ChatLog, ChatView } from "../../../views/admin/chat.tsx";
import { WebchatAdapter, webchatKey } from "../../channels/webchat/adapter.ts";
import { KonstructError } from "../../errors.ts";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { adminAuth } from "../auth/plugin.ts";
import { filterId } from "../filters.ts";
import { formFields, uuidParam } from "../forms.ts";
import type { PageCtx } from "../page-context.ts";
import type { AdminDeps } from "../routes.ts";
import { secretBox } from "../running.ts";
import { pageScope } from "../scope.ts";
import { chatLog, webchatChannel } from "../webchat/chat.ts";

const MAX_TEXT = 8000;

export function chatPage(deps: AdminDeps) {
  const scoped = (ctx: PageCtx) => pageScope(deps, ctx, "chat");
  const log = async (ctx: PageCtx, agentId: string) => {
    const { p, db, tenantId } = await scoped(ctx);
    if (!tenantId) throw new KonstructError("not_found", "no tenant");
    const channelId = await webchatChannel(db, secretBox(deps), deps.connections(), tenantId, agentId);
    return { p, db, tenantId, channelId, lines: await chatLog(db, tenantId, channelId, webchatKey(p.userId)) };
  };
  return new Elysia()
    .use(adminAuth(deps))
    .get("/admin/chat", async (ctx) => {
      const { p, db, scope, tenantId } = await scoped(ctx);
      const agents = tenantId ? await listAgents(db, tenantId) : [];
      const agent = agents.find((a) => a.id === filterId(ctx.query.agent)) ?? agents[0] ?? null;
      const lines = tenantId && agent ? await chatLog(db, tenantId, await webchatChannel(db, secretBox(deps), deps.connections(), tenantId, agent.id), webchatKey(p.userId)) : [];
      return render(ctx, <ChatView scope={scope} agents={agents} agent={agent} lines={lines} />, "Web chat");
    })
    .get("/admin/chat/:agentId/log", async (ctx) => {
      const agentId = uuidParam(ctx.params.agentId, "AI employee");
      const { tenantId, lines } = await log(ctx, agentId);
      return render(ctx, <ChatLog tenantId={tenantId} agentId={agentId} lines={lines} />, "Web chat");
    })
    .post("/admin/chat/:agentId/messages", async (ctx) => {
      const agentId = uuidParam(ctx.params.agentId, "AI employee");
      const text = (formFields(ctx.body).text ?? "").trim();
      if (!text) throw new KonstructError("bad_request", "text: type a message first");
      if (text.length > MAX_TEXT) throw new KonstructError("bad_request", `text: at most ${MAX_TEXT} characters`);
      const { p, db, tenantId, channelId } = await log(ctx, agentId);
      const adapter = deps.connections()?.adapter(channelId);
      if (!(adapter instanceof WebchatAdapter)) throw new KonstructError("db_unavailable", "the web chat connection is not running; try again in a moment");
      await adapter.say({ id: p.userId, name: p.email }, text);
      const lines = await chatLog(db, tenantId, channelId, webchatKey(p.userId));
      return render(ctx, <ChatLog tenantId={tenantId} agentId={agentId} lines={lines} />, "Web chat");
    });
}
