/**
 * Which role may use which area of the console — one table for the navigation, the pages and the
 * API, so what a role sees and what the server allows cannot drift apart. Roles are ranked:
 * operator < tenant_admin < platform_admin; an area names the least role that may use it.
 * Tenant scoping (own tenant vs. any) is on top of this, in principal.ts.
 */
import { KonstructError } from "../errors.ts";
import { type Principal, type Role, requireRead } from "./auth/principal.ts";

export type Area =
  | "dashboard"
  | "tenants"
  | "agents"
  | "teams"
  | "channels"
  | "conversations"
  | "inbox"
  | "audit"
  | "usage"
  | "providers"
  | "chat"
  | "knowledge"
  | "approvals"
  | "tasks"
  | "schedules"
  | "triggers"
  | "users"
  | "tokens"
  | "api_keys"
  | "skills"
  | "mcp"
  | "people"
  | "api";

const RANK: Record<Role, number> = { operator: 0, tenant_admin: 1, platform_admin: 2 };

export const AREAS: { area: Area; label: string; href: string; least: Role }[] = [
  { area: "dashboard", label: "Dashboard", href: "/admin", least: "operator" },
  { area: "tenants", label: "Tenants", href: "/admin/tenants", least: "platform_admin" },
  { area: "agents", label: "Agents", href: "/admin/agents", least: "tenant_admin" },
  { area: "teams", label: "Teams", href: "/admin/teams", least: "tenant_admin" },
  { area: "channels", label: "Channels", href: "/admin/channels", least: "tenant_admin" },
  { area: "inbox", label: "Inbox", href: "/admin/inbox", least: "operator" },
  { area: "conversations", label: "Conversations", href: "/admin/conversations", least: "operator" },
  { area: "audit", label: "Audit", href: "/admin/audit", least: "tenant_admin" },
  { area: "usage", label: "Usage", href: "/admin/usage", least: "operator" },
  { area: "providers", label: "Providers", href: "/admin/providers", least: "tenant_admin" },
  { area: "chat", label: "Web chat", href: "/admin/chat", least: "operator" },
  // Operators read these; uploading, deleting and deciding take a tenant admin (checked per action).
  { area: "knowledge", label: "Knowledge", href: "/admin/knowledge", least: "operator" },
  { area: "approvals", label: "Approvals", href: "/admin/approvals", least: "operator" },
  { area: "tasks", label: "Tasks", href: "/admin/tasks", least: "operator" },
  { area: "schedules", label: "Schedules", href: "/admin/schedules", least: "operator" },
  { area: "triggers", label: "Triggers", href: "/admin/triggers", least: "operator" },
  { area: "skills", label: "Skills", href: "/admin/skills", least: "tenant_admin" },
  { area: "mcp", label: "MCP servers", href: "/admin/mcp", least: "tenant_admin" },
  { area: "users", label: "Users", href: "/admin/users", least: "tenant_admin" },
  { area: "people", label: "People", href: "/admin/people", least: "tenant_admin" },
  { area: "api_keys", label: "API keys", href: "/admin/api-keys", least: "tenant_admin" },
  { area: "tokens", label: "API tokens", href: "/admin/tokens", least: "operator" },
  { area: "api", label: "API", href: "/admin/api", least: "operator" },
];

const LEAST = Object.fromEntries(AREAS.map((a) => [a.area, a.least])) as Record<Area, Role>;

export function mayUse(p: Principal, area: Area): boolean {
  return RANK[p.role] >= RANK[LEAST[area]];
}

/** Signed in, allowed in the area, and (when given) allowed to read that tenant. */
export function requireArea(p: Principal | null, area: Area, tenantId?: string): Principal {
  const who = requireRead(p, tenantId);
  if (!mayUse(who, area)) throw new KonstructError("forbidden", `requires the ${LEAST[area].replace("_", " ")} role`);
  return who;
}
