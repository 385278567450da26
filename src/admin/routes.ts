/**
 * The admin console and admin API, on one screen. Everything here runs behind adminAuth
 * (principal, CSRF, first-run redirect); every handler starts with a guard from access.ts or
 * auth/principal.ts. Handlers are loaded on first use (lazy.ts): an idle appliance carries none of
 * the console's code. Pages built as Elysia plugins (`new Elysia().use(adminAuth(deps)).get(…)`)
 * work too: `.use()` them in adminConsole below.
 */
import { Elysia } from "elysia";
import { type AdminAuthDeps, adminAuth } from "./auth/plugin.ts";
import { type LazyRoute, lazyRoute as r } from "./lazy.ts";

const pages = () => import("./pages/index.ts");
const api = () => import("./api/index.ts");
const TENANT = "/api/v1/tenants/:tenantId";

export const ADMIN_ROUTES: LazyRoute[] = [
  // first run, sign-in, invitations
  r("GET", "/setup", async () => (await pages()).showSetup), // 404 once a platform admin exists
  r("POST", "/setup", async () => (await pages()).submitSetup),
  r("GET", "/login", async () => (await pages()).showLogin),
  r("POST", "/login", async () => (await pages()).submitLogin), // throttled per account and IP
  r("POST", "/logout", async () => (await pages()).logout),
  r("GET", "/invite/:token", async () => (await pages()).showInvite),
  r("POST", "/invite/:token", async () => (await pages()).acceptInvite),
  // console pages
  r("GET", "/admin", async () => (await pages()).showDashboard), // placeholder until the dashboard lands
  r("GET", "/admin/users", async () => (await pages()).listUsersPage),
  r("POST", "/admin/users/invite", async () => (await pages()).inviteUser),
  r("POST", "/admin/users/:id/delete", async () => (await pages()).removeUser),
  r("POST", "/admin/invitations/:id/revoke", async () => (await pages()).revokeInvite),
  r("GET", "/admin/tokens", async () => (await pages()).listTokens),
  r("POST", "/admin/tokens", async () => (await pages()).createToken),
  r("POST", "/admin/tokens/:id/revoke", async () => (await pages()).revokeToken),
  r("GET", "/admin/api", async () => (await pages()).showApiDocs),
  // admin API (JSON; bearer personal access token or session), described in api/openapi.ts
  r("GET", "/api/v1/openapi.json", async () => (await api()).openApiDocument),
  r("GET", "/api/v1/me", async () => (await api()).me),
  r("GET", "/api/v1/tenants", async () => (await api()).listTenants),
  r("POST", "/api/v1/tenants", async () => (await api()).createTenant),
  r("GET", TENANT, async () => (await api()).getTenant),
  r("PATCH", TENANT, async () => (await api()).renameTenant),
  r("DELETE", TENANT, async () => (await api()).deleteTenant),
  r("GET", `${TENANT}/agents`, async () => (await api()).listAgents),
  r("POST", `${TENANT}/agents`, async () => (await api()).createAgent),
  r("GET", `${TENANT}/agents/:id`, async () => (await api()).getAgent),
  r("PATCH", `${TENANT}/agents/:id`, async () => (await api()).patchAgent),
  r("DELETE", `${TENANT}/agents/:id`, async () => (await api()).deleteAgent),
  r("GET", `${TENANT}/channels`, async () => (await api()).listChannels), // never credentials
  r("GET", `${TENANT}/channels/:id`, async () => (await api()).getChannel),
  r("GET", `${TENANT}/conversations`, async () => (await api()).listConversations),
  r("GET", `${TENANT}/conversations/:id`, async () => (await api()).getConversation),
  r("GET", `${TENANT}/audit`, async () => (await api()).listAudit),
  r("GET", `${TENANT}/usage`, async () => (await api()).getUsage),
];

export type AdminDeps = AdminAuthDeps;

export function adminConsole(deps: AdminDeps) {
  const app = new Elysia().use(adminAuth(deps));
  for (const route of ADMIN_ROUTES)
    app.route(route.method, route.path, async (ctx) => (await route.load())(deps, ctx as never));
  // --- part B: pages (Elysia plugins) ---
  return app;
}
