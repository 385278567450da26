/** @jsxImportSource @kitajs/html */
/**
 * The full-page layout; partial (htmx) responses skip it. Everything it links is served from the
 * binary. Signed in, it shows the areas the role may use and puts the CSRF token on <body> as
 * hx-headers, so every htmx request carries it; plain forms carry it as a `_csrf` field.
 */
import type { Children } from "@kitajs/html";
import { AREAS, mayUse } from "../../src/admin/access.ts";
import type { Principal } from "../../src/admin/auth/principal.ts";
import { locale, type MessageKey, t } from "../../src/i18n/i18n.ts";

export interface LayoutProps {
  title: string;
  principal?: Principal | null;
  csrfToken?: string;
  /** The current path, to mark the active navigation entry. */
  path?: string;
  children: Children;
}

export function Layout(props: LayoutProps): JSX.Element {
  const p = props.principal ?? null;
  const headers = props.csrfToken ? JSON.stringify({ "X-CSRF-Token": props.csrfToken }) : undefined;
  return (
    <html lang={locale()}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{props.title}</title>
        <link rel="stylesheet" href="/static/app.css" />
        {/* No favicon: an empty one keeps browsers from asking for /favicon.ico (a 404 on every page). */}
        <link rel="icon" href="data:," />
        {/* The CSP (http/security-headers.ts) forbids eval and inline style: htmx must use neither. */}
        <meta name="htmx-config" content='{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false}' />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body hx-headers={headers}>
        <a class="skip-link" href="#main">{t("layout.skip")}</a>
        <header class="topbar">
          <a href={p ? "/admin" : "/"} class="brand">{t("base.konstruct")}</a>
          {p && (
            <form method="post" action="/logout" class="signout">
              <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
              <a href="/admin/password" class="muted" title={t("layout.account")} safe>{p.email}</a> <button type="submit">{t("layout.signOut")}</button>
            </form>
          )}
        </header>
        {p && <Nav principal={p} path={props.path ?? ""} />}
        <main id="main" tabindex="-1">{props.children}</main>
      </body>
    </html>
  );
}

function Nav(props: { principal: Principal; path: string }): JSX.Element {
  const active = (href: string) => props.path === href || (href !== "/admin" && props.path.startsWith(`${href}/`));
  return (
    <nav class="nav" aria-label={t("layout.mainNav")}>
      <ul>
        {AREAS.filter((a) => a.area !== "api" && mayUse(props.principal, a.area)).map((a) => (
          <li>
            <a href={a.href} aria-current={active(a.href) ? "page" : undefined}>{t(`nav.${a.area}` as MessageKey)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
