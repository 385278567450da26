/**
 * The admin console and admin API, on one screen. Everything here runs behind adminAuth
 * (principal, CSRF, first-run redirect); every handler starts with a guard from access.ts or
 * auth/principal.ts. Handlers are loaded on first use (lazy.ts): an idle appliance carries none of
 * the console's code. Pages built as Elysia plugins (`new Elysia().use(adminAuth(deps)).get(…)`)
 * work too: `.use()` them in adminConsole below.
 */
import { Elysia } from "elysia";
import { KonstructError } from "../errors.ts";
import { adminAuth } from "./auth/plugin.ts";
import { type ConsoleDeps, type LazyRoute, lazyRoute as r } from "./lazy.ts";
import { localeOfRequest, withLocale } from "../i18n/i18n.ts";

const pages = () => import("./pages/index.ts");
const api = () => import("./api/index.ts");
const TENANT = "/api/v1/tenants/:tenantId";

export const ADMIN_ROUTES: LazyRoute[] = [
  // first run, sign-in, invitations
  r("GET", "/setup", async () => (await pages()).showSetup), // 404 once a platform admin exists
  r("POST", "/setup", async () => (await pages()).submitSetup),
  r("GET", "/login", async () => (await pages()).showLogin),
  r("POST", "/login", async () => (await pages()).submitLogin), // throttled per account and IP
  r("GET", "/login/oidc", async () => (await pages()).startOidc), // to the IdP: state, nonce, PKCE in a sealed cookie
  r("GET", "/login/oidc/callback", async () => (await pages()).finishOidc), // verified id_token → mapped role → session
  r("GET", "/login/two-factor", async () => (await pages()).showSecondFactor), // after a right password, for accounts with TOTP on
  r("POST", "/login/two-factor", async () => (await pages()).submitSecondFactor), // account from the sealed cookie; throttled; the session starts here
  r("GET", "/login/forgot", async () => (await pages()).showForgot),
  r("POST", "/login/forgot", async () => (await pages()).requestReset), // same answer for every address; throttled per IP
  r("GET", "/login/reset/:token", async () => (await pages()).showReset), // stateless link bound to the current password hash
  r("POST", "/login/reset/:token", async () => (await pages()).submitReset), // single use; every session ends
  r("POST", "/logout", async () => (await pages()).logout),
  r("GET", "/invite/:token", async () => (await pages()).showInvite),
  r("POST", "/invite/:token", async () => (await pages()).acceptInvite),
  // console pages
  r("GET", "/admin", async () => (await pages()).showDashboard), // today's figures of one tenant
  r("GET", "/admin/start", async () => (await pages()).showStart), // the first 15 minutes: steps computed from the tenant's rows
  r("GET", "/admin/start/steps", async () => (await pages()).startStepsPartial), // polled every 3 s until the first answer
  r("GET", "/admin/users", async () => (await pages()).listUsersPage),
  r("POST", "/admin/users/invite", async () => (await pages()).inviteUser),
  r("POST", "/admin/users/:id/delete", async () => (await pages()).removeUser),
  r("POST", "/admin/users/:id/role", async () => (await pages()).changeRole), // tenant admin ↔ operator, audited
  r("POST", "/admin/users/:id/two-factor/reset", async () => (await pages()).resetUserTwoFactor), // lost phone: removed, they enrol again
  r("POST", "/admin/users/two-factor-policy", async () => (await pages()).saveTwoFactorPolicy), // the tenant requires TOTP of password sign-ins
  r("POST", "/admin/invitations/:id/revoke", async () => (await pages()).revokeInvite),
  r("GET", "/admin/tokens", async () => (await pages()).listTokens),
  r("POST", "/admin/tokens", async () => (await pages()).createToken),
  r("POST", "/admin/tokens/:id/revoke", async () => (await pages()).revokeToken),
  r("GET", "/admin/api", async () => (await pages()).showApiDocs),
  r("GET", "/admin/password", async () => (await pages()).showPassword), // any signed-in user, their own
  r("POST", "/admin/password", async () => (await pages()).changePassword), // current password first; other sessions end
  r("POST", "/admin/account/locale", async () => (await pages()).saveLocale), // the console's language for this user
  r("GET", "/admin/two-factor", async () => (await pages()).showTwoFactor), // own TOTP: QR while enrolling, recovery codes left
  r("POST", "/admin/two-factor/start", async () => (await pages()).startTwoFactor), // a new sealed secret, not yet on
  r("POST", "/admin/two-factor/confirm", async () => (await pages()).confirmTwoFactor), // first code → on; recovery codes shown once
  r("POST", "/admin/two-factor/recovery", async () => (await pages()).renewRecoveryForm),
  r("POST", "/admin/two-factor/disable", async () => (await pages()).disableTwoFactor), // a current code; not while the tenant requires it
  // tenants (platform admin), Agent Designer, channels — ?tenant=<id> picks the tenant for a platform admin
  r("GET", "/admin/tenants", async () => (await pages()).listTenantsPage),
  r("GET", "/admin/tenants/new", async () => (await pages()).newTenant),
  r("POST", "/admin/tenants", async () => (await pages()).createTenant),
  r("GET", "/admin/tenants/:id", async () => (await pages()).showTenant),
  r("POST", "/admin/tenants/:id", async () => (await pages()).updateTenant),
  r("POST", "/admin/tenants/:id/delete", async () => (await pages()).removeTenant), // stops its connections
  r("GET", "/admin/agents", async () => (await pages()).listAgentsPage),
  r("GET", "/admin/agents/new", async () => (await pages()).newAgent),
  r("POST", "/admin/agents", async () => (await pages()).createAgent),
  r("GET", "/admin/agents/:id", async () => (await pages()).showAgent),
  r("POST", "/admin/agents/:id", async () => (await pages()).updateAgent),
  r("POST", "/admin/agents/:id/delete", async () => (await pages()).removeAgent),
  r("POST", "/admin/agents/new/preview", async () => (await pages()).previewNewAgentTurn), // the same for a never-saved agent
  r("POST", "/admin/agents/:id/preview", async () => (await pages()).previewAgentTurn), // the unsaved form answers one message; no conversation row
  r("GET", "/admin/agents/:id/history", async () => (await pages()).showAgentHistory), // versions with diffs (src/versions/)
  r("POST", "/admin/agents/:id/rollback", async () => (await pages()).rollbackAgentForm), // a new version, source rollback
  r("GET", "/admin/history/:kind/:id", async () => (await pages()).showHistory), // team, channel, schedule… (src/versions/kinds.ts)
  r("POST", "/admin/history/:kind/:id/rollback", async () => (await pages()).rollbackForm),
  // teams (src/teams/): a coordinator and its specialists; saving points the named channels at the coordinator
  r("GET", "/admin/teams", async () => (await pages()).listTeamsPage),
  r("GET", "/admin/teams/new", async () => (await pages()).newTeam),
  r("POST", "/admin/teams", async () => (await pages()).createTeam),
  r("GET", "/admin/teams/:id", async () => (await pages()).showTeam),
  r("POST", "/admin/teams/:id", async () => (await pages()).updateTeam),
  r("POST", "/admin/teams/:id/delete", async () => (await pages()).removeTeam),
  r("GET", "/admin/agents/:id/widget", async () => (await pages()).showWidget), // website widget: origins, on/off, snippet
  r("POST", "/admin/agents/:id/widget", async () => (await pages()).saveWidgetForm), // restarted at once
  r("GET", "/admin/channels", async () => (await pages()).listChannelsPage),
  r("GET", "/admin/channels/new", async () => (await pages()).newChannel), // ?kind=slack|telegram|whatsapp; Slack manifest
  r("POST", "/admin/channels", async () => (await pages()).createChannel), // sealed, started at once
  r("GET", "/admin/channels/:id", async () => (await pages()).showChannel), // secrets masked
  r("POST", "/admin/channels/:id", async () => (await pages()).updateChannel), // restarted at once
  r("POST", "/admin/channels/:id/test", async () => (await pages()).testChannelConnection), // auth.test / getMe
  r("POST", "/admin/channels/:id/delete", async () => (await pages()).removeChannel),
  // inbox of handoffs (src/handoff/): operators and tenant admins take, reply, note, resolve, return
  r("GET", "/admin/inbox", async () => (await pages()).showInbox), // ?tab=waiting|mine|all|resolved
  r("GET", "/admin/inbox/list", async () => (await pages()).inboxListPartial), // polled every 3 s
  r("GET", "/admin/inbox/settings", async () => (await pages()).showDestination), // escalation destination (tenant admins)
  r("POST", "/admin/inbox/settings", async () => (await pages()).saveDestinationForm), // the chain, up to 3 steps
  r("POST", "/admin/inbox/hours", async () => (await pages()).saveHoursForm), // business hours (tenant admins)
  r("GET", "/admin/inbox/canned", async () => (await pages()).showCanned), // canned replies (tenant admins); ?edit=<id>
  r("POST", "/admin/inbox/canned", async () => (await pages()).saveCannedForm), // add, or change with id
  r("POST", "/admin/inbox/canned/:id/delete", async () => (await pages()).deleteCannedForm),
  r("GET", "/admin/inbox/:id", async () => (await pages()).showHandoff), // the whole transcript and notes
  r("GET", "/admin/inbox/:id/live", async () => (await pages()).handoffLivePartial), // polled; 204 when unchanged
  r("POST", "/admin/inbox/:id/take", async () => (await pages()).takeHandoffForm), // one wins
  r("POST", "/admin/inbox/:id/reply", async () => (await pages()).replyHandoffForm), // owner only, through the outbox
  r("POST", "/admin/inbox/:id/note", async () => (await pages()).noteHandoffForm), // internal, never sent
  r("POST", "/admin/inbox/:id/resolve", async () => (await pages()).resolveHandoffForm),
  r("POST", "/admin/inbox/:id/return", async () => (await pages()).returnHandoffForm),
  // conversations, audit, usage
  r("GET", "/admin/conversations", async () => (await pages()).listConversationsPage),
  r("GET", "/admin/conversations/:id", async () => (await pages()).showTranscript), // LLM + tool calls expandable
  r("GET", "/admin/attachments/:id", async () => (await pages()).downloadAttachment), // a file a user sent, own tenant only
  r("GET", "/admin/audit", async () => (await pages()).showAudit),
  r("GET", "/admin/audit.csv", async () => (await pages()).exportAuditCsv), // same filters as the page
  r("GET", "/admin/audit.json", async () => (await pages()).exportAuditJson),
  r("GET", "/admin/usage", async () => (await pages()).showUsage), // per day/agent/model, SVG charts
  // LLM providers & keys: ?scope=platform (platform admin) or ?scope=tenant (BYO keys)
  r("GET", "/admin/providers", async () => (await pages()).listProvidersPage),
  r("GET", "/admin/providers/new", async () => (await pages()).newProvider),
  r("POST", "/admin/providers", async () => (await pages()).createProvider),
  r("GET", "/admin/providers/:id", async () => (await pages()).showProvider),
  r("POST", "/admin/providers/:id", async () => (await pages()).updateProvider),
  r("POST", "/admin/providers/:id/test", async () => (await pages()).testProvider), // /v1/models or /api/tags
  r("POST", "/admin/providers/:id/delete", async () => (await pages()).removeProvider),
  // web chat (a channel of its own, same pipeline)
  r("GET", "/admin/chat", async () => (await pages()).showChat),
  r("GET", "/admin/chat/:agentId/log", async () => (await pages()).chatLogPartial), // polled until answered
  r("POST", "/admin/chat/:agentId/messages", async () => (await pages()).sendChatMessage),
  r("POST", "/admin/feedback/:outboundId", async () => (await pages()).rateAnswerForm), // 👍/👎 on an answer; a correction becomes a memory
  // knowledge base (embeds the /kb partials) and pending approvals (deciding continues the turn)
  r("GET", "/admin/knowledge", async () => (await pages()).showKnowledge),
  r("GET", "/admin/knowledge/search", async () => (await pages()).showKnowledgeSearch), // retrieval test: what kb_search returns, with scores
  r("POST", "/admin/knowledge/search", async () => (await pages()).runKnowledgeSearch), // htmx: the results only
  r("GET", "/admin/knowledge/agents/:id", async () => (await pages()).showAgentKnowledge), // which documents an AI employee's kb_search reads
  r("POST", "/admin/knowledge/agents/:id", async () => (await pages()).saveAgentKnowledge), // tenant admins
  r("GET", "/admin/knowledge/:id", async () => (await pages()).showKnowledgeDocument), // extracted text and chunks, paged
  r("POST", "/admin/knowledge/:id/reindex", async () => (await pages()).reindexKnowledgeDocument), // tenant admins; re-chunk + re-embed
  r("POST", "/admin/knowledge/:id/reextract", async () => (await pages()).reextractKnowledgeDocument), // tenant admins; from the stored original
  r("GET", "/admin/approvals", async () => (await pages()).showApprovals),
  r("POST", "/admin/approvals/:id/decide", async () => (await pages()).decideApprovalForm),
  // background tasks: list by status, one task's transcript and cost, Cancel (tenant admins)
  r("GET", "/admin/tasks", async () => (await pages()).showTasks),
  r("GET", "/admin/tasks/:id", async () => (await pages()).showTask),
  r("POST", "/admin/tasks/:id/cancel", async () => (await pages()).cancelTaskForm),
  // schedules: list with recent runs; Pause, Resume, Delete (tenant admins)
  r("GET", "/admin/schedules", async () => (await pages()).showSchedules),
  r("POST", "/admin/schedules/:id/pause", async () => (await pages()).pauseScheduleForm),
  r("POST", "/admin/schedules/:id/resume", async () => (await pages()).resumeScheduleForm),
  r("POST", "/admin/schedules/:id/delete", async () => (await pages()).deleteScheduleForm),
  // event triggers: list with URLs and recent deliveries; Create (secret shown once), Pause, Resume, Delete (tenant admins)
  r("GET", "/admin/triggers", async () => (await pages()).showTriggers),
  r("POST", "/admin/triggers", async () => (await pages()).createTriggerForm),
  r("POST", "/admin/triggers/:id/pause", async () => (await pages()).pauseTriggerForm),
  r("POST", "/admin/triggers/:id/resume", async () => (await pages()).resumeTriggerForm),
  r("POST", "/admin/triggers/:id/delete", async () => (await pages()).deleteTriggerForm),
  // keys of the OpenAI-compatible /v1 API (src/openai/): list, create (shown once), revoke (tenant admins)
  r("GET", "/admin/api-keys", async () => (await pages()).showApiKeys),
  r("POST", "/admin/api-keys", async () => (await pages()).createApiKeyForm),
  r("POST", "/admin/api-keys/:id/revoke", async () => (await pages()).revokeApiKeyForm),
  // skills (src/skills/): plain-words manifests, upload (bounded, validated), per-agent use, tenant skills edited with history
  r("GET", "/admin/skills", async () => (await pages()).showSkills),
  r("POST", "/admin/skills/upload", async () => (await pages()).uploadSkillForm), // multipart, zip or a folder's files
  r("GET", "/admin/skills/:name", async () => (await pages()).showSkill),
  r("POST", "/admin/skills/:name", async () => (await pages()).saveSkillForm), // tenant skills; a new version
  r("POST", "/admin/skills/:name/agents", async () => (await pages()).saveSkillAgentsForm),
  r("GET", "/admin/skills/:name/history", async () => (await pages()).showSkillHistory),
  r("POST", "/admin/skills/:name/rollback", async () => (await pages()).rollbackSkillForm),
  // MCP servers per tenant (src/tools/mcp-store.ts): HTTP only, headers sealed; config ones read-only
  r("GET", "/admin/mcp", async () => (await pages()).showMcp),
  r("POST", "/admin/mcp", async () => (await pages()).saveMcpForm), // URL through the SSRF guard
  r("POST", "/admin/mcp/:name/test", async () => (await pages()).testMcpForm), // connect, list tools
  r("POST", "/admin/mcp/:name/read-only", async () => (await pages()).saveMcpReadOnlyForm),
  r("POST", "/admin/mcp/:name/delete", async () => (await pages()).deleteMcpForm),
  // one person's data (src/privacy/): memories per AI employee, JSON export, erase (tenant admins)
  r("GET", "/admin/people", async () => (await pages()).showPeople), // ?user=<their channel id>
  r("GET", "/admin/people/export", async () => (await pages()).exportPersonJson),
  r("POST", "/admin/people/memories/:id", async () => (await pages()).editMemoryForm), // new text, re-embedded; audited
  r("POST", "/admin/people/memories/:id/delete", async () => (await pages()).deleteMemoryForm),
  r("POST", "/admin/people/erase", async () => (await pages()).erasePersonForm), // confirm = the id typed again
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
  r("GET", `${TENANT}/teams`, async () => (await api()).listTeams), // a coordinator and its specialists (src/teams/)
  r("POST", `${TENANT}/teams`, async () => (await api()).createTeam),
  r("GET", `${TENANT}/teams/:id`, async () => (await api()).getTeam),
  r("PATCH", `${TENANT}/teams/:id`, async () => (await api()).patchTeam), // specialists, when given, replace the list
  r("DELETE", `${TENANT}/teams/:id`, async () => (await api()).deleteTeam),
  r("GET", `${TENANT}/conversations`, async () => (await api()).listConversations),
  r("GET", `${TENANT}/conversations/:id`, async () => (await api()).getConversation),
  r("GET", `${TENANT}/audit`, async () => (await api()).listAudit),
  r("GET", `${TENANT}/usage`, async () => (await api()).getUsage),
  r("GET", `${TENANT}/api-keys`, async () => (await api()).listKeys), // keys of /v1 (src/openai/), tenant admins
  r("POST", `${TENANT}/api-keys`, async () => (await api()).createKey), // the key is in this response only
  r("DELETE", `${TENANT}/api-keys/:id`, async () => (await api()).revokeKey),
];

export type AdminDeps = ConsoleDeps;

export function adminConsole(deps: AdminDeps) {
  const app = new Elysia().use(adminAuth(deps));
  for (const route of ADMIN_ROUTES)
    app.route(route.method, route.path, async (ctx) => {
      const handler = await route.load();
      // The page's language: the user's saved choice, else the browser's (remembered by adminAuth, src/i18n).
      return withLocale(localeOfRequest(ctx.request), () => handler(deps, ctx as never));
    });
  // Any other /admin address: a 404 after adminAuth has seen who asks, so it is in their language.
  app.get("/admin/*", () => {
    throw new KonstructError("not_found", "no such route");
  });
  return app;
}
