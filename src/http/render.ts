/**
 * htmx convention (Pagoda): a non-boosted HX-Request gets the page partial, anything else gets the
 * page wrapped in the full layout.
 */
import { Layout } from "../../views/layouts/base.tsx";

export function isPartialRequest(request: Request): boolean {
  return request.headers.get("hx-request") === "true" && request.headers.get("hx-boosted") !== "true";
}

export function render(request: Request, page: JSX.Element, title = "Konstruct"): Response {
  const html = isPartialRequest(request) ? String(page) : `<!doctype html>${Layout({ title, children: page })}`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
