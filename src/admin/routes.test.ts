/**
 * Every route behind admin auth × every kind of caller, as a table. The route list comes from the
 * router itself: a route without a row here (or a row without a route) fails the test, so a new
 * page or endpoint cannot ship unguarded by accident. Each API row runs twice — with a console
 * session (CSRF header on writes) and with a personal access token — because the role rules must
 * be the same either way. Every response body is also scanned for the seeded secrets.
 *
 * Columns: anonymous, operator (acme), tenant admin of globex, tenant admin (acme), platform admin.
 * Pages answer a signed-out browser with 302 → /login?next=…, its form posts with 303 → /login;
 * the API with 401.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { agents, approvals, channels, conversations, inboundEvents, memories, outboundMessages, tenantLlmProviders, tenants } from "../db/schema/index.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import {
  anonymousBrowser,
  type Browser,
  browser,
  type ConsoleFixture,
  consoleFixture,
  SEEDED_SECRETS,
  signIn,
  WHO,
  type Who,
} from "../../test/support/admin.ts";
import { createAccessToken } from "./accounts/access-tokens.ts";
import { createApiKey } from "../openai/keys.ts";
import { writeSkillText } from "../skills/tenant.ts";
import { saveStoredServer } from "../tools/mcp-store.ts";
import { recordSkillVersion } from "../versions/skill.ts";
import { createInvitation } from "./accounts/invitations.ts";
import { createUser } from "./accounts/users.ts";

/** Registered before admin auth, deliberately public (see src/http/routes.ts). */
// /v1/* has its own API keys (src/openai/; test/e2e/openai-api.test.ts).
const OUTSIDE_ADMIN_AUTH = ["GET /healthz", "GET /readyz", "GET /metrics", "GET /static/:file", "POST /hooks/trigger/:id", "POST /hooks/:kind/:channelId", "GET /hooks/:kind/:channelId", "GET /v1/models", "POST /v1/chat/completions", "GET /widget/:file", "OPTIONS /widget/:id/:call", "POST /widget/:id/:call"];

type Expect = [anonymous: number, operator: number, otherAdmin: number, tenantAdmin: number, platformAdmin: number];
interface Row {
  route: string;
  expect: Expect;
  /** Path parameters, made fresh per call when the request consumes or destroys what it names. */
  params?: (f: Ctx, who: Who) => Promise<Record<string, string>> | Record<string, string>;
  body?: (f: Ctx, who: Who) => Record<string, unknown>;
  /** A multipart body instead (uploads), sent the same way with a session or a token. */
  multipart?: () => FormData;
  /** A query string for the path (`?tenant=…`: the console's pages take the tenant from it). */
  query?: (f: Ctx) => string;
  /** A fresh browser (signed in as `who`) for this request: it ends or replaces the session. */
  freshSession?: boolean;
}

interface Ctx extends ConsoleFixture {
  agentId: string;
  channelId: string;
  conversationId: string;
  documentId: string;
}

let n = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${n++}`;
const uiTenant = async (f: Ctx) => {
  const [t] = await f.app().db.platform((tx) => tx.insert(tenants).values({ slug: unique("t-"), name: "Throwaway" }).returning({ id: tenants.id }));
  return t!.id;
};
let freshCoordinator = "";
const uiAgent = async (f: Ctx) => {
  const [a] = await f.app().db.withTenant(f.acme, (tx) => tx.insert(agents).values({ tenantId: f.acme, slug: unique("a-"), name: "Temp" }).returning({ id: agents.id }));
  return a!.id;
};
const invitation = async (f: Ctx) =>
  createInvitation(f.app().db, { email: `${unique("inv")}@acme.test`, role: "operator", tenantId: f.acme, invitedBy: f.userIds.tenantAdmin, ttlHours: 1 });

const ALL = (code: number): Expect => [code, code, code, code, code];
const PAGE_ANY: Expect = [302, 200, 200, 200, 200];
const PAGE_ADMIN: Expect = [302, 403, 200, 200, 200];
const API_READ_OWN: Expect = [401, 200, 403, 200, 200];
const API_ADMIN_OWN: Expect = [401, 403, 403, 200, 200];

const ROWS: Row[] = [
  { route: "GET /", expect: ALL(200) },
  { route: "GET /setup", expect: ALL(404) },
  { route: "POST /setup", expect: ALL(404), body: () => ({ email: "late@example.com", password: "long enough pw", confirm: "long enough pw" }) },
  { route: "GET /login", expect: [200, 302, 302, 302, 302] },
  { route: "POST /login", expect: ALL(303), freshSession: true, body: (f) => ({ email: f.emails.operator, password: "correct horse battery" }) },
  { route: "POST /logout", expect: ALL(303), freshSession: true },
  { route: "GET /login/oidc", expect: ALL(404) }, // no admin.oidc here; the flow is in pages/oidc.test.ts
  { route: "GET /login/oidc/callback", expect: ALL(404) },
  // No pending password step in these browsers: back to /login (the step itself: pages/two-factor.test.ts).
  { route: "GET /login/two-factor", expect: ALL(303) },
  { route: "POST /login/two-factor", expect: ALL(303), body: () => ({ code: "123456" }) },
  { route: "GET /login/forgot", expect: ALL(200) },
  { route: "POST /login/forgot", expect: ALL(503), body: () => ({ email: "ops@acme.test" }) }, // no smtp.host here; mail in pages/reset.test.ts
  { route: "GET /login/reset/:token", expect: ALL(404), params: async () => ({ token: "not.a.link" }) },
  { route: "POST /login/reset/:token", expect: ALL(404), params: async () => ({ token: "not.a.link" }), body: () => ({ password: "x", confirm: "x" }) },
  { route: "GET /invite/:token", expect: ALL(200), params: async (f) => ({ token: (await invitation(f)).token }) },
  {
    route: "POST /invite/:token",
    expect: ALL(303),
    freshSession: true,
    params: async (f) => ({ token: (await invitation(f)).token }),
    body: () => ({ password: "new user password", confirm: "new user password" }),
  },
  { route: "GET /admin", expect: PAGE_ANY },
  { route: "GET /admin/*", expect: ALL(404) }, // any other /admin address: a 404 in the viewer's language (http/errors.test.ts)
  { route: "GET /admin/start", expect: PAGE_ANY },
  { route: "GET /admin/start/steps", expect: PAGE_ANY },
  { route: "GET /admin/users", expect: PAGE_ADMIN },
  {
    route: "POST /admin/users/invite",
    expect: [303, 403, 403, 200, 200],
    body: (f) => ({ email: `${unique("new")}@acme.test`, role: "operator", tenant_id: f.acme }),
  },
  {
    route: "POST /admin/users/:id/delete",
    expect: [303, 403, 404, 303, 303],
    params: async (f) => ({ id: (await createUser(f.app().db, { email: `${unique("del")}@acme.test`, password: "long enough pw", role: "operator", tenantId: f.acme })).id }),
  },
  {
    route: "POST /admin/users/:id/role",
    expect: [303, 403, 404, 303, 303],
    body: () => ({ role: "tenant_admin" }),
    params: async (f) => ({ id: (await createUser(f.app().db, { email: `${unique("role")}@acme.test`, password: "long enough pw", role: "operator", tenantId: f.acme })).id }),
  },
  {
    route: "POST /admin/users/:id/two-factor/reset",
    expect: [303, 403, 404, 303, 303],
    params: async (f) => ({ id: (await createUser(f.app().db, { email: `${unique("tfa")}@acme.test`, password: "long enough pw", role: "operator", tenantId: f.acme })).id }),
  },
  // The rule left off (on, it would send these sessions to enrolment).
  { route: "POST /admin/users/two-factor-policy", expect: [303, 403, 403, 303, 303], body: (f) => ({ tenant_id: f.acme }) },
  { route: "POST /admin/invitations/:id/revoke", expect: [303, 403, 404, 303, 303], params: async (f) => ({ id: (await invitation(f)).id }) },
  { route: "GET /admin/tokens", expect: PAGE_ANY },
  { route: "POST /admin/tokens", expect: [303, 200, 200, 200, 200], body: () => ({ name: "ci" }) },
  {
    // Always a token of the acme tenant admin: only its owner may revoke it.
    route: "POST /admin/tokens/:id/revoke",
    expect: [303, 404, 404, 303, 404],
    params: async (f) => ({ id: (await createAccessToken(f.app().db, f.userIds.tenantAdmin, "x")).id }),
  },
  { route: "GET /admin/api", expect: PAGE_ANY },
  { route: "GET /admin/password", expect: PAGE_ANY },
  // A wrong current password: refused for everyone signed in (the change itself: pages/password.test.ts).
  { route: "POST /admin/password", expect: [303, 400, 400, 400, 400], body: () => ({ current: "not the password", password: "x", confirm: "x" }) },
  // Anyone signed in chooses their own language ("" = the browser's; the rest: pages/account-locale.test.ts).
  { route: "POST /admin/account/locale", expect: ALL(303), body: () => ({ locale: "" }) },
  // Anyone signed in, their own second factor: started, a wrong first code, nothing to renew or turn off.
  { route: "GET /admin/two-factor", expect: PAGE_ANY },
  { route: "POST /admin/two-factor/start", expect: ALL(303) },
  { route: "POST /admin/two-factor/confirm", expect: [303, 400, 400, 400, 400], body: () => ({ code: "000000" }) },
  { route: "POST /admin/two-factor/recovery", expect: ALL(303) },
  { route: "POST /admin/two-factor/disable", expect: ALL(303), body: () => ({ code: "000000" }) },
  ...CONSOLE_ROWS(),
  ...KB_ROWS(),
  { route: "GET /api/v1/openapi.json", expect: ALL(200) },
  { route: "GET /api/v1/me", expect: [401, 200, 200, 200, 200] },
  { route: "GET /api/v1/tenants", expect: [401, 200, 200, 200, 200] },
  { route: "POST /api/v1/tenants", expect: [401, 403, 403, 403, 201], body: () => ({ slug: unique("new-"), name: "New" }) },
  { route: "GET /api/v1/tenants/:tenantId", expect: API_READ_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "PATCH /api/v1/tenants/:tenantId", expect: [401, 403, 403, 403, 200], params: async (f) => ({ tenantId: await uiTenant(f) }), body: () => ({ name: "Renamed" }) },
  { route: "DELETE /api/v1/tenants/:tenantId", expect: [401, 403, 403, 403, 204], params: async (f) => ({ tenantId: await uiTenant(f) }) },
  { route: "GET /api/v1/tenants/:tenantId/agents", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "POST /api/v1/tenants/:tenantId/agents", expect: [401, 403, 403, 201, 201], params: (f) => ({ tenantId: f.acme }), body: () => ({ slug: unique("ag-"), name: "New" }) },
  { route: "GET /api/v1/tenants/:tenantId/agents/:id", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme, id: f.agentId }) },
  { route: "PATCH /api/v1/tenants/:tenantId/agents/:id", expect: API_ADMIN_OWN, params: async (f) => ({ tenantId: f.acme, id: await uiAgent(f) }), body: () => ({ persona: "calm" }) },
  { route: "DELETE /api/v1/tenants/:tenantId/agents/:id", expect: [401, 403, 403, 204, 204], params: async (f) => ({ tenantId: f.acme, id: await uiAgent(f) }) },
  { route: "GET /api/v1/tenants/:tenantId/channels", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "GET /api/v1/tenants/:tenantId/channels/:id", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme, id: f.channelId }) },
  { route: "GET /api/v1/tenants/:tenantId/teams", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme }) },
  // params run before body: a fresh coordinator each time (an agent coordinates at most one team).
  { route: "POST /api/v1/tenants/:tenantId/teams", expect: [401, 403, 403, 201, 201], params: async (f) => ((freshCoordinator = await uiAgent(f)), { tenantId: f.acme }), body: () => ({ slug: unique("t-"), name: "T", coordinator_id: freshCoordinator }) },
  { route: "GET /api/v1/tenants/:tenantId/teams/:id", expect: API_ADMIN_OWN, params: async (f) => ({ tenantId: f.acme, id: await aTeam(f) }) },
  { route: "PATCH /api/v1/tenants/:tenantId/teams/:id", expect: API_ADMIN_OWN, params: async (f) => ({ tenantId: f.acme, id: await aTeam(f) }), body: () => ({ max_fanout: 5 }) },
  { route: "DELETE /api/v1/tenants/:tenantId/teams/:id", expect: [401, 403, 403, 204, 204], params: async (f) => ({ tenantId: f.acme, id: await aTeam(f) }) },
  { route: "GET /api/v1/tenants/:tenantId/conversations", expect: API_READ_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "GET /api/v1/tenants/:tenantId/conversations/:id", expect: API_READ_OWN, params: (f) => ({ tenantId: f.acme, id: f.conversationId }) },
  { route: "GET /api/v1/tenants/:tenantId/audit", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "GET /api/v1/tenants/:tenantId/usage", expect: API_READ_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "GET /api/v1/tenants/:tenantId/api-keys", expect: API_ADMIN_OWN, params: (f) => ({ tenantId: f.acme }) },
  { route: "POST /api/v1/tenants/:tenantId/api-keys", expect: [401, 403, 403, 201, 201], params: (f) => ({ tenantId: f.acme }), body: () => ({ name: unique("key-") }) },
  { route: "DELETE /api/v1/tenants/:tenantId/api-keys/:id", expect: API_ADMIN_OWN, params: async (f) => ({ tenantId: f.acme, id: (await createApiKey(f.app().db, { tenantId: f.acme, agentId: null, name: "k", createdBy: null })).id }) },
];

/** Part B's pages (tenants, agents, channels, conversations, audit, usage, providers, web chat). */
function CONSOLE_ROWS(): Row[] {
  const acme = (f: Ctx) => `?tenant=${f.acme}`;
  const PLATFORM: Expect = [302, 403, 403, 403, 200];
  const PLATFORM_POST: Expect = [303, 403, 403, 403, 303];
  const ADMIN: Expect = [302, 403, 403, 200, 200];
  const ADMIN_POST: Expect = [303, 403, 403, 303, 303];
  const READ: Expect = [302, 200, 403, 200, 200];
  const OPS_POST: Expect = [303, 303, 403, 303, 303];
  const agentBody = () => ({ name: "Temp", slug: unique("a-"), models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" });
  const tgBody = (f: Ctx) => ({ id: crypto.randomUUID(), kind: "telegram", name: unique("tg-"), agent_id: f.agentId, mode: "polling", bot_token: "42:fresh-token", api_root: "http://127.0.0.1:9" });
  const providerBody = () => ({ id: unique("p-"), kind: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "", timeout_ms: "2000", max_concurrency: "2" });
  const deadChannel = async (f: Ctx) => ({ id: await uiChannel(f) });
  return [
    { route: "GET /admin/tenants", expect: PLATFORM },
    { route: "GET /admin/tenants/new", expect: PLATFORM },
    { route: "GET /admin/tenants/:id", expect: PLATFORM, params: (f) => ({ id: f.acme }) },
    { route: "POST /admin/tenants", expect: PLATFORM_POST, body: () => ({ slug: unique("t-"), name: "New" }) },
    { route: "POST /admin/tenants/:id", expect: PLATFORM_POST, params: async (f) => ({ id: await uiTenant(f) }), body: () => ({ slug: unique("t-"), name: "Renamed" }) },
    { route: "POST /admin/tenants/:id/delete", expect: PLATFORM_POST, params: async (f) => ({ id: await uiTenant(f) }) },
    { route: "GET /admin/agents", expect: ADMIN, query: acme },
    { route: "GET /admin/agents/new", expect: ADMIN, query: acme },
    { route: "GET /admin/agents/:id", expect: ADMIN, query: acme, params: (f) => ({ id: f.agentId }) },
    { route: "POST /admin/agents", expect: ADMIN_POST, query: acme, body: agentBody },
    { route: "POST /admin/agents/:id", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await uiAgent(f) }), body: agentBody },
    { route: "POST /admin/agents/:id/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await uiAgent(f) }) },
    // An invalid form (no model) is refused before any model call: 400 for those allowed, like the row below.
    { route: "POST /admin/agents/new/preview", expect: [303, 403, 403, 400, 400], query: acme, body: () => ({ ...agentBody(), models: "", preview_message: "hello from the table" }) },
    { route: "POST /admin/agents/:id/preview", expect: [303, 403, 403, 200, 200], query: acme, params: (f) => ({ id: f.agentId }), body: () => ({ ...agentBody(), preview_message: "hello from the table" }) },
    { route: "GET /admin/agents/:id/history", expect: ADMIN, query: acme, params: (f) => ({ id: f.agentId }) },
    // The config agent's version 1 is its current one: rolling back to it changes nothing.
    { route: "POST /admin/agents/:id/rollback", expect: ADMIN_POST, query: acme, params: (f) => ({ id: f.agentId }), body: () => ({ version: "1" }) },
    // The seeded channel's History: its page must show no secret (the scan below); its version 1 is current.
    { route: "GET /admin/history/:kind/:id", expect: ADMIN, query: acme, params: (f) => ({ kind: "channel", id: f.channelId }) },
    { route: "POST /admin/history/:kind/:id/rollback", expect: ADMIN_POST, query: acme, params: async (f) => ({ kind: "team", id: await aTeam(f) }), body: () => ({ version: "1" }) },
    { route: "GET /admin/agents/:id/widget", expect: ADMIN, query: acme, params: (f) => ({ id: f.agentId }) },
    { route: "POST /admin/agents/:id/widget", expect: ADMIN_POST, query: acme, params: (f) => ({ id: f.agentId }), body: () => ({ enabled: "on", origins: "https://shop.example.com" }) },
    { route: "GET /admin/channels", expect: ADMIN, query: acme },
    { route: "GET /admin/channels/new", expect: ADMIN, query: (f) => `${acme(f)}&kind=slack` },
    // The seeded Slack channel: its page must show no secret (the scan below).
    { route: "GET /admin/channels/:id", expect: ADMIN, query: acme, params: (f) => ({ id: f.channelId }) },
    { route: "POST /admin/channels", expect: ADMIN_POST, query: acme, body: tgBody },
    { route: "POST /admin/channels/:id", expect: ADMIN_POST, query: acme, params: deadChannel, body: (f) => ({ ...tgBody(f), bot_token: "" }) },
    { route: "POST /admin/channels/:id/test", expect: [303, 403, 403, 200, 200], query: acme, params: deadChannel },
    { route: "POST /admin/channels/:id/delete", expect: ADMIN_POST, query: acme, params: deadChannel },
    { route: "GET /admin/conversations", expect: READ, query: acme },
    { route: "GET /admin/conversations/:id", expect: READ, query: acme, params: (f) => ({ id: f.conversationId }) },
    // No such file: the roles that may read are told 404 (pages/attachment.test.ts downloads a real one).
    { route: "GET /admin/attachments/:id", expect: [302, 404, 403, 404, 404], query: acme, params: () => ({ id: "00000000-0000-4000-8000-000000000000" }) },
    { route: "GET /admin/audit", expect: ADMIN, query: acme },
    { route: "GET /admin/audit.csv", expect: ADMIN, query: acme },
    { route: "GET /admin/audit.json", expect: ADMIN, query: acme },
    { route: "GET /admin/usage", expect: READ, query: acme },
    { route: "GET /admin/providers", expect: ADMIN, query: acme },
    { route: "GET /admin/providers/new", expect: ADMIN, query: (f) => `${acme(f)}&scope=tenant` },
    { route: "POST /admin/providers", expect: ADMIN_POST, query: (f) => `${acme(f)}&scope=tenant`, body: providerBody },
    // The seeded platform provider: its key must not show.
    { route: "GET /admin/providers/:id", expect: PLATFORM, query: () => "?scope=platform", params: () => ({ id: "mock" }) },
    { route: "POST /admin/providers/:id", expect: PLATFORM_POST, query: () => "?scope=platform", params: () => ({ id: "mock" }), body: () => ({ ...providerBody(), id: "mock" }) },
    { route: "POST /admin/providers/:id/test", expect: [303, 403, 403, 403, 200], query: () => "?scope=platform", params: () => ({ id: "mock" }) },
    { route: "POST /admin/providers/:id/delete", expect: ADMIN_POST, query: (f) => `${acme(f)}&scope=tenant`, params: async (f) => ({ id: await uiProvider(f) }) },
    { route: "GET /admin/chat", expect: READ, query: acme },
    { route: "GET /admin/chat/:agentId/log", expect: READ, query: acme, params: (f) => ({ agentId: f.agentId }) },
    { route: "POST /admin/chat/:agentId/messages", expect: [303, 200, 403, 200, 200], query: acme, params: (f) => ({ agentId: f.agentId }), body: () => ({ text: "hello from the table" }) },
    { route: "POST /admin/feedback/:outboundId", expect: [303, 200, 403, 200, 200], query: acme, params: async (f) => ({ outboundId: await anAnswer(f) }), body: () => ({ rating: "up" }) },
    { route: "GET /admin/knowledge", expect: READ, query: acme },
    { route: "GET /admin/knowledge/search", expect: READ, query: acme },
    // Answered with the results (page or htmx partial), not a redirect.
    { route: "POST /admin/knowledge/search", expect: [303, 200, 403, 200, 200], query: acme, body: () => ({ q: "handbook", k: "5", agent_id: "" }) },
    { route: "GET /admin/knowledge/agents/:id", expect: ADMIN, query: acme, params: (f) => ({ id: f.agentId }) },
    { route: "POST /admin/knowledge/agents/:id", expect: ADMIN_POST, query: acme, params: (f) => ({ id: f.agentId }), body: () => ({ mode: "all" }) },
    { route: "GET /admin/knowledge/:id", expect: READ, query: acme, params: (f) => ({ id: f.documentId }) },
    { route: "POST /admin/knowledge/:id/reindex", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await kbDocument(f) }) },
    { route: "POST /admin/knowledge/:id/reextract", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await kbDocument(f) }) },
    { route: "GET /admin/approvals", expect: READ, query: acme },
    { route: "POST /admin/approvals/:id/decide", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await pendingApproval(f) }), body: () => ({ decision: "denied" }) },
    { route: "GET /admin/tasks", expect: READ, query: (f) => `${acme(f)}&status=queued` },
    { route: "GET /admin/tasks/:id", expect: READ, query: acme, params: async (f) => ({ id: await queuedTask(f) }) },
    { route: "POST /admin/tasks/:id/cancel", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await queuedTask(f) }) },
    { route: "GET /admin/schedules", expect: READ, query: acme },
    { route: "POST /admin/schedules/:id/pause", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aSchedule(f) }) },
    { route: "POST /admin/schedules/:id/resume", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aSchedule(f) }) },
    { route: "POST /admin/schedules/:id/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aSchedule(f) }) },
    { route: "GET /admin/people", expect: ADMIN, query: (f) => `${acme(f)}&user=U1` },
    { route: "GET /admin/people/export", expect: ADMIN, query: (f) => `${acme(f)}&user=U1` },
    { route: "POST /admin/people/memories/:id", expect: ADMIN_POST, query: (f) => `${acme(f)}&user=U1`, params: async (f) => ({ id: await aMemory(f) }), body: () => ({ content: `edited ${unique("m")}` }) },
    { route: "POST /admin/people/memories/:id/delete", expect: ADMIN_POST, query: (f) => `${acme(f)}&user=U1`, params: async (f) => ({ id: await aMemory(f) }) },
    // Answered with the page (counts of what was erased), not a redirect.
    { route: "POST /admin/people/erase", expect: [303, 403, 403, 200, 200], query: acme, body: () => ({ user: "U-gone", confirm: "U-gone" }) },
    { route: "GET /admin/teams", expect: ADMIN, query: acme },
    { route: "GET /admin/teams/new", expect: ADMIN, query: acme },
    { route: "GET /admin/teams/:id", expect: ADMIN, query: acme, params: async (f) => ({ id: await aTeam(f) }) },
    // A team without specialists is refused next to its field (400): the handler ran, nothing saved.
    { route: "POST /admin/teams", expect: [303, 403, 403, 400, 400], query: acme, body: (f) => ({ name: "T", slug: unique("t-"), coordinator: f.agentId, max_fanout: "2", members: "" }) },
    { route: "POST /admin/teams/:id", expect: [303, 403, 403, 400, 400], query: acme, params: async (f) => ({ id: await aTeam(f) }), body: (f) => ({ name: "T", slug: unique("t-"), coordinator: f.agentId, max_fanout: "2", members: "" }) },
    { route: "POST /admin/teams/:id/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aTeam(f) }) },
    { route: "GET /admin/api-keys", expect: ADMIN, query: acme },
    // Answered with the page (the new key shown once), not a redirect.
    { route: "POST /admin/api-keys", expect: [303, 403, 403, 200, 200], query: acme, body: () => ({ name: unique("key-"), agent_id: "" }) },
    { route: "POST /admin/api-keys/:id/revoke", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: (await createApiKey(f.app().db, { tenantId: f.acme, agentId: null, name: "k", createdBy: null })).id }) },
    { route: "GET /admin/skills", expect: ADMIN, query: acme },
    // No file chosen: refused next to the form (400), nothing written.
    { route: "POST /admin/skills/upload", expect: [303, 403, 403, 400, 400], query: acme, body: () => ({}) },
    { route: "GET /admin/skills/:name", expect: ADMIN, query: acme, params: () => ({ name: "summarise-thread" }) },
    { route: "POST /admin/skills/:name", expect: ADMIN_POST, query: acme, params: async (f) => ({ name: await aTenantSkill(f) }), body: () => ({ text: routeSkill("route-skill-x") }) },
    { route: "POST /admin/skills/:name/agents", expect: ADMIN_POST, query: acme, params: () => ({ name: "summarise-thread" }), body: (f) => ({ agent: f.agentId }) },
    { route: "GET /admin/skills/:name/history", expect: ADMIN, query: acme, params: async (f) => ({ name: await aTenantSkill(f) }) },
    { route: "POST /admin/skills/:name/rollback", expect: ADMIN_POST, query: acme, params: async (f) => ({ name: await aTenantSkill(f) }), body: () => ({ version: "1" }) },
    { route: "GET /admin/mcp", expect: ADMIN, query: acme },
    { route: "POST /admin/mcp", expect: ADMIN_POST, query: acme, body: () => ({ name: unique("m-"), url: "http://127.0.0.1:9/mcp", headers: "Authorization: Bearer x", timeout_s: "5" }) },
    // Nothing listens there: the page shows why (502), through the guarded fetch.
    { route: "POST /admin/mcp/:name/test", expect: [303, 403, 403, 502, 502], query: acme, params: async (f) => ({ name: await anMcpServer(f) }) },
    { route: "POST /admin/mcp/:name/read-only", expect: ADMIN_POST, query: acme, params: async (f) => ({ name: await anMcpServer(f) }), body: () => ({ tool: "lookup_order" }) },
    { route: "POST /admin/mcp/:name/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ name: await anMcpServer(f) }) },
    { route: "GET /admin/inbox", expect: READ, query: acme },
    { route: "GET /admin/inbox/list", expect: READ, query: (f) => `${acme(f)}&tab=all` },
    { route: "GET /admin/inbox/settings", expect: ADMIN, query: acme },
    // No channel: the destination is removed (inbox only).
    { route: "POST /admin/inbox/settings", expect: ADMIN_POST, query: acme, body: () => ({ channel_id: "", chat: "", timeout_minutes: "0" }) },
    { route: "POST /admin/inbox/hours", expect: ADMIN_POST, query: acme, body: () => ({ timezone: "Europe/Berlin", mon: "09:00-17:00", language: "en" }) },
    { route: "GET /admin/inbox/canned", expect: ADMIN, query: acme },
    { route: "POST /admin/inbox/canned", expect: ADMIN_POST, query: acme, body: () => ({ title: unique("c-"), body: "We will get back to you." }) },
    { route: "POST /admin/inbox/canned/:id/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aCanned(f) }) },
    { route: "GET /admin/inbox/:id", expect: READ, query: acme, params: async (f) => ({ id: await aHandoff(f) }) },
    { route: "GET /admin/inbox/:id/live", expect: READ, query: acme, params: async (f) => ({ id: await aHandoff(f) }) },
    { route: "POST /admin/inbox/:id/take", expect: OPS_POST, query: acme, params: async (f) => ({ id: await aHandoff(f) }) },
    // Not taken: refused with a flash (only the owner replies), nothing sent.
    { route: "POST /admin/inbox/:id/reply", expect: OPS_POST, query: acme, params: async (f) => ({ id: await aHandoff(f) }), body: () => ({ text: "hello", nonce: crypto.randomUUID() }) },
    { route: "POST /admin/inbox/:id/note", expect: OPS_POST, query: acme, params: async (f) => ({ id: await aHandoff(f) }), body: () => ({ text: "a note" }) },
    { route: "POST /admin/inbox/:id/resolve", expect: OPS_POST, query: acme, params: async (f) => ({ id: await aHandoff(f) }), body: () => ({ note: "done" }) },
    { route: "POST /admin/inbox/:id/return", expect: OPS_POST, query: acme, params: async (f) => ({ id: await aHandoff(f) }) },
    { route: "GET /admin/triggers", expect: READ, query: acme },
    // Answered with the page (the new secret shown once), not a redirect.
    { route: "POST /admin/triggers", expect: [303, 403, 403, 200, 200], query: acme, body: (f) => ({ name: unique("t-"), kind: "webhook", scheme: "github", agent_id: f.agentId, channel_id: f.channelId, chat: "C1", filter: "$.action = opened", instruction: "Look at {{ $.url }}" }) },
    { route: "POST /admin/triggers/:id/pause", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aTrigger(f) }) },
    { route: "POST /admin/triggers/:id/resume", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aTrigger(f) }) },
    { route: "POST /admin/triggers/:id/delete", expect: ADMIN_POST, query: acme, params: async (f) => ({ id: await aTrigger(f) }) },
  ];
}

/** The knowledge base (src/http/routes/kb): reading for the tenant's readers, upload and delete for its admins. */
function KB_ROWS(): Row[] {
  const acme = () => ({ tenant: "acme" });
  const doc = async (f: Ctx) => ({ tenant: "acme", id: await kbDocument(f) });
  const files = () => {
    const form = new FormData();
    form.append("file", new Blob([`# Table ${unique("doc")}\n\nA document uploaded by the route table.`], { type: "text/markdown" }), "table.md");
    return form;
  };
  return [
    { route: "GET /api/v1/kb/:tenant/documents", expect: API_READ_OWN, params: acme },
    { route: "POST /api/v1/kb/:tenant/documents", expect: [401, 403, 403, 201, 201], params: acme, multipart: files },
    { route: "GET /api/v1/kb/:tenant/documents/:id", expect: API_READ_OWN, params: (f) => ({ tenant: "acme", id: f.documentId }) },
    { route: "DELETE /api/v1/kb/:tenant/documents/:id", expect: [401, 403, 403, 200, 200], params: doc },
    { route: "GET /api/v1/kb/:tenant/search", expect: API_READ_OWN, params: acme, query: () => "?q=handbook" },
    { route: "GET /kb/:tenant/partials/panel", expect: [302, 200, 403, 200, 200], params: acme },
    { route: "GET /kb/:tenant/partials/documents", expect: [302, 200, 403, 200, 200], params: acme },
    { route: "POST /kb/:tenant/partials/upload", expect: [303, 403, 403, 200, 200], params: acme, multipart: files },
  ];
}

/** A document in acme's knowledge base (stored; embedding runs in the background). */
const kbDocument = async (f: Ctx) => {
  const bytes = new TextEncoder().encode(`# Doc ${unique("kb")}\n\nSomething to delete.`);
  return (await f.app().semantic.knowledge.upload(f.acme, { filename: "doc.md", mime: "text/markdown", bytes })).document.id;
};

/** A tool call of acme's agent waiting for a decision (its channel is not running: deciding only records it). */
const pendingApproval = async (f: Ctx) => {
  const [a] = await f.app().db.withTenant(f.acme, (tx) =>
    tx
      .insert(approvals)
      .values({
        tenantId: f.acme,
        agentId: f.agentId,
        conversationId: f.conversationId,
        channelId: f.channelId,
        chatKey: "C1",
        eventId: crypto.randomUUID(),
        seq: 0,
        requestedBy: "U1",
        tool: "send_message",
        arguments: { text: "hi" },
        summary: "send_message: hi",
        state: {},
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      .returning({ id: approvals.id }),
  );
  return a!.id;
};

/** A queued background task of acme's agent (no job: nothing runs it). */
const queuedTask = async (f: Ctx) => {
  const { insertTask } = await import("../tasks/store.ts");
  const task = await f.app().db.withTenant(f.acme, (tx) => insertTask(tx, { tenantId: f.acme, agentId: f.agentId, conversationId: f.conversationId, goal: "a table's task" }));
  return task.id;
};

/** A schedule of acme's agent (far in the future: the ticker never fires it). */
const aSchedule = async (f: Ctx) => {
  const { insertSchedule } = await import("../schedules/store.ts");
  const s = await f.app().db.withTenant(f.acme, (tx) => insertSchedule(tx, { tenantId: f.acme, agentId: f.agentId, cron: "0 0 1 1 *", instruction: "a table's schedule" }, new Date()));
  return s.id;
};

/** A waiting handoff of acme's agent, on a conversation of its own. */
const aHandoff = async (f: Ctx) => {
  const { insertHandoff } = await import("../handoff/store.ts");
  return f.app().db.withTenant(f.acme, async (tx) => {
    const [c] = await tx.insert(conversations).values({ tenantId: f.acme, agentId: f.agentId, channelId: f.channelId, chatKey: unique("C") }).returning({ id: conversations.id });
    return (await insertHandoff(tx, { tenantId: f.acme, agentId: f.agentId, conversationId: c!.id, reason: "wants a person", rule: "t", source: "tool" })).handoff.id;
  });
};

/** A canned reply of acme. */
const aCanned = async (f: Ctx) => {
  const { cannedReplies } = await import("../db/schema/index.ts");
  const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.insert(cannedReplies).values({ tenantId: f.acme, title: unique("c-"), body: "hello" }).returning({ id: cannedReplies.id }));
  return row!.id;
};

/** An answer of acme's agent on the seeded channel (an inbound event and its outbound reply). */
const anAnswer = async (f: Ctx) =>
  f.app().db.withTenant(f.acme, async (tx) => {
    const [e] = await tx.insert(inboundEvents).values({ tenantId: f.acme, channelId: f.channelId, eventKey: unique("ev"), message: { text: "hi" } }).returning({ id: inboundEvents.id });
    const [o] = await tx.insert(outboundMessages).values({ tenantId: f.acme, inboundEventId: e!.id, seq: 0, channelId: f.channelId, chatKey: "C1", text: "hello" }).returning({ id: outboundMessages.id });
    return o!.id;
  });

/** A memory of acme's agent about person U1. */
const aMemory = async (f: Ctx) => {
  const content = unique("likes tea ");
  const [m] = await f.app().db.withTenant(f.acme, (tx) => tx.insert(memories).values({ tenantId: f.acme, agentId: f.agentId, userKey: "U1", kind: "fact", content, contentHash: content }).returning({ id: memories.id }));
  return m!.id;
};

/** A webhook trigger of acme's agent on the seeded channel. */
/** A team of two fresh AI employees of acme. */
const aTeam = async (f: Ctx) => {
  const { saveTeam } = await import("../teams/store.ts");
  const r = await saveTeam(f.app().db, f.acme, null, { slug: unique("team-"), name: "Route table", coordinatorId: await uiAgent(f), maxFanout: 2, members: [{ agentId: await uiAgent(f), description: "anything" }] });
  if (!("id" in r)) throw new Error(JSON.stringify(r));
  return r.id;
};

const aTrigger = async (f: Ctx) => {
  const { createTrigger } = await import("../triggers/store.ts");
  const def = { name: unique("t-"), kind: "webhook" as const, scheme: "github" as const, agentId: f.agentId, channelId: f.channelId, chatKey: "C1", filter: [], template: "a table's trigger" };
  return (await f.app().db.withTenant(f.acme, (tx) => createTrigger(tx, f.app().secrets, f.acme, def))).trigger.id;
};

/** A channel of acme's agent whose API is a closed port (the connection test fails fast, offline). */
const routeSkill = (name: string) => `---\nname: ${name}\ndescription: A route test skill.\n---\nDo it.\n`;
/** A tenant skill of acme, on disk with version 1; its name changes per call (each row acts on a fresh one). */
const aTenantSkill = async (f: Ctx) => {
  const name = "route-skill-x";
  writeSkillText(f.app().config.data_dir, "acme", name, routeSkill(name));
  await f.app().db.withTenant(f.acme, (tx) => recordSkillVersion(tx, f.acme, name, routeSkill(name), "test", "upload"));
  await f.app().gateway.skills?.load();
  return name;
};
const anMcpServer = async (f: Ctx) => {
  const name = unique("m-");
  await saveStoredServer(f.app().db, f.app().secrets, f.acme, { name, url: "http://127.0.0.1:9/mcp", headers: {}, timeoutMs: 2000 });
  return name;
};
const uiChannel = async (f: Ctx) => {
  const box = f.app().secrets;
  const [c] = await f.app().db.withTenant(f.acme, (tx) =>
    tx
      .insert(channels)
      .values({ tenantId: f.acme, agentId: f.agentId, kind: "telegram", name: unique("tg-"), mode: "polling", settings: { api_root: "http://127.0.0.1:9", groups: "mention" }, secrets: box.sealJson({ bot_token: "42:dead" }) })
      .returning({ id: channels.id }),
  );
  return c!.id;
};
const uiProvider = async (f: Ctx) => {
  const id = unique("p-");
  await f.app().db.withTenant(f.acme, (tx) => tx.insert(tenantLlmProviders).values({ tenantId: f.acme, id, kind: "openai", baseUrl: "http://127.0.0.1:9/v1", apiKey: f.app().secrets.seal("") }));
  return id;
};

function fill(route: string, params: Record<string, string>): { method: string; path: string } {
  const [method, pattern] = route.split(" ") as [string, string];
  return { method, path: pattern.replace(/:(\w+)/g, (_, k: string) => params[k] ?? `:${k}`) };
}

describe.each(DB_KINDS)("admin routes × roles on %s Postgres", (kind) => {
  let f: Ctx;
  let sessions: Record<Who, Browser>;
  const bodies: string[] = [];

  beforeAll(async () => {
    // The knowledge-base rows search, so the real embedding model is configured.
    const fx = await consoleFixture(kind, EMBEDDINGS_CONFIG);
    const [agent] = await fx.app().db.withTenant(fx.acme, (tx) => tx.select({ id: agents.id }).from(agents));
    const [channel] = await fx.app().db.withTenant(fx.acme, (tx) => tx.select({ id: channels.id }).from(channels));
    const [conv] = await fx.app().db.withTenant(fx.acme, (tx) =>
      tx.insert(conversations).values({ tenantId: fx.acme, agentId: agent!.id, channelId: channel!.id, chatKey: "C1" }).returning({ id: conversations.id }),
    );
    f = { ...fx, agentId: agent!.id, channelId: channel!.id, conversationId: conv!.id, documentId: "" };
    f.documentId = await kbDocument(f);
    sessions = await f.sessions();
    // An embedding model loads, four passwords are hashed and five users sign in — and the first
    // embedded database of a test process also builds its migrated template: over a minute on a
    // loaded machine, whichever of the two workers' files comes first.
  }, 180_000);
  afterAll(() => f.cleanup());

  test("the table covers exactly the router's routes", () => {
    const routed = f
      .app()
      .http.routes.map((r) => `${r.method} ${r.path}`)
      .filter((r) => !OUTSIDE_ADMIN_AUTH.includes(r));
    expect([...new Set(routed)].sort()).toEqual(ROWS.map((r) => r.route).sort());
  });

  async function call(row: Row, who: Who, via: "session" | "token") {
    let b = sessions[who];
    if (row.freshSession) b = who === "anonymous" ? await anonymousBrowser(f.app) : await signIn(browser(f.app), f.emails[who]);
    const filled = fill(row.route, (await row.params?.(f, who)) ?? {});
    const method = filled.method;
    const path = filled.path + (row.query?.(f) ?? "");
    const body = row.body?.(f, who);
    const isApi = path.startsWith("/api/");
    const multipart = row.multipart?.();
    if (via === "token") {
      if (multipart) return f.app().http.handle(new Request(`http://localhost${path}`, { method, headers: who === "anonymous" ? {} : { authorization: `Bearer ${f.tokens[who]}` }, body: multipart }));
      const headers: Record<string, string> = who === "anonymous" ? {} : { authorization: `Bearer ${f.tokens[who]}` };
      if (body) headers["content-type"] = "application/json";
      return f.app().http.handle(new Request(`http://localhost${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined }));
    }
    const accept = isApi ? "application/json" : "text/html";
    if (multipart) return b.fetch(path, { method, body: multipart, headers: { accept } });
    if (method === "GET") return b.fetch(path, { headers: { accept } });
    return isApi ? b.fetch(path, { method, json: body ?? {}, headers: { accept } }) : b.fetch(path, { method, form: (body ?? {}) as Record<string, string>, headers: { accept } });
  }

  for (const row of ROWS) {
    const vias = row.route.includes(" /api/") ? (["session", "token"] as const) : (["session"] as const);
    for (const via of vias)
      test(`${row.route} (${via})`, async () => {
        const got: Record<string, number> = {};
        for (const who of WHO) {
          const res = await call(row, who, via);
          got[who] = res.status;
          bodies.push(await res.text());
          if (who === "anonymous" && res.status === 302) expect(res.headers.get("location")).toStartWith("/login?next=");
          if (who === "anonymous" && res.status === 303 && row.expect[0] === 303 && !row.freshSession && !row.route.includes("/invite/"))
            expect(res.headers.get("location")).toBe("/login");
        }
        expect(got).toEqual(Object.fromEntries(WHO.map((w, i) => [w, row.expect[i]!])));
      });
  }

  test("no response carried a seeded secret", () => {
    expect(bodies.length).toBeGreaterThan(ROWS.length * 5);
    for (const secret of SEEDED_SECRETS) expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
  });

  test("the tenant deleted through the API took its agents with it (cascade across RLS)", async () => {
    const id = await uiTenant(f);
    await f.app().db.withTenant(id, (tx) => tx.insert(agents).values({ tenantId: id, slug: "doomed", name: "Doomed" }));
    const res = await f.app().http.handle(new Request(`http://localhost/api/v1/tenants/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${f.tokens.platformAdmin}` } }));
    expect(res.status).toBe(204);
    const left = await f.app().db.driver.raw.query<{ n: number }>(`select count(*)::int as n from agents where tenant_id = '${id}'`);
    expect(left).toEqual([{ n: 0 }]);
    expect(await f.app().db.platform((tx) => tx.execute(sql`select 1 from tenants where id = ${id}`)).then((r) => ((r as { rows?: unknown[] }).rows ?? (r as unknown[])).length)).toBe(0);
  });
});
