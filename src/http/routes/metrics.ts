/** GET /metrics: Prometheus text exposition of this instance's registry. */
import { Elysia } from "elysia";
import type { Metrics } from "../metrics.ts";

export const metrics = (deps: { metrics: Metrics }) =>
  new Elysia().get("/metrics", async () => {
    const body = await deps.metrics.registry.metrics();
    return new Response(body, { headers: { "content-type": deps.metrics.registry.contentType } });
  });
