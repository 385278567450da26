import { describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/support/db.ts";
import { SecretBox } from "./box.ts";

describe("SecretBox", () => {
  test("seals with a random nonce and opens again; the key file is created once, mode 0600", async () => {
    const dir = tempDir();
    const box = await SecretBox.open("", dir.path);
    const a = box.seal("xoxb-123");
    const b = box.seal("xoxb-123");
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(box.unseal(a)).toBe("xoxb-123");
    const file = join(dir.path, "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, "utf8");
    const reopened = await SecretBox.open("", dir.path);
    expect(readFileSync(file, "utf8")).toBe(key);
    expect(reopened.unseal(a)).toBe("xoxb-123");
    dir.remove();
  });

  test("a configured key is used; a different key cannot open, tampering is detected", async () => {
    const dir = tempDir();
    const k1 = Buffer.alloc(32, 1).toString("base64");
    const k2 = Buffer.alloc(32, 2).toString("base64");
    const one = await SecretBox.open(k1, dir.path);
    expect(one.keySource).toBe("config");
    const sealed = one.sealJson({ bot_token: "t" });
    await expect((async () => (await SecretBox.open(k2, dir.path)).unseal(sealed))()).rejects.toThrow(/master key/);
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => one.unseal(tampered)).toThrow(/master key/);
    expect(() => one.unseal(new Uint8Array([9, 9]))).toThrow(/unknown format/);
    dir.remove();
  });

  test("a malformed configured key refuses to start and names the key", async () => {
    await expect(SecretBox.open("not base64!!", "/tmp")).rejects.toThrow(/secrets\.key.*base64/);
    await expect(SecretBox.open(Buffer.alloc(16).toString("base64"), "/tmp")).rejects.toThrow(/secrets\.key.*32 bytes/);
  });
});
