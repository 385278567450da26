/**
 * GET /widget/<widget id>.js: the widget's script, with its id, the appliance's address and the
 * agent's name filled in. Public (a <script> tag sends no Origin); the API calls it makes are where
 * origins are checked. An unknown or disabled widget gets a 404 and the host page stays as it was.
 */
import { eq } from "drizzle-orm";
import { agents } from "../db/schema/index.ts";
import client from "../widget/client.js" with { type: "text" };
import type { WidgetDeps, WidgetGuard } from "./guard.ts";
import { WidgetError } from "./http.ts";

export async function widgetScript(deps: WidgetDeps, guard: WidgetGuard, file: string, request: Request): Promise<Response> {
  const id = /^(.+)\.js$/.exec(file)?.[1] ?? "";
  let widget;
  try {
    widget = guard.find(id);
  } catch (e) {
    if (!(e instanceof WidgetError)) throw e;
    return new Response(`/* ${e.message} */\n`, { status: e.status, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" } });
  }
  const [agent] = await widget.db.withTenant(widget.tenantId, (tx) => tx.select({ name: agents.name }).from(agents).where(eq(agents.id, widget.agentId)));
  const base = (deps.config.server.public_url || new URL(request.url).origin).replace(/\/$/, "");
  const cfg = { id, base, title: `Chat with ${agent?.name ?? "us"}`, maxChars: deps.config.widget.max_chars, maxFiles: deps.config.widget.max_files, maxFileMb: deps.config.widget.max_file_mb };
  // JSON in a script: "<" escaped so no name can close a tag or open a comment.
  const body = client.replace("__KONSTRUCT_WIDGET__", () => JSON.stringify(cfg).replace(/</g, "\\u003c"));
  return new Response(body, {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300", "cross-origin-resource-policy": "cross-origin" },
  });
}
