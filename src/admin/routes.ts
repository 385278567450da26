/**
 * The admin console and admin API, on one screen. Everything here runs behind adminAuth
 * (principal, CSRF, first-run redirect); every handler calls a guard from access.ts/principal.ts.
 *
 *   GET  /setup                      create the first platform admin (404 once one exists)
 *   POST /setup
 *   GET  /login, POST /login         sign in (throttled per account and IP)
 *   POST /logout                     end the session server-side
 *   GET  /invite/:token, POST        accept an invitation: set a password, signed in
 *   GET  /admin                      dashboard: today's figures of one tenant
 *   GET  /admin/tenants[/new|/:id], POST /admin/tenants[/:id][/delete]     tenants (platform admin)
 *   GET  /admin/agents[/new|/:id],  POST /admin/agents[/:id][/delete]      Agent Designer
 *   GET  /admin/channels[/new|/:id], POST /admin/channels[/:id][/test|/delete]   Slack / Telegram
 *   GET  /admin/conversations[/:id]  list with filters; one transcript (LLM + tool calls expandable)
 *   GET  /admin/audit, /admin/audit.csv   audit log with filters, paginated; CSV export
 *   GET  /admin/usage                usage & cost per day/agent/model, SVG charts
 *   GET  /admin/providers[/new|/:id], POST /admin/providers[/:id][/test|/delete]  ?scope=platform|tenant
 *   GET  /admin/chat, GET /admin/chat/:agentId/log, POST /admin/chat/:agentId/messages   web chat
 *   GET  /admin/knowledge            knowledge base: upload (progress), list, delete (embeds /kb partials)
 *   GET  /admin/approvals, POST /admin/approvals/:id/decide   pending tool calls; approve / deny
 *   GET  /admin/users, POST /admin/users/invite, POST /admin/users/:id/delete,
 *        POST /admin/invitations/:id/revoke
 *   GET  /admin/tokens, POST /admin/tokens, POST /admin/tokens/:id/revoke
 *   GET  /admin/api                  API docs page
 *   /api/v1/*                        JSON admin API (api/routes.ts), GET /api/v1/openapi.json
 */
import { Elysia } from "elysia";
import type { Semantic } from "../app/semantic.ts";
import type { ApprovalFlow } from "../gateway/approval-flow.ts";
import type { Connections } from "../gateway/connections.ts";
import type { LlmPool } from "../llm/pool.ts";
import { adminApi } from "./api/routes.ts";
import { type AdminAuthDeps, adminAuth } from "./auth/plugin.ts";
import { agentsPage } from "./pages/agents.tsx";
import { apiDocsPage } from "./pages/api-docs.tsx";
import { auditPage } from "./pages/audit.tsx";
import { channelsPage } from "./pages/channels.tsx";
import { chatPage } from "./pages/chat.tsx";
import { conversationsPage } from "./pages/conversations.tsx";
import { dashboardPage } from "./pages/dashboard.tsx";
import { decideApprovalForm, showApprovals } from "./pages/approvals.tsx";
import { invitePage } from "./pages/invite.tsx";
import { showKnowledge } from "./pages/knowledge.tsx";
import { loginPage } from "./pages/login.tsx";
import { logoutRoute } from "./pages/logout.ts";
import { providersPage } from "./pages/providers.tsx";
import { setupPage } from "./pages/setup.tsx";
import { tenantsPage } from "./pages/tenants.tsx";
import { tokensPage } from "./pages/tokens.tsx";
import { usagePage } from "./pages/usage.tsx";
import { usersPage } from "./pages/users.tsx";

export type AdminDeps = AdminAuthDeps & {
  /** The running channel connections (restarted after a channel is saved); null until started. */
  connections: () => Connections | null;
  /** The gateway's LLM pool (providers saved and tested live); null until started. */
  pool: () => LlmPool | null;
  /** Memory and knowledge (the Knowledge page); null until started. */
  knowledge: () => Semantic | null;
  /** The gateway's approval flow (deciding continues the paused turn); null until started. */
  approvals: () => Pick<ApprovalFlow, "decide"> | null;
};

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
      .use(tenantsPage(deps))
      .use(agentsPage(deps))
      .use(channelsPage(deps))
      .use(conversationsPage(deps))
      .use(auditPage(deps))
      .use(usagePage(deps))
      .use(providersPage(deps))
      .use(chatPage(deps))
      // Knowledge and approvals: plain (deps, ctx) handlers, ready for a lazy route table.
      .get("/admin/knowledge", (ctx) => showKnowledge(deps, ctx))
      .get("/admin/approvals", (ctx) => showApprovals(deps, ctx))
      .post("/admin/approvals/:id/decide", (ctx) => decideApprovalForm(deps, ctx))
  );
}
