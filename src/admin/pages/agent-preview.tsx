/** @jsxImportSource @kitajs/html */
/**
 * POST /admin/agents/:id/preview: the Agent Designer's test panel (agents/preview.ts). The agent form
 * is validated by the same schema as Save; the message, the comparison model and the history kept
 * in the page are bounded before anything runs. Answers the panel's fragment (htmx).
 */
import { z } from "zod";
import { PreviewResult, type PreviewExchange } from "../../../views/admin/agent-preview.tsx";
import { render } from "../../http/render.ts";
import { KonstructError } from "../../errors.ts";
import { CHAIN_ENTRY } from "../../llm/chain.ts";
import { getAgent, parseAgentForm } from "../agents/save.ts";
import { previewAgent, runPreview, unsavedAgent } from "../agents/preview.ts";
import { formFields, uuidParam } from "../forms.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { availableProviders } from "../providers/save.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

export const MAX_MESSAGE = 4000;
/** Exchanges kept in the page (older ones drop off); each reply is kept up to MAX_REPLY characters. */
export const MAX_EXCHANGES = 10;
const MAX_REPLY = 8000;
const history = z.array(z.object({ user: z.string().max(MAX_MESSAGE), reply: z.string().max(MAX_REPLY) })).max(MAX_EXCHANGES);

function readHistory(raw: string | undefined): PreviewExchange[] | null {
  if (!raw) return [];
  if (raw.length > MAX_EXCHANGES * (MAX_MESSAGE + MAX_REPLY) * 2) return null;
  try {
    const r = history.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export const previewAgentTurn: Handler = (deps, ctx) => preview(deps, ctx, uuidParam(ctx.params.id, "AI employee"));
/** POST /admin/agents/new/preview: the new-agent form, never saved (budgets: the form's own). */
export const previewNewAgentTurn: Handler = (deps, ctx) => preview(deps, ctx, null);

async function preview(deps: ConsoleDeps, ctx: AdminContext, id: string | null): Promise<Response> {
  const { db, tenantId } = await pageScope(deps, ctx, "agents");
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const stored = id ? await getAgent(db, tenantId, id) : null;
  const fields = formFields(ctx.body);
  const parsed = parseAgentForm(fields, stored?.escalation?.topics ?? []);
  const message = (fields.preview_message ?? "").trim();
  const compare = (fields.preview_compare ?? "").trim();
  const past = readHistory(fields.preview_history);
  const providers = availableProviders(deps.pool(), tenantId);
  const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors };
  if (!message) errors.preview_message = "type a message";
  else if (message.length > MAX_MESSAGE) errors.preview_message = `at most ${MAX_MESSAGE} characters`;
  if (compare && (compare.length > 200 || !CHAIN_ENTRY.test(compare) || !providers.includes(compare.split("/")[0]!)))
    errors.preview_compare = `provider_id/model with one of this tenant's providers (${providers.join(", ") || "none"})`;
  if (!past) errors.preview_history = "the preview history is not readable; reload the page";
  if (!parsed.ok || Object.keys(errors).length) return render(ctx, <PreviewResult history={past ?? []} runs={[]} errors={errors} />, t("agentPreview.preview"), 400);
  const turn = deps.turn();
  if (!turn) throw new KonstructError("db_unavailable", "starting");
  const agent = stored ? previewAgent(stored, parsed.value) : unsavedAgent(tenantId, parsed.value);
  const chat = past!.flatMap((e) => [{ role: "user" as const, content: e.user }, { role: "assistant" as const, content: e.reply }]);
  const ask = (chain: string[]) => runPreview(turn, db, deps.config.llm.prices, { tenantId, agent, chain, history: chat, message, userKey: ctx.principal!.userId });
  const runs = await Promise.all([ask(agent.models), ...(compare ? [ask([compare])] : [])]);
  // Only an answer goes on: a failure or a budget stop is shown, not fed to the next message as the agent's words.
  const kept = runs[0]!.kind === "reply" ? [...past!, { user: message, reply: runs[0]!.text.slice(0, MAX_REPLY) }].slice(-MAX_EXCHANGES) : past!;
  return render(ctx, <PreviewResult history={kept} runs={runs} />, t("agentPreview.preview"));
}
