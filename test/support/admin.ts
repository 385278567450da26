/**
 * Admin console fixtures: a real app with two tenants (acme, globex) declared in config — with
 * recognisable secrets in their channels and the provider key, so tests can prove none leaks —
 * and one signed-in browser (cookies + CSRF token) per role, signed in through the real /login.
 */
import { eq } from "drizzle-orm";
import type { App, AppOptions } from "../../src/app/create-app.ts";
import { createAccessToken } from "../../src/admin/accounts/access-tokens.ts";
import { createUser } from "../../src/admin/accounts/users.ts";
import type { Role } from "../../src/admin/auth/principal.ts";
import { tenants } from "../../src/db/schema/index.ts";
import { ADAPTERS } from "../../src/gateway/gateway.ts";
import { type DbKind } from "./db.ts";
import { startTestApp, type TestApp } from "./app.ts";

export const PASSWORD = "correct horse battery";

/** Every credential the fixture stores; none may ever appear in a response. */
export const SEEDED_SECRETS = [
  "xoxb-SEEDED-slack-bot-token-4f1c",
  "SEEDEDslacksigningsecret9b2e",
  "xapp-SEEDED-slack-app-token-77aa",
  "123456:SEEDED-telegram-bot-token-d00d",
  "SEEDED-telegram-webhook-secret-5e5e",
  "sk-SEEDED-provider-api-key-c0ffee",
];

export const consoleConfig = (extra: Record<string, unknown> = {}) => ({
  llm: { providers: [{ id: "mock", kind: "openai", base_url: "http://127.0.0.1:9/v1", api_key: SEEDED_SECRETS[5] }] },
  tenants: [
    {
      slug: "acme",
      name: "Acme",
      agents: [
        {
          slug: "ada",
          name: "Ada",
          models: ["mock/gpt-test"],
          channels: [
            { kind: "slack", name: "acme-slack", mode: "socket", bot_token: SEEDED_SECRETS[0], signing_secret: SEEDED_SECRETS[1], app_token: SEEDED_SECRETS[2] },
            { kind: "telegram", name: "acme-tg", mode: "webhook", bot_token: SEEDED_SECRETS[3], webhook_secret: SEEDED_SECRETS[4] },
          ],
        },
      ],
    },
    { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus" }] },
  ],
  ...extra,
});

export interface Browser {
  cookies: Map<string, string>;
  csrf: string;
  /** A request as this browser: cookies sent, Set-Cookie kept, CSRF header on writes unless `csrf: false`. */
  fetch(path: string, init?: RequestInit & { csrf?: boolean | string; form?: Record<string, string>; json?: unknown }): Promise<Response>;
}

export function browser(app: () => App): Browser {
  const cookies = new Map<string, string>();
  const b: Browser = {
    cookies,
    csrf: "",
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      let body = init.body;
      const method = init.method ?? (init.form || init.json !== undefined ? "POST" : "GET");
      if (init.form) body = new URLSearchParams(init.form);
      if (init.json !== undefined) (body = JSON.stringify(init.json)), headers.set("content-type", "application/json");
      if (method !== "GET" && init.csrf !== false) headers.set("x-csrf-token", typeof init.csrf === "string" ? init.csrf : b.csrf);
      const res = await app().http.handle(new Request(`http://localhost${path}`, { ...init, method, headers, body }));
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair!.indexOf("=");
        const [k, v] = [pair!.slice(0, i), pair!.slice(i + 1)];
        if (v && !/max-age=0/i.test(c)) cookies.set(k, v);
        else cookies.delete(k);
      }
      return res;
    },
  };
  return b;
}

/** The CSRF token a page hands to htmx (hx-headers on <body>). */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(html);
  if (!m) throw new Error("no CSRF token in page");
  return m[1]!;
}

/** A signed-out browser that has opened /login, so it holds the CSRF token its forms carry. */
export async function anonymousBrowser(app: () => App, page = "/login"): Promise<Browser> {
  const b = browser(app);
  b.csrf = csrfOf(await (await b.fetch(page)).text());
  return b;
}

/** Opens /login, signs in, and keeps the session's CSRF token. */
export async function signIn(b: Browser, email: string, password = PASSWORD): Promise<Browser> {
  b.csrf = csrfOf(await (await b.fetch("/login")).text());
  const res = await b.fetch("/login", { form: { email, password, _csrf: b.csrf }, csrf: false });
  if (res.status !== 303) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  b.csrf = csrfOf(await (await b.fetch("/admin")).text());
  return b;
}

export const WHO = ["anonymous", "operator", "otherAdmin", "tenantAdmin", "platformAdmin"] as const;
export type Who = (typeof WHO)[number];

export interface ConsoleFixture {
  t: TestApp;
  app: () => App;
  acme: string;
  globex: string;
  emails: Record<Exclude<Who, "anonymous">, string>;
  userIds: Record<Exclude<Who, "anonymous">, string>;
  /** A fresh signed-in browser per role (anonymous: has visited /login, so it holds a CSRF token). */
  sessions(): Promise<Record<Who, Browser>>;
  tokens: Record<Exclude<Who, "anonymous">, string>;
  cleanup(): Promise<void>;
}

export async function consoleFixture(kind: DbKind, extra: Record<string, unknown> = {}, opts: AppOptions = {}): Promise<ConsoleFixture> {
  // Only the web chat runs: the seeded Slack/Telegram credentials point nowhere.
  const t = await startTestApp(kind, consoleConfig(extra), { adapters: { webchat: ADAPTERS.webchat! }, ...opts });
  const app = () => t.app;
  const ids = await t.app.db.platform((tx) => tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants));
  const acme = ids.find((r) => r.slug === "acme")!.id;
  const globex = ids.find((r) => r.slug === "globex")!.id;
  const spec: Record<Exclude<Who, "anonymous">, [string, Role, string | null]> = {
    platformAdmin: ["root@example.com", "platform_admin", null],
    tenantAdmin: ["admin@acme.test", "tenant_admin", acme],
    operator: ["ops@acme.test", "operator", acme],
    otherAdmin: ["admin@globex.test", "tenant_admin", globex],
  };
  const emails = {} as ConsoleFixture["emails"];
  const userIds = {} as ConsoleFixture["userIds"];
  const tokens = {} as ConsoleFixture["tokens"];
  for (const [who, [email, role, tenantId]] of Object.entries(spec) as [Exclude<Who, "anonymous">, (typeof spec)["operator"]][]) {
    const u = await createUser(t.app.db, { email, password: PASSWORD, role, tenantId });
    emails[who] = email;
    userIds[who] = u.id;
    tokens[who] = (await createAccessToken(t.app.db, u.id, `${who} token`)).token;
  }
  return {
    t,
    app,
    acme,
    globex,
    emails,
    userIds,
    tokens,
    async sessions() {
      const out = { anonymous: await anonymousBrowser(app) } as Record<Who, Browser>;
      for (const who of WHO.slice(1) as Exclude<Who, "anonymous">[]) out[who] = await signIn(browser(app), emails[who]);
      return out;
    },
    cleanup: () => t.cleanup(),
  };
}

export async function tenantIdOf(app: App, slug: string): Promise<string> {
  const [r] = await app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)));
  return r!.id;
}

/** A tenant admin with a personal access token: `api` calls /api/v1 with it, `browser` signs in. */
export interface TenantAdmin {
  email: string;
  token: string;
  api(path: string, init?: RequestInit): Promise<Response>;
  browser(): Promise<Browser>;
}

/**
 * For tests of tenant routes that are not about the console itself (knowledge base, …): ends the
 * first run with a platform admin, then one tenant admin (`admin@<slug>.test`) per tenant slug.
 * `app` is a getter so the admins outlive an in-process restart.
 */
export async function tenantAdmins<S extends string>(app: () => App, slugs: S[]): Promise<Record<S, TenantAdmin>> {
  await createUser(app().db, { email: "root@example.com", password: PASSWORD, role: "platform_admin", tenantId: null });
  const out = {} as Record<S, TenantAdmin>;
  for (const slug of slugs) {
    const email = `admin@${slug}.test`;
    const u = await createUser(app().db, { email, password: PASSWORD, role: "tenant_admin", tenantId: await tenantIdOf(app(), slug) });
    const { token } = await createAccessToken(app().db, u.id, `${slug} admin`);
    const api = (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      return app().http.handle(new Request(`http://localhost${path}`, { ...init, headers }));
    };
    out[slug] = { email, token, api, browser: () => signIn(browser(app), email) };
  }
  return out;
}
