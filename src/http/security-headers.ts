/**
 * Headers on every response (set in onRequest, so handlers' own Responses, redirects and error
 * pages all carry them). The CSP allows no inline script, no eval and no inline style: the console
 * runs only /static/htmx.min.js and /static/app.js, and htmx is told (views/layouts/base.tsx) not
 * to eval attributes or inject its indicator style. Framing is refused twice (CSP and the legacy
 * header) against clickjacking of the console's buttons.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // The empty favicon is a data: URL; the usage charts are inline SVG.
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

export function setSecurityHeaders(headers: Record<string, unknown>): void {
  Object.assign(headers, SECURITY_HEADERS);
}
