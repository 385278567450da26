/** @jsxImportSource @kitajs/html */
/**
 * /admin/agents/:id/widget: an AI employee's website chat widget (src/widget/) — on/off, allowed
 * origins, and the snippet to paste (tenant admins of the tenant, as for channels). Saving creates
 * the agent's `widget` channel on first use and restarts it, so a change applies at once.
 */
import { type WidgetProps, WidgetView } from "../../../views/admin/widget.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import { redirect, render } from "../../http/render.ts";
import { parseOrigins } from "../../widget/origins.ts";
import { findWidget, saveWidget } from "../../widget/store.ts";
import { getAgent } from "../agents/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields, uuidParam } from "../forms.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { secretBox } from "../running.ts";
import { pageScope } from "../scope.ts";

async function page(deps: ConsoleDeps, ctx: AdminContext, values?: Record<string, string>, errors?: FieldErrors): Promise<Response> {
  const { db, tenantId } = await pageScope(deps, ctx, "channels");
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  const widget = await findWidget(db, tenantId, agent.id);
  const props: WidgetProps = {
    csrf: ctx.csrfToken,
    tenantId,
    agent: { id: agent.id, name: agent.name },
    widgetId: widget?.id ?? null,
    base: deps.config.server.public_url.replace(/\/+$/, ""),
    values: values ?? { enabled: widget && !widget.enabled ? "off" : "on", origins: widget?.origins.join("\n") ?? "" },
    errors,
    flash: flashMessage(ctx.query.flash),
  };
  return render(ctx, <WidgetView {...props} />, `Website widget: ${agent.name}`, errors ? 400 : 200);
}

/** GET /admin/agents/:id/widget */
export const showWidget: Handler = (deps, ctx) => page(deps, ctx);

/** POST /admin/agents/:id/widget */
export const saveWidgetForm: Handler = async (deps, ctx) => {
  const { db, tenantId } = await pageScope(deps, ctx, "channels");
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  const fields = formFields(ctx.body);
  const values = { enabled: fields.enabled === "off" ? "off" : "on", origins: (fields.origins ?? "").slice(0, 10_000) };
  const parsed = parseOrigins(values.origins);
  if ("error" in parsed) return page(deps, ctx, values, { origins: parsed.error });
  await saveWidget(db, secretBox(deps), deps.connections(), tenantId, agent.id, { origins: parsed.origins, enabled: values.enabled === "on" });
  return redirect(ctx.request, withFlash(`/admin/agents/${agent.id}/widget?tenant=${tenantId}`, "saved"));
};
