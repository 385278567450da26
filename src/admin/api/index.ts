/** The admin API's handlers, loaded on the first /api/v1 request (see ../routes.ts). */
export { createAgent, deleteAgent, getAgent, listAgents, patchAgent } from "./agents.ts";
export { listAudit } from "./audit.ts";
export { getChannel, listChannels } from "./channels.ts";
export { getConversation, listConversations } from "./conversations.ts";
export { me, openApiDocument } from "./me.ts";
export { createTenant, deleteTenant, getTenant, listTenants, renameTenant } from "./tenants.ts";
export { getUsage } from "./usage.ts";
export { createKey, listKeys, revokeKey } from "./api-keys.ts";
export { createTeam, deleteTeam, getTeam, listTeams, patchTeam } from "./teams.ts";
