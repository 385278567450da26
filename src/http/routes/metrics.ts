/**
 * GET /metrics: Prometheus text exposition of this instance's registry. With `metrics.token` set a
 * scrape must carry it as a bearer token (compared in constant time); with `metrics.port` set the
 * main listener does not serve /metrics at all (create-app.ts serves it on its own address).
 */
import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import type { Config } from "../../config/schema.ts";
import type { Metrics } from "../metrics.ts";

export async function scrape(metrics: Metrics, token: string, request: Request): Promise<Response> {
  if (token && !bearerMatches(request.headers.get("authorization"), token))
    return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  await metrics.beforeScrape?.();
  return new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } });
}

function bearerMatches(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export const metrics = (deps: { metrics: Metrics; config: Config }) =>
  new Elysia().get("/metrics", ({ request, set }) => {
    if (deps.config.metrics.port > 0) return ((set.status = 404), "not found\n");
    return scrape(deps.metrics, deps.config.metrics.token, request);
  });
