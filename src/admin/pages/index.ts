/** The console's page handlers, loaded together on the first console request (see ../routes.ts). */
export { showApiDocs } from "./api-docs.tsx";
export { showDashboard } from "./dashboard.tsx";
export { acceptInvite, showInvite } from "./invite.tsx";
export { showLogin, submitLogin } from "./login.tsx";
export { logout } from "./logout.ts";
export { showSetup, submitSetup } from "./setup.tsx";
export { createToken, listTokens, revokeToken } from "./tokens.tsx";
export { inviteUser, listUsersPage, removeUser, revokeInvite } from "./users.tsx";
