/** What a console page handler uses of Elysia's context (after adminAuth), so helpers can take it whole. */
import type { Principal } from "./auth/principal.ts";
import type { Cookies } from "./scope.ts";

export interface PageCtx {
  principal: Principal | null;
  csrfToken: string;
  request: Request;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  cookie: Cookies;
  body?: unknown;
}
