/**
 * POST /hooks/trigger/:id — event trigger webhooks (src/triggers/). The body is left unparsed:
 * the receiver bounds it, verifies the signature over the exact bytes, then parses.
 */
import { Elysia } from "elysia";
import type { Triggers } from "../../triggers/index.ts";

export const triggerHooks = (deps: { triggers: () => Triggers | null }) =>
  new Elysia().post(
    "/hooks/trigger/:id",
    async ({ params, request }) => {
      const triggers = deps.triggers();
      if (!triggers) return Response.json({ error: { code: "unavailable", message: "starting" } }, { status: 503 });
      return triggers.receive(params.id, request);
    },
    { parse: "none" },
  );
