/**
 * POST /hooks/:kind/:channelId — channel webhooks (Slack Events API, Telegram webhook, WhatsApp). The
 * body is left unparsed: signatures are computed over the exact bytes the platform sent.
 * GET /hooks/:kind/:channelId — webhook verification handshakes (Meta's hub.challenge); adapters
 * without a GET handshake answer it like any unsigned request.
 */
import { Elysia } from "elysia";
import type { Connections } from "../../gateway/connections.ts";

export const hooks = (deps: { connections: () => Connections | null }) => {
  const dispatch = async ({ params, request }: { params: { kind: string; channelId: string }; request: Request }) => {
    const connections = deps.connections();
    if (!connections) return Response.json({ error: { code: "unavailable", message: "starting" } }, { status: 503 });
    return connections.handleHttp(params.kind, params.channelId, request);
  };
  return new Elysia().post("/hooks/:kind/:channelId", dispatch, { parse: "none" }).get("/hooks/:kind/:channelId", dispatch);
};
