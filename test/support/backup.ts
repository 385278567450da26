/** Backup tests: an app with two tenants and sealed secrets, its data read back, the CLI in-process. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { main } from "../../src/cli/main.ts";
import { validate } from "../../src/config/load.ts";
import { agents, attachments, channels, conversations, messages, tenants, tenantSecrets } from "../../src/db/schema/index.ts";
import { AttachmentStore } from "../../src/media/attachments.ts";
import { DirBlobStore } from "../../src/media/store.ts";

const quiet = pino({ level: "silent" });
const TENANTS = ["acme", "globex"] as const;
export const config = (dataDir: string) => ({
  data_dir: dataDir,
  tenants: TENANTS.map((slug) => ({ slug, name: slug.toUpperCase(), secrets: { API_TOKEN: `${slug}-token-123` }, agents: [{ slug: "ada", name: `Ada of ${slug}` }] })),
});

/** A YAML (JSON is YAML) config file for the CLI, pointing at `dataDir`. */
export function configFile(dir: string, dataDir: string, extra: object = {}): string {
  const file = join(dir, `konstruct-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({ data_dir: dataDir, ...extra }));
  return file;
}

/** Per tenant: one webchat channel (sealed credentials), a conversation and `n` messages. */
export async function seed(app: App, n: number): Promise<void> {
  const rows = await app.db.platform((tx) => tx.select().from(tenants));
  for (const t of rows) {
    await app.db.withTenant(t.id, async (tx) => {
      const [agent] = await tx.select().from(agents).where(eq(agents.slug, "ada"));
      const [ch] = await tx.insert(channels).values({ tenantId: t.id, agentId: agent!.id, kind: "webchat", name: "web", mode: "webhook", secrets: app.secrets.sealJson({ token: `${t.slug}-channel` }) }).returning();
      const [conv] = await tx.insert(conversations).values({ tenantId: t.id, agentId: agent!.id, channelId: ch!.id, chatKey: "web:1" }).returning();
      for (let i = 0; i < n; i++) await tx.insert(messages).values({ tenantId: t.id, conversationId: conv!.id, role: "user", content: `${t.slug} message ${i}` });
    });
  }
}

/** Per tenant: a file someone sent, kept as the channels keep it (data_dir/attachments/<tenant>/…). */
export async function seedFiles(app: App, dataDir: string): Promise<void> {
  const store = new AttachmentStore(app.db, new DirBlobStore(dataDir));
  for (const t of await app.db.platform((tx) => tx.select().from(tenants)))
    await store.keep(t.id, { name: "receipt.txt", mime: "text/plain", kind: "document", userKey: "u1" }, new TextEncoder().encode(`${t.slug} receipt: taxi 38 EUR`));
}

/** Each tenant's sent files as the restored app opens them (row under RLS, bytes from the data dir). */
export async function readFiles(app: App, dataDir: string): Promise<Record<string, string[]>> {
  const store = new AttachmentStore(app.db, new DirBlobStore(dataDir));
  const out: Record<string, string[]> = {};
  for (const t of await app.db.platform((tx) => tx.select().from(tenants))) {
    const rows = await app.db.withTenant(t.id, (tx) => tx.select({ id: attachments.id }).from(attachments));
    out[t.slug] = await Promise.all(rows.map(async (r) => new TextDecoder().decode((await store.open(t.id, r.id))?.bytes ?? new Uint8Array())));
  }
  return out;
}

/** What a restored app holds, read through the app (RLS roles, its own SecretBox). */
export async function readBack(app: App) {
  const out: Record<string, { agent: string; secret: string; channel: string; messages: number }> = {};
  for (const t of await app.db.platform((tx) => tx.select().from(tenants))) {
    out[t.slug] = await app.db.withTenant(t.id, async (tx) => {
      const [agent] = await tx.select().from(agents);
      const [secret] = await tx.select().from(tenantSecrets).where(eq(tenantSecrets.name, "API_TOKEN"));
      const [ch] = await tx.select().from(channels);
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(messages);
      return { agent: agent!.name, secret: app.secrets.unseal(secret!.value), channel: app.secrets.unsealJson<{ token: string }>(ch!.secrets).token, messages: Number(count!.n) };
    });
  }
  return out;
}

export async function started(dataDir: string, opts: { listen?: boolean; tenants?: boolean; url?: string } = {}): Promise<App> {
  const cfg = opts.tenants === false ? { data_dir: dataDir } : config(dataDir);
  const database = { url: opts.url ?? "", pool_size: 4, connect_attempts: 1 };
  const app = createApp(validate({ ...cfg, database, server: { host: "127.0.0.1", port: 0 } }), { log: quiet, listen: opts.listen ?? false });
  await app.start();
  return app;
}

export const cli = async (...argv: string[]) => {
  const errors: string[] = [];
  const logs: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (s: string) => logs.push(String(s));
  console.error = (s: string) => errors.push(String(s));
  try {
    return { code: await main(argv), out: logs.join("\n"), err: errors.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
};

