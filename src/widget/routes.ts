/**
 * The website chat widget's public routes (outside the admin console's auth; docs/widget.md):
 *   GET     /widget/:id.js           the script the snippet loads (script.ts)
 *   POST    /widget/:id/session      a new anonymous visitor's token            (api.ts)
 *   POST    /widget/:id/messages     one visitor message into the pipeline       (api.ts)
 *   POST    /widget/:id/poll         the visitor's chat, waiting for a pending reply (api.ts)
 *   OPTIONS /widget/:id/:call        CORS preflight: allowed origins only
 * Every call is checked by guard.ts (widget, origin, limits, token); errors are JSON
 * `{ error: { code, message } }` with CORS for the asking origin, so the widget can show why.
 */
import { Elysia } from "elysia";
import { newSession, poll, sendMessage } from "./api.ts";
import { type WidgetDeps, widgetGuard } from "./guard.ts";
import { cors, failure, WidgetError } from "./http.ts";
import { widgetScript } from "./script.ts";

export function widgetRoutes(deps: WidgetDeps) {
  const guard = widgetGuard(deps);
  const answer = async (request: Request, fn: () => Promise<Response>) => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WidgetError) return failure(e, request.headers.get("origin"));
      deps.log.error({ err: e }, "widget request failed");
      return failure(new WidgetError(500, "internal", "Something went wrong; try again in a moment."), request.headers.get("origin"));
    }
  };
  const CALLS: Record<string, (id: string, request: Request) => Promise<Response>> = {
    session: (id, request) => newSession(guard, id, request),
    messages: (id, request) => sendMessage(deps, guard, id, request),
    poll: (id, request) => poll(guard, id, request),
  };
  return new Elysia()
    .get("/widget/:file", ({ params, request }) => widgetScript(deps, guard, params.file, request))
    .post("/widget/:id/:call", ({ params, request }) => {
      const call = CALLS[params.call];
      return answer(request, () => (call ? call(params.id, request) : Promise.reject(new WidgetError(404, "not_found", "no such call"))));
    }, { parse: "none" })
    // A refused preflight carries no CORS headers at all: the browser then refuses the call itself.
    .options("/widget/:id/:call", ({ params, request }) => {
      const origin = request.headers.get("origin");
      let allowed = false;
      try {
        allowed = !!origin && guard.find(params.id).adapter.origins.has(origin);
      } catch {}
      if (!allowed) return new Response(null, { status: 403, headers: { vary: "Origin" } });
      return new Response(null, {
        status: 204,
        headers: { ...cors(origin), "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type", "access-control-max-age": "600" },
      });
    });
}
