/** GET /api/v1/me and GET /api/v1/openapi.json (the rest of the API: one file per resource). */
import { requireRead } from "../auth/principal.ts";
import type { Handler } from "../lazy.ts";
import { OPENAPI } from "./openapi.ts";

export const me: Handler = (_deps, { principal }) => {
  const p = requireRead(principal);
  return { user_id: p.userId, email: p.email, role: p.role, tenant_id: p.tenantId };
};

export const openApiDocument: Handler = () => OPENAPI;
