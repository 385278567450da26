/**
 * adminAuth(deps): resolves, for every request of the routes registered after it, who is asking
 * and the CSRF token their forms must carry, and guards those routes:
 *   - principal: from the session cookie, or on /api/* from `Authorization: Bearer kpat_…`
 *   - csrfToken: for the layout (hx-headers) and forms (`_csrf`); "" for bearer calls
 *   - first run: until a platform admin exists every page answers with a redirect to /setup
 *   - CSRF: a POST/PUT/PATCH/DELETE that did not authenticate with a bearer token must present
 *     the token (X-CSRF-Token header or _csrf field), else 403 — signed in or not (login CSRF);
 *     only a signed-out call to /api/* is let through, to its 401.
 * Routes registered before it (/static, /healthz, /readyz, /metrics, /hooks) are untouched.
 * It is named, so plugins that `.use(adminAuth(deps))` again for its types do not run it twice.
 */
import { Elysia } from "elysia";
import type { Logger } from "pino";
import type { Config } from "../../config/schema.ts";
import type { Database } from "../../db/database.ts";
import { KonstructError } from "../../errors.ts";
import { redirect } from "../../http/render.ts";
import type { SecretBox } from "../../secrets/box.ts";
import { tokenPrincipal } from "../accounts/access-tokens.ts";
import { sessionPrincipal } from "../accounts/sessions.ts";
import { platformAdminExists } from "../accounts/users.ts";
import { type ClientInfo, clientInfo } from "./client.ts";
import { CSRF_FIELD, CSRF_HEADER, csrfToken, csrfValid, isStateChanging } from "./csrf.ts";
import type { Principal } from "./principal.ts";
import { newSecretToken } from "./secret-token.ts";
import { pickLocale, rememberLocale } from "../../i18n/i18n.ts";

export const SESSION_COOKIE = "konstruct_session";
/** Open to a session that must still enrol a second factor (besides /admin/two-factor…). */
const ENROL_PATHS = new Set(["/logout", "/admin/account/locale"]);
export const BROWSER_COOKIE = "konstruct_csrf";

export interface AdminAuthDeps {
  config: Config;
  log: Logger;
  /** Null until the database is open and migrated. */
  db: () => Database | null;
  secrets: () => SecretBox | null;
  peer: (request: Request) => string | null;
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
}

export const cookieOptions = (client: ClientInfo): CookieOptions => ({ httpOnly: true, sameSite: "lax", secure: client.https, path: "/" });

/**
 * One instance per app (keyed by its deps): every page plugin `.use()`s it for the types, and
 * sharing the instance keeps that from costing an Elysia instance per plugin.
 */
const instances = new WeakMap<AdminAuthDeps, ReturnType<typeof buildAdminAuth>>();

export function adminAuth(deps: AdminAuthDeps) {
  let plugin = instances.get(deps);
  if (!plugin) instances.set(deps, (plugin = buildAdminAuth(deps)));
  return plugin;
}

function buildAdminAuth(deps: AdminAuthDeps) {
  const ttlMs = deps.config.admin.session_ttl_hours * 3_600_000;
  let csrfKey: Uint8Array | null = null;
  // Once a platform admin exists it is never the first run again (the last one cannot be removed).
  let setUp = false;

  return new Elysia({ name: "admin-auth" })
    .resolve({ as: "scoped" }, async ({ request, cookie }) => {
      const db = deps.db();
      const client = clientInfo(deps.config, request, deps.peer(request));
      let principal: Principal | null = null;
      let authVia: "session" | "bearer" | null = null;
      let sessionId: string | null = null;
      const authorization = request.headers.get("authorization");
      if (authorization && new URL(request.url).pathname.startsWith("/api/")) {
        authVia = "bearer";
        const m = /^Bearer\s+(\S+)$/i.exec(authorization);
        principal = db && m ? await tokenPrincipal(db, m[1]!) : null;
      } else {
        const sid = cookie[SESSION_COOKIE]?.value;
        if (db && typeof sid === "string" && sid) principal = await sessionPrincipal(db, sid, ttlMs);
        if (principal) (authVia = "session"), (sessionId = sid as string);
      }
      // The viewer's language, for the handler and for an error page rendered after it (src/i18n).
      rememberLocale(request, pickLocale(principal?.locale, request.headers.get("accept-language")));
      let binding = sessionId ? `s:${sessionId}` : "";
      if (!binding && authVia !== "bearer") {
        let browser = cookie[BROWSER_COOKIE]?.value;
        if (typeof browser !== "string" || !browser) {
          browser = newSecretToken();
          cookie[BROWSER_COOKIE]!.set({ value: browser, ...cookieOptions(client) });
        }
        binding = `b:${browser}`;
      }
      csrfKey ??= deps.secrets()?.deriveKey("csrf") ?? null;
      const token = csrfKey && binding ? csrfToken(csrfKey, binding) : "";
      return { principal, csrfToken: token, authVia, sessionId, client, csrfBinding: binding };
    })
    .onBeforeHandle({ as: "scoped" }, async ({ request, body, authVia, csrfBinding, path, principal }) => {
      if (!setUp) {
        const db = deps.db();
        if (db) setUp = await platformAdminExists(db);
        if (db && !setUp && path !== "/setup" && path !== "/api/v1/openapi.json") {
          if (path.startsWith("/api/")) throw new KonstructError("unauthorized", "no admin exists yet: open /setup in a browser");
          return redirect(request, "/setup", 302);
        }
      }
      // A tenant that requires two-factor: a session without it reaches only enrolment and sign-out.
      if (principal?.mustEnrol && authVia === "session" && !ENROL_PATHS.has(path) && !path.startsWith("/admin/two-factor")) {
        if (path.startsWith("/api/")) throw new KonstructError("forbidden", "your tenant requires two-factor sign-in: set it up under /admin/two-factor first");
        if (path.startsWith("/admin")) return redirect(request, "/admin/two-factor", isStateChanging(request.method) ? 303 : 302);
      }
      // A forged request borrows the browser's session; an API call without one has no authority
      // to borrow and gets its 401 from the handler.
      if (!isStateChanging(request.method) || authVia === "bearer" || (!principal && path.startsWith("/api/"))) return;
      const presented = request.headers.get(CSRF_HEADER) ?? (body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!csrfKey || !csrfValid(csrfKey, csrfBinding, presented))
        throw new KonstructError("forbidden", "CSRF token missing or invalid: reload the page and try again");
    });
}
