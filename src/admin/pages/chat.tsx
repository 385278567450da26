/** @jsxImportSource @kitajs/html */
/**
 * /admin/chat: talk to an AI employee from the browser through its web chat connection (the same
 * pipeline as Slack and Telegram). POST a message (htmx; files with it, multipart, kept like the
 * widget's: media/uploads.ts) → recorded in the inbox → the log polls
 * until the recorded reply is there. The connection is created by the first POST; GETs only read.
 */
import { ChatLog, ChatView } from "../../../views/admin/chat.tsx";
import { WebchatAdapter, webchatKey } from "../../channels/webchat/adapter.ts";
import type { Database } from "../../db/database.ts";
import { KonstructError } from "../../errors.ts";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { filterId } from "../filters.ts";
import { formFields, uuidParam } from "../forms.ts";
import { secretBox } from "../running.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { type ChatLine, chatLog, findWebchatChannel, webchatChannel } from "../webchat/chat.ts";
import { ratingsBy } from "../../feedback/feedback.ts";
import type { Attachment } from "../../channels/types.ts";
import { limitsOf } from "../../media/prepare.ts";
import { keepUploads } from "../../media/uploads.ts";
import { t } from "../../i18n/i18n.ts";

const MAX_TEXT = 8000;

const filesOf = (v: unknown): File[] => (Array.isArray(v) ? v : [v]).filter((f): f is File => f instanceof File && f.size > 0);

/** Files sent with a message: bounded by count and size before they are read, then judged and kept like the widget's (media/uploads.ts). */
async function chatUploads(deps: ConsoleDeps, picked: File[], at: { tenantId: string; channelId: string; userKey: string }): Promise<Attachment[]> {
  if (!picked.length) return [];
  const media = deps.config.media;
  if (picked.length > media.max_files_per_message) throw new KonstructError("too_large", `at most ${media.max_files_per_message} files in one message`);
  const limits = limitsOf(media);
  const largest = Math.max(limits.image, limits.document, limits.audio);
  const big = picked.find((f) => f.size > largest);
  if (big) throw new KonstructError("too_large", `"${big.name}" is larger than ${Math.round(largest / 1024 / 1024)} MB`);
  const store = deps.attachments();
  if (!store) throw new KonstructError("db_unavailable", "starting; try again in a moment");
  const kept = await keepUploads(limits, store, at, await Promise.all(picked.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))));
  if (!kept.ok) throw new KonstructError(kept.reason === "too_large" ? "too_large" : "bad_request", kept.message);
  return kept.attachments;
}

const scoped = (deps: ConsoleDeps, ctx: AdminContext) => pageScope(deps, ctx, "chat");
const tenantOf = async (deps: ConsoleDeps, ctx: AdminContext) => {
  const s = await scoped(deps, ctx);
  if (!s.tenantId) throw new KonstructError("not_found", "no tenant");
  return { ...s, tenantId: s.tenantId };
};
/** The signed-in user's own thumbs on these answers. */
const ratingsOf = (db: Database, tenantId: string, userId: string, lines: ChatLine[]) =>
  ratingsBy(db, tenantId, userId, lines.flatMap((l) => (l.id ? [l.id] : [])));
/** GETs only read: before the first message there is no connection and nothing to show. */
const readLog = async (db: Database, tenantId: string, agentId: string, userId: string) => {
  const channelId = await findWebchatChannel(db, tenantId, agentId);
  return channelId ? chatLog(db, tenantId, channelId, webchatKey(userId)) : [];
};

export const showChat: Handler = async (deps, ctx) => {
  const { p, db, scope, tenantId } = await scoped(deps, ctx);
  const agents = tenantId ? await listAgents(db, tenantId) : [];
  const agent = agents.find((a) => a.id === filterId(ctx.query.agent)) ?? agents[0] ?? null;
  const lines = tenantId && agent ? await readLog(db, tenantId, agent.id, p.userId) : [];
  const ratings = tenantId ? await ratingsOf(db, tenantId, p.userId, lines) : undefined;
  return render(ctx, <ChatView scope={scope} agents={agents} agent={agent} lines={lines} ratings={ratings} />, t("nav.chat"));
};

export const chatLogPartial: Handler = async (deps, ctx) => {
  const agentId = uuidParam(ctx.params.agentId, "AI employee");
  const { p, db, tenantId } = await tenantOf(deps, ctx);
  const lines = await readLog(db, tenantId, agentId, p.userId);
  return render(ctx, <ChatLog tenantId={tenantId} agentId={agentId} lines={lines} ratings={await ratingsOf(db, tenantId, p.userId, lines)} />, t("nav.chat"));
};

export const sendChatMessage: Handler = async (deps, ctx) => {
  const agentId = uuidParam(ctx.params.agentId, "AI employee");
  const text = (formFields(ctx.body).text ?? "").trim();
  const picked = filesOf((ctx.body as Record<string, unknown> | null)?.file);
  if (!text && !picked.length) throw new KonstructError("bad_request", "text: type a message or attach a file first");
  if (text.length > MAX_TEXT) throw new KonstructError("bad_request", `text: at most ${MAX_TEXT} characters`);
  const { p, db, tenantId } = await tenantOf(deps, ctx);
  const channelId = await webchatChannel(db, secretBox(deps), deps.connections(), tenantId, agentId);
  const adapter = deps.connections()?.adapter(channelId);
  if (!(adapter instanceof WebchatAdapter)) throw new KonstructError("db_unavailable", "the web chat connection is not running; try again in a moment");
  const files = await chatUploads(deps, picked, { tenantId, channelId, userKey: p.userId });
  await adapter.say({ id: p.userId, name: p.email }, text, files);
  const lines = await chatLog(db, tenantId, channelId, webchatKey(p.userId));
  return render(ctx, <ChatLog tenantId={tenantId} agentId={agentId} lines={lines} />, t("nav.chat"));
};
