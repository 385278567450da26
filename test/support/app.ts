/**
 * Builds a real app (createApp, real database, real LLM mock) for end-to-end tests, on either
 * database kind, and finds the ids of what provisioning created.
 */
import { eq } from "drizzle-orm";
import pino from "pino";
import type { App, AppOptions } from "../../src/app/create-app.ts";
import { createApp } from "../../src/app/create-app.ts";
import { validate } from "../../src/config/load.ts";
import { channels, tenants } from "../../src/db/schema/index.ts";
import { securityConfig } from "./outbound.ts";
import { createExternalDatabase, type DbKind, embeddedDataDir, tempDir } from "./db.ts";

export interface TestApp {
  app: App;
  dataDir: string;
  /** Restarts the app on the same database and data dir (a process restart, in-process). */
  restart(opts?: AppOptions): Promise<App>;
  channel(tenantSlug: string, name: string): Promise<{ tenantId: string; channelId: string }>;
  cleanup(): Promise<void>;
}

/** Storage for one test app that can outlive app restarts. */
export async function testStorage(kind: DbKind) {
  // Migrated copies: the app's own start-up migration then finds nothing to do (migrate.test.ts and
  // first-boot tests cover migrating from empty).
  const dir = kind === "embedded" ? await embeddedDataDir({ migrated: true }) : tempDir();
  const ext = kind === "external" ? await createExternalDatabase(undefined, { migrated: true }) : null;
  return { dataDir: dir.path, url: ext?.url ?? "", remove: async () => (await ext?.drop(), dir.remove()) };
}

export async function startTestApp(kind: DbKind, config: Record<string, unknown>, opts: AppOptions = {}): Promise<TestApp> {
  const storage = await testStorage(kind);
  // Emulators listen on loopback: allowed as an operator would allow an on-prem endpoint (a test may override).
  const cfg = () => validate({ security: securityConfig, ...config, data_dir: storage.dataDir, database: { url: storage.url, pool_size: 4, connect_attempts: 1 } });
  const options = (o: AppOptions) => ({ log: pino({ level: process.env.KTEST_LOG ?? "silent" }), listen: false, ...o });
  let app = createApp(cfg(), options(opts));
  await app.start();
  return {
    get app() {
      return app;
    },
    dataDir: storage.dataDir,
    async restart(o = opts) {
      await app.stop().catch(() => {});
      app = createApp(cfg(), options(o));
      await app.start();
      return app;
    },
    async channel(tenantSlug, name) {
      const [t] = await app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, tenantSlug)));
      const [c] = await app.db.withTenant(t!.id, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.name, name)));
      return { tenantId: t!.id, channelId: c!.id };
    },
    async cleanup() {
      await app.stop().catch(() => {});
      await storage.remove();
    },
  } as TestApp;
}

/** Polls `probe` until it returns a truthy value (or throws after `ms`). */
export async function eventually<T>(probe: () => Promise<T> | T, ms = 10_000, what = "condition"): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}
