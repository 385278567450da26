/**
 * The admin console and admin API, on one screen. Everything here runs behind adminAuth
 * (principal, CSRF, first-run redirect); every handler calls a guard from access.ts/principal.ts.
 *
 *   GET  /setup                      create the first platform admin (404 once one exists)
 *   POST /setup
 *   GET  /login, POST /login         sign in (throttled per account and IP)
 *   POST /logout                     end the session server-side
 *   GET  /invite/:token, POST        accept an invitation: set a password, signed in
 *   GET  /admin                      dashboard (placeholder until the pages land)
 *   GET  /admin/users, POST /admin/users/invite, POST /admin/users/:id/delete,
 *        POST /admin/invitations/:id/revoke
 *   GET  /admin/tokens, POST /admin/tokens, POST /admin/tokens/:id/revoke
 *   GET  /admin/api                  API docs page
 *   /api/v1/*                        JSON admin API (api/routes.ts), GET /api/v1/openapi.json
 */
import { Elysia } from "elysia";
import { adminApi } from "./api/routes.ts";
import { type AdminAuthDeps, adminAuth } from "./auth/plugin.ts";
import { apiDocsPage } from "./pages/api-docs.tsx";
import { dashboardPage } from "./pages/dashboard.tsx";
import { invitePage } from "./pages/invite.tsx";
import { loginPage } from "./pages/login.tsx";
import { logoutRoute } from "./pages/logout.ts";
import { setupPage } from "./pages/setup.tsx";
import { tokensPage } from "./pages/tokens.tsx";
import { usersPage } from "./pages/users.tsx";

export type AdminDeps = AdminAuthDeps;

export function adminConsole(deps: AdminDeps) {
  return (
    new Elysia()
      .use(adminAuth(deps))
      // --- part A: auth, accounts, API ---
      .use(setupPage(deps))
      .use(loginPage(deps))
      .use(logoutRoute(deps))
      .use(invitePage(deps))
      .use(dashboardPage(deps))
      .use(usersPage(deps))
      .use(tokensPage(deps))
      .use(apiDocsPage(deps))
      .use(adminApi(deps))
    // --- part B: pages ---
  );
}
