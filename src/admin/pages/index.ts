/** The console's page handlers, loaded together on the first console request (see ../routes.ts). */
export { showApiDocs } from "./api-docs.tsx";
export { showDashboard } from "./dashboard.tsx";
export { acceptInvite, showInvite } from "./invite.tsx";
export { showLogin, submitLogin } from "./login.tsx";
export { logout } from "./logout.ts";
export { showSetup, submitSetup } from "./setup.tsx";
export { createToken, listTokens, revokeToken } from "./tokens.tsx";
export { inviteUser, listUsersPage, removeUser, revokeInvite } from "./users.tsx";
export { createAgent, listAgentsPage, newAgent, removeAgent, showAgent, updateAgent } from "./agents.tsx";
export { exportAuditCsv, showAudit } from "./audit.tsx";
export { createChannel, listChannelsPage, newChannel, removeChannel, showChannel, testChannelConnection, updateChannel } from "./channels.tsx";
export { chatLogPartial, sendChatMessage, showChat } from "./chat.tsx";
export { listConversationsPage, showTranscript } from "./conversations.tsx";
export { createProvider, listProvidersPage, newProvider, removeProvider, showProvider, testProvider, updateProvider } from "./providers.tsx";
export { createTenant, listTenantsPage, newTenant, removeTenant, showTenant, updateTenant } from "./tenants.tsx";
export { showUsage } from "./usage.tsx";
export { showKnowledge } from "./knowledge.tsx";
export { decideApprovalForm, showApprovals } from "./approvals.tsx";
