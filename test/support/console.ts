/**
 * The admin console in-process, with the five actors of the role tests: anonymous, an operator of
 * tenant A, a tenant admin of tenant B ("other admin"), a tenant admin of A, and the platform admin.
 * Each signed-in actor has a real session (sessions table) and its CSRF token, so requests go
 * through adminAuth exactly as a browser's would.
 */
import { createFirstAdmin, createUser } from "../../src/admin/accounts/users.ts";
import { createSession } from "../../src/admin/accounts/sessions.ts";
import { csrfToken } from "../../src/admin/auth/csrf.ts";
import { SESSION_COOKIE } from "../../src/admin/auth/plugin.ts";
import type { Role } from "../../src/admin/auth/principal.ts";
import { tenants } from "../../src/db/schema/index.ts";
import { startTestApp, type TestApp } from "./app.ts";
import type { DbKind } from "./db.ts";

export const ACTORS = ["anonymous", "operator", "other_admin", "tenant_admin", "platform_admin"] as const;
export type Actor = (typeof ACTORS)[number];

export interface Console {
  t: TestApp;
  /** Tenant A (acme) and B (globex). */
  A: string;
  B: string;
  get(path: string, actor: Actor, headers?: Record<string, string>): Promise<Response>;
  post(path: string, actor: Actor, fields?: Record<string, string>, opts?: { csrf?: string | null; headers?: Record<string, string> }): Promise<Response>;
  cleanup(): Promise<void>;
}

export async function startConsole(kind: DbKind, config: Record<string, unknown> = {}, opts: Parameters<typeof startTestApp>[2] = {}): Promise<Console> {
  const base = { tenants: [{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }], ...config };
  const t = await startTestApp(kind, base, opts);
  const db = t.app.db;
  const ids = await db.platform((tx) => tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants));
  const A = ids.find((r) => r.slug === "acme")!.id;
  const B = ids.find((r) => r.slug === "globex")!.id;
  const key = t.app.secrets.deriveKey("csrf");
  const sessions: Partial<Record<Actor, { sid: string; csrf: string }>> = {};
  const make = async (actor: Actor, role: Role, tenantId: string | null) => {
    const input = { email: `${actor.replace("_", "-")}@example.test`, password: "correct horse battery", role, tenantId };
    const user = role === "platform_admin" ? await createFirstAdmin(db, input) : await createUser(db, input);
    const sid = await createSession(db, user.id, 3_600_000);
    sessions[actor] = { sid, csrf: csrfToken(key, `s:${sid}`) };
  };
  await make("platform_admin", "platform_admin", null);
  await make("tenant_admin", "tenant_admin", A);
  await make("other_admin", "tenant_admin", B);
  await make("operator", "operator", A);

  const headersFor = (actor: Actor, extra: Record<string, string> = {}) => {
    const s = sessions[actor];
    return { ...(s ? { cookie: `${SESSION_COOKIE}=${s.sid}` } : {}), ...extra };
  };
  return {
    t,
    A,
    B,
    get: (path, actor, headers) => t.app.http.handle(new Request(`http://localhost${path}`, { headers: headersFor(actor, headers) })),
    post: (path, actor, fields = {}, o = {}) => {
      const csrf = o.csrf === undefined ? sessions[actor]?.csrf : o.csrf;
      const body = new URLSearchParams({ ...fields, ...(csrf ? { _csrf: csrf } : {}) });
      return t.app.http.handle(
        new Request(`http://localhost${path}`, { method: "POST", body, headers: headersFor(actor, { "content-type": "application/x-www-form-urlencoded", ...o.headers }) }),
      );
    },
    cleanup: () => t.cleanup(),
  };
}
