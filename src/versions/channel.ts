/**
 * The `channel` kind: name, mode, the AI employee answering (by slug), the readable settings, and for
 * each credential only a keyed fingerprint (BLAKE2b under a key derived from the master key), so a
 * diff can say "changed" without any version holding a secret or a plain hash of one. A rollback sets
 * back everything but the credentials, which stay as they are now.
 */
import { eq, sql } from "drizzle-orm";
import { agents, channels } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { keyedHash, type SecretBox } from "../secrets/box.ts";
import type { VersionedKind } from "./store.ts";

/** Snapshot keys of credentials start with this; diff.ts shows them as changed / unchanged only. */
export const SECRET_PREFIX = "secret ";

export function channelKind(box: SecretBox): VersionedKind {
  const key = box.deriveKey("config-versions");
  const fingerprint = (v: string) => Buffer.from(keyedHash(12, v, key)).toString("hex");
  return {
    kind: "channel",
    noun: "channel",
    lock: async (tx, id) => (await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, id)).for("update")).length > 0,
    async snapshot(tx, id) {
      const [row] = await tx.select({ c: channels, agent: agents.slug }).from(channels).innerJoin(agents, eq(agents.id, channels.agentId)).where(eq(channels.id, id));
      if (!row) return null;
      const c = row.c;
      const config: Record<string, unknown> = { kind: c.kind, name: c.name, mode: c.mode, agent: row.agent, settings: c.settings };
      const secrets = box.unsealJson<Record<string, string | undefined>>(c.secrets);
      for (const k of Object.keys(secrets).sort()) if (secrets[k]) config[`${SECRET_PREFIX}${k}`] = fingerprint(secrets[k]!);
      return { tenantId: c.tenantId, name: c.name, config };
    },
    async restore(tx, id, c) {
      const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, String(c.agent)));
      if (!agent) throw new KonstructError("bad_request", `the AI employee '${String(c.agent).slice(0, 100)}' of that version no longer exists`);
      const values = { name: String(c.name), mode: String(c.mode), agentId: agent.id, settings: c.settings as Record<string, string> };
      await tx.update(channels).set({ ...values, updatedAt: sql`now()` }).where(eq(channels.id, id));
    },
  };
}
