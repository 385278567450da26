/** @jsxImportSource @kitajs/html */
/** /admin/conversations: the filtered list and one transcript (operators and up, own tenant). */
import { ConversationList, TranscriptView } from "../../../views/admin/conversations.tsx";
import { KonstructError } from "../../errors.ts";
import { ratingsBy } from "../../feedback/feedback.ts";
import { redirect, render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { listChannels } from "../channels/save.ts";
import { uuidParam } from "../forms.ts";
import { listConversations } from "../queries/conversations.ts";
import { loadTranscript } from "../queries/transcript.ts";
import type { Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { filterDate, filterId, pageNumber } from "../filters.ts";
import { t } from "../../i18n/i18n.ts";

export const listConversationsPage: Handler = async (deps, ctx) => {
  const { db, scope } = await pageScope(deps, ctx, "conversations");
  const q = ctx.query;
  const filter = { agent: filterId(q.agent), channel: filterId(q.channel), state: q.state === "open" || q.state === "closed" ? (q.state as "open" | "closed") : undefined, from: filterDate(q.from), to: filterDate(q.to) };
  if (!scope.tenantId) return render(ctx, <ConversationList scope={scope} page={null} filter={filter} agents={[]} channels={[]} />, t("nav.conversations"));
  const page = await listConversations(db, scope.tenantId, { agentId: filter.agent, channelId: filter.channel, state: filter.state, from: filter.from, to: filter.to, page: pageNumber(q.page) });
  const view = <ConversationList scope={scope} page={page} filter={filter} agents={await listAgents(db, scope.tenantId)} channels={await listChannels(db, scope.tenantId)} />;
  return render(ctx, view, t("nav.conversations"));
};

export const showTranscript: Handler = async (deps, ctx) => {
  const { p, db, scope } = await pageScope(deps, ctx, "conversations");
  if (!scope.tenantId) return redirect(ctx.request, "/admin/conversations");
  const transcript = await loadTranscript(db, scope.tenantId, uuidParam(ctx.params.id, "conversation"));
  if (!transcript) throw new KonstructError("not_found", "no such conversation");
  const answers = transcript.items.flatMap((i) => (i.type === "message" && i.answerId ? [i.answerId] : []));
  const ratings = await ratingsBy(db, scope.tenantId, p.userId, answers);
  return render(ctx, <TranscriptView tenantId={scope.tenantId} t={transcript} ratings={ratings} />, t("conversations.conversation"));
};
