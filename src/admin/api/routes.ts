/**
 * /api/v1: the admin API (JSON). Same guards as the console pages (access.ts); a personal access
 * token or a console session (with CSRF for writes) authenticates. Described in openapi.ts.
 *
 *   GET /api/v1/me                                   the caller
 *   GET|POST /api/v1/tenants, GET|PATCH|DELETE /api/v1/tenants/:tenantId
 *   GET|POST /api/v1/tenants/:tenantId/agents, GET|PATCH|DELETE …/agents/:id
 *   GET …/channels, …/channels/:id                   never credentials
 *   GET …/conversations, …/conversations/:id         transcript with LLM calls
 *   GET …/audit, …/usage
 *   GET /api/v1/openapi.json
 */
import { Elysia } from "elysia";
import { requireRead } from "../auth/principal.ts";
import { adminAuth, type AdminAuthDeps } from "../auth/plugin.ts";
import { agentsApi } from "./agents.ts";
import { auditApi } from "./audit.ts";
import { channelsApi } from "./channels.ts";
import { conversationsApi } from "./conversations.ts";
import { OPENAPI } from "./openapi.ts";
import { tenantsApi } from "./tenants.ts";
import { usageApi } from "./usage.ts";

export const adminApi = (deps: AdminAuthDeps) =>
  new Elysia()
    .use(adminAuth(deps))
    .get("/api/v1/openapi.json", () => OPENAPI)
    .get("/api/v1/me", ({ principal }) => {
      const p = requireRead(principal);
      return { user_id: p.userId, email: p.email, role: p.role, tenant_id: p.tenantId };
    })
    .use(tenantsApi(deps))
    .use(agentsApi(deps))
    .use(channelsApi(deps))
    .use(conversationsApi(deps))
    .use(auditApi(deps))
    .use(usageApi(deps));
