/** @jsxImportSource @kitajs/html */
/**
 * /admin/mcp — a tenant's MCP servers (tenant admins; CSRF like every console form). Config-as-code
 * servers are listed read-only; console servers are streamable HTTP only, their URL through the
 * SSRF guard before it is saved (and again on every request), their headers sealed
 * (src/tools/mcp-store.ts) and never rendered, logged or audited — only their names. Test connects
 * through the guarded fetch and lists the tools with their read-only flags. The tenant's AI
 * employees see a change from their next message (mcp.ts reads the table per turn).
 */
import { McpView, type McpProps, type McpServerRow } from "../../../views/admin/mcp.tsx";
import type { McpServerConfig } from "../../config/schema.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { openMcp } from "../../tools/mcp.ts";
import { deleteStoredServer, listStoredServers, saveStoredServer, setReadOnlyTools, storedServerConfig } from "../../tools/mcp-store.ts";
import { requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { formFields } from "../forms.ts";
import { pageScope } from "../scope.ts";
import { getTenant } from "../tenants/save.ts";
import { recordPerson } from "../trail/record.ts";
import { t } from "../../i18n/i18n.ts";

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

async function scoped(deps: ConsoleDeps, ctx: AdminContext) {
  const s = await pageScope(deps, ctx, "mcp");
  if (s.tenantId) requireAdmin(s.p, s.tenantId);
  const box = deps.secrets();
  if (!box) throw new KonstructError("unavailable", "the appliance is starting");
  const slug = s.tenantId ? (await getTenant(s.db, s.tenantId)).slug : "";
  const configured = deps.config.tenants.find((t) => t.slug === slug)?.mcp_servers ?? [];
  return { ...s, box, configured };
}

async function view(deps: ConsoleDeps, ctx: AdminContext, extra: Partial<McpProps> = {}, status = 200): Promise<Response> {
  const { db, scope, tenantId, box, configured } = await scoped(deps, ctx);
  const props: McpProps = { scope, csrf: ctx.csrfToken, servers: null, flash: flashMessage(ctx.query.flash), ...extra };
  if (tenantId) {
    const fromConfig: McpServerRow[] = configured.map((c) => ({ name: c.name, target: c.transport === "stdio" ? [c.command, ...c.args].join(" ") : c.url, fromConfig: true, headerNames: Object.keys(c.headers), readOnlyTools: c.read_only_tools, updatedAt: null }));
    const stored = (await listStoredServers(db, box, tenantId)).filter((s) => !configured.some((c) => c.name === s.name));
    props.servers = [...fromConfig, ...stored.map((s) => ({ name: s.name, target: s.url, fromConfig: false, headerNames: s.headerNames, readOnlyTools: s.readOnlyTools, updatedAt: s.updatedAt }))];
  }
  return render(ctx, <McpView {...props} />, t("mcp.mcpServers"), status);
}

/** GET /admin/mcp */
export const showMcp: Handler = (deps, ctx) => view(deps, ctx);

/** "Name: value" per line → headers, or a message for the form. */
function parseHeaders(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 21)) {
    const m = /^([A-Za-z0-9-]{1,100}):\s*(.{1,4000})$/.exec(line);
    if (!m) return "one 'Name: value' per line (letters, digits and '-' in the name)";
    out[m[1]!] = m[2]!;
  }
  return Object.keys(out).length > 20 ? "at most 20 headers" : out;
}

/** POST /admin/mcp — add, or change the server of that name. */
export const saveMcpForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId, box, configured } = await scoped(deps, ctx);
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const f = formFields(ctx.body);
  const values = { name: (f.name ?? "").trim().slice(0, 100), url: (f.url ?? "").trim().slice(0, 2000), timeout_s: (f.timeout_s ?? "30").trim().slice(0, 10) };
  const errors: Record<string, string> = {};
  if (!NAME.test(values.name) || values.name.length > 40) errors.name = "a-z, 0-9 and single '-', at most 40 characters";
  else if (configured.some((c) => c.name === values.name)) errors.name = "that server comes from config; choose another name";
  if (!/^https?:\/\//i.test(values.url)) errors.url = "an http:// or https:// URL";
  else {
    const refused = await deps.outbound.refusal(values.url);
    if (refused) errors.url = refused;
  }
  const seconds = Number(values.timeout_s);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) errors.timeout_s = "a whole number from 1 to 300";
  const headers = (f.headers ?? "").trim() ? parseHeaders((f.headers ?? "").slice(0, 20_000)) : null;
  if (typeof headers === "string") errors.headers = headers;
  if (Object.keys(errors).length) return view(deps, ctx, { values, errors }, 400);
  await saveStoredServer(db, box, tenantId, { name: values.name, url: values.url, headers: headers as Record<string, string> | null, timeoutMs: seconds * 1000 });
  await recordPerson(db, p, ctx.client.ip, { kind: "config", tenantId, summary: `MCP server "${values.name}" saved`, data: { step: "mcp_saved", server: values.name, url: values.url, header_names: headers ? Object.keys(headers) : "unchanged" } });
  return redirect(ctx.request, withFlash(`/admin/mcp?tenant=${tenantId}`, "mcp_saved"));
};

/** POST /admin/mcp/:name/delete — console servers only. */
export const deleteMcpForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await scoped(deps, ctx);
  const name = ctx.params.name ?? "";
  if (!tenantId || !NAME.test(name) || !(await deleteStoredServer(db, tenantId, name))) throw new KonstructError("not_found", "no such MCP server");
  await recordPerson(db, p, ctx.client.ip, { kind: "config", tenantId, summary: `MCP server "${name}" removed`, data: { step: "mcp_deleted", server: name } });
  return redirect(ctx.request, withFlash(`/admin/mcp?tenant=${tenantId}`, "mcp_deleted"));
};

async function serverConfig(deps: ConsoleDeps, ctx: AdminContext): Promise<{ cfg: McpServerConfig; tenantId: string }> {
  const { db, tenantId, box, configured } = await scoped(deps, ctx);
  const name = ctx.params.name ?? "";
  const cfg = tenantId && NAME.test(name) ? (configured.find((c) => c.name === name) ?? (await storedServerConfig(db, box, tenantId, name))) : null;
  if (!cfg || !tenantId) throw new KonstructError("not_found", "no such MCP server");
  return { cfg, tenantId };
}

/** POST /admin/mcp/:name/test — connect, list the tools, show them with their read-only flags. */
export const testMcpForm: Handler = async (deps, ctx) => {
  const { cfg } = await serverConfig(deps, ctx);
  try {
    const { client, listed } = await openMcp({ ...cfg, timeout_ms: Math.min(cfg.timeout_ms, 15_000) }, deps.outbound.fetch);
    await client.close().catch(() => {});
    const tools = listed.slice(0, 500).map((t) => ({ name: t.name, description: (t.description ?? "").slice(0, 300), readOnly: cfg.read_only_tools.includes(t.name) }));
    return view(deps, ctx, { test: { server: cfg.name, tools } });
  } catch (e) {
    // The SDK's message names the URL and status, never the headers.
    return view(deps, ctx, { test: { server: cfg.name, error: (e as Error).message.slice(0, 300) } }, 502);
  }
};

/** POST /admin/mcp/:name/read-only — `tool` repeated: the tools that only read. */
export const saveMcpReadOnlyForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await scoped(deps, ctx);
  const name = ctx.params.name ?? "";
  const raw = (ctx.body as Record<string, unknown> | null)?.tool;
  const tools = [...new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String))].filter((t) => /^[A-Za-z0-9_.-]{1,128}$/.test(t)).slice(0, 500);
  if (!tenantId || !NAME.test(name) || !(await setReadOnlyTools(db, tenantId, name, tools))) throw new KonstructError("not_found", "no such MCP server");
  await recordPerson(db, p, ctx.client.ip, { kind: "config", tenantId, summary: `MCP server "${name}": read-only tools set`, data: { step: "mcp_read_only", server: name, tools } });
  return redirect(ctx.request, withFlash(`/admin/mcp?tenant=${tenantId}`, "mcp_read_only"));
};
