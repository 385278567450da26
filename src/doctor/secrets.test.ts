/**
 * doctor proves the master key on the data (both databases, two tenants), and reads/validates the
 * key with the same function as serve: a key serve refuses is a doctor failure, and the reverse.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "../config/load.ts";
import { llmProviders, tenantSecrets, tenants } from "../db/schema/index.ts";
import { SecretBox } from "../secrets/box.ts";
import { DB_KINDS, openTestDatabase, tempDir } from "../../test/support/db.ts";
import { masterKey, sealedSecretsCheck } from "./secrets.ts";

const newKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");

describe.each(DB_KINDS)("sealed secrets on %s Postgres", (kind) => {
  test("all open with the right key; a tenant sealed under another key fails and is named", async () => {
    const t = await openTestDatabase(kind);
    try {
      const [right, wrong] = [await SecretBox.open(newKey(), t.dataDir), await SecretBox.open(newKey(), t.dataDir)];
      expect(await sealedSecretsCheck(t.db, right)).toMatchObject({ status: "ok", detail: "nothing sealed yet" });
      const [acme, globex] = await t.db.platform(async (tx) => {
        await tx.insert(llmProviders).values({ id: "p", kind: "openai", baseUrl: "http://x", apiKey: right.seal("sk-1"), timeoutMs: 1000, maxConcurrency: 1 });
        return tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id });
      });
      await t.db.withTenant(acme!.id, (tx) => tx.insert(tenantSecrets).values({ tenantId: acme!.id, name: "crm", value: right.seal("s1") }));
      await t.db.withTenant(globex!.id, (tx) => tx.insert(tenantSecrets).values({ tenantId: globex!.id, name: "crm", value: right.seal("s2") }));
      expect(await sealedSecretsCheck(t.db, right)).toMatchObject({ status: "ok", detail: "3 sampled secret(s) across 2 tenant(s) open with this master key" });
      const all = await sealedSecretsCheck(t.db, wrong);
      expect(all.status).toBe("fail");
      expect(all.detail).toContain("3 of 3 sampled secret(s) do not open with this master key");
      expect(await sealedSecretsCheck(t.db, null)).toMatchObject({ status: "fail" });
      await t.db.withTenant(globex!.id, (tx) => tx.insert(tenantSecrets).values({ tenantId: globex!.id, name: "erp", value: wrong.seal("s3") }));
      const one = await sealedSecretsCheck(t.db, right);
      expect(one.status).toBe("fail");
      expect(one.detail).toContain("1 of 4 sampled secret(s)");
      expect(one.detail).toContain("tenant globex: tool secret");
      expect(one.detail).not.toContain("s3");
    } finally {
      await t.cleanup();
    }
  });
});

test("doctor and serve agree on what a valid master key is", async () => {
  const dir = tempDir();
  try {
    const keys = [newKey(), "not base64 !!", Buffer.alloc(16).toString("base64"), Buffer.alloc(33).toString("base64")];
    for (const key of keys) {
      const config = validate({ data_dir: dir.path, secrets: { key } });
      const serve = await SecretBox.open(key, dir.path).then(
        () => "ok",
        (e: Error) => e.message,
      );
      const { check } = await masterKey(config);
      expect(check.status === "ok" ? "ok" : check.detail.split(";")[0]).toBe(serve);
    }
    // The key file: missing (serve creates one) is fine; a broken one fails both, and doctor never writes it.
    const config = validate({ data_dir: dir.path });
    expect((await masterKey(config)).check).toMatchObject({ status: "ok", detail: expect.stringContaining("serve creates") });
    writeFileSync(join(dir.path, "secret.key"), "short\n");
    expect((await masterKey(config)).check.status).toBe("fail");
    await expect(SecretBox.open("", dir.path)).rejects.toThrow(/master key/);
  } finally {
    dir.remove();
  }
});
