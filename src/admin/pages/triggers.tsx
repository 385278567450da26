/** @jsxImportSource @kitajs/html */
/**
 * /admin/triggers: the tenant's event triggers with their URLs and recent deliveries (operators
 * read), and Create, Pause, Resume, Delete (tenant admins, CSRF like every console form). A
 * created trigger's secret is in the response to its creation only — rendered, not redirected,
 * so it is never in a URL or a flash key — and sealed in the database (src/triggers/store.ts).
 */
import { eq } from "drizzle-orm";
import { TriggersView, type TriggersProps } from "../../../views/admin/triggers.tsx";
import { triggers } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { checkTemplate, filterFromText } from "../../triggers/payload.ts";
import { createTrigger, deleteTrigger, listTriggers, recentDeliveries, type TriggerDefinition } from "../../triggers/store.ts";
import { listAgents } from "../agents/save.ts";
import { canAdmin, requireAdmin } from "../auth/principal.ts";
import { listChannels } from "../channels/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { formText, idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { secretBox } from "../running.ts";
import { pageScope } from "../scope.ts";
import { recordConfig } from "../trail/config.ts";
import { t } from "../../i18n/i18n.ts";

const FIELDS = ["name", "kind", "scheme", "event", "agent_id", "channel_id", "chat", "thread", "filter", "instruction"] as const;

async function view(deps: AdminDeps, ctx: PageCtx, extra: Partial<TriggersProps> = {}, status = 200): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "triggers");
  const base = deps.config.server.public_url.replace(/\/+$/, "");
  const props: TriggersProps = { scope, csrf: ctx.csrfToken, triggers: null, deliveries: [], agents: [], channels: [], base, admin: false, flash: flashMessage(ctx.query.flash), ...extra };
  if (tenantId) {
    const [rows, deliveries] = await db.withTenant(tenantId, async (tx) => [await listTriggers(tx), await recentDeliveries(tx)] as const);
    const agents = (await listAgents(db, tenantId)).map((a) => ({ id: a.id, name: a.name }));
    const channels = (await listChannels(db, tenantId)).filter((c) => c.kind !== "webchat" && c.kind !== "api" && c.kind !== "widget").map((c) => ({ id: c.id, name: c.name }));
    Object.assign(props, { triggers: rows, deliveries, agents, channels, admin: canAdmin(p, tenantId) });
  }
  return render(ctx, <TriggersView {...props} />, t("nav.triggers"), status);
}

/** GET /admin/triggers */
export const showTriggers = (deps: AdminDeps, ctx: PageCtx) => view(deps, ctx);

/** POST /admin/triggers — tenant admins; answers with the page showing the new secret once. */
export async function createTriggerForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await pageScope(deps, ctx, "triggers");
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  requireAdmin(p, tenantId);
  const f = Object.fromEntries(FIELDS.map((k) => [k, formText(ctx.body, k).slice(0, 5000)])) as Record<(typeof FIELDS)[number], string>;
  try {
    const kind = f.kind === "event" ? "event" : "webhook";
    const def: TriggerDefinition = { name: f.name.trim(), kind, event: f.event || null, scheme: f.scheme === "timestamped" ? "timestamped" : "github", agentId: idParam(f.agent_id, "agent"), channelId: idParam(f.channel_id, "channel"), chatKey: f.chat.trim(), replyTo: f.thread.trim() || null, filter: filterFromText(f.filter), template: f.instruction };
    field("instruction", () => checkTemplate(def.template));
    const made = await db.withTenant(tenantId, async (tx) => {
      if ((await tx.select({ id: triggers.id }).from(triggers).where(eq(triggers.name, def.name))).length) throw new Error("name: a trigger with this name exists");
      return createTrigger(tx, secretBox(deps), tenantId, def);
    });
    await recordConfig(db, ctx, { tenantId, object: "trigger", id: made.trigger.id, name: made.trigger.name, before: null, after: { name: made.trigger.name } });
    const url = `${deps.config.server.public_url.replace(/\/+$/, "")}/hooks/trigger/${made.trigger.publicId}`;
    return view(deps, ctx, { created: { name: made.trigger.name, url: kind === "webhook" ? url : `event ${def.event}`, secret: made.secret } });
  } catch (e) {
    if (e instanceof KonstructError && e.status >= 500) throw e;
    const m = /^([a-z_]+): (.+)$/.exec((e as Error).message);
    const errors = m && (FIELDS as readonly string[]).includes(m[1]!) ? { [m[1]!]: m[2]! } : { form: (e as Error).message.slice(0, 300) };
    return view(deps, ctx, { values: f, errors }, 400);
  }
}

/** Runs a check; its error is said next to `name`. */
function field(name: string, check: () => void): void {
  try {
    check();
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

/** POST /admin/triggers/:id/pause | resume | delete — tenant admins. */
function triggerAction(action: "pause" | "resume" | "delete") {
  return async (deps: AdminDeps, ctx: PageCtx): Promise<Response> => {
    const { p, db, tenantId } = await pageScope(deps, ctx, "triggers");
    if (!tenantId) throw new KonstructError("not_found", "no such trigger");
    requireAdmin(p, tenantId);
    const id = idParam(ctx.params.id, "trigger");
    const done = await db.withTenant(tenantId, async (tx) =>
      action === "delete" ? deleteTrigger(tx, id) : (await tx.update(triggers).set({ paused: action === "pause" }).where(eq(triggers.id, id)).returning({ id: triggers.id })).length > 0,
    );
    if (!done) throw new KonstructError("not_found", "no such trigger");
    const [before, after] = action === "delete" ? [{}, null] : [{ paused: action !== "pause" }, { paused: action === "pause" }];
    await recordConfig(db, ctx, { tenantId, object: "trigger", id, name: id, before, after });
    return redirect(ctx.request, withFlash(`/admin/triggers?tenant=${tenantId}`, `trigger_${action}d`));
  };
}

export const pauseTriggerForm = triggerAction("pause");
export const resumeTriggerForm = triggerAction("resume");
export const deleteTriggerForm = triggerAction("delete");
