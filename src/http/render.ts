/**
 * htmx convention (Pagoda): a non-boosted HX-Request gets the page partial, anything else gets the
 * page wrapped in the full layout. Pages pass their Elysia context so the layout can show the
 * signed-in user's navigation and carry the CSRF token (adminAuth resolves both).
 */
import { Layout } from "../../views/layouts/base.tsx";
import type { Principal } from "../admin/auth/principal.ts";

export interface RenderContext {
  request: Request;
  principal?: Principal | null;
  csrfToken?: string;
}

export function isPartialRequest(request: Request): boolean {
  return request.headers.get("hx-request") === "true" && request.headers.get("hx-boosted") !== "true";
}

export function render(ctx: Request | RenderContext, page: JSX.Element, title = "Konstruct", status = 200): Response {
  const c: RenderContext = ctx instanceof Request ? { request: ctx } : ctx;
  const path = new URL(c.request.url).pathname;
  const html = isPartialRequest(c.request)
    ? String(page)
    : `<!doctype html>${Layout({ title, principal: c.principal ?? null, csrfToken: c.csrfToken ?? "", path, children: page })}`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * After a form post (303: the browser follows with GET) or a guard. htmx requests get HX-Redirect
 * so the whole page changes instead of a fragment being swapped for it.
 */
export function redirect(request: Request, location: string, status = 303): Response {
  if (request.headers.get("hx-request") === "true") return new Response(null, { status: 200, headers: { "hx-redirect": location } });
  return new Response(null, { status, headers: { location } });
}
