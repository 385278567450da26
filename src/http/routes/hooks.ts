/**
 * POST /hooks/:kind/:channelId — channel webhooks (Slack Events API, Telegram webhook). The body is
 * left unparsed: signatures are computed over the exact bytes the platform sent.
 */
import { Elysia } from "elysia";
import type { Connections } from "../../gateway/connections.ts";

export const hooks = (deps: { connections: () => Connections | null }) =>
  new Elysia().post(
    "/hooks/:kind/:channelId",
    async ({ params, request }) => {
      const connections = deps.connections();
      if (!connections) return Response.json({ error: { code: "unavailable", message: "starting" } }, { status: 503 });
      return connections.handleHttp(params.kind, params.channelId, request);
    },
    { parse: "none" },
  );
