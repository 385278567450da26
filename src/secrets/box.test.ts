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

  test("secrets sealed by the libsodium-based releases still open; derived keys are unchanged", async () => {
    // Made with libsodium-wrappers 0.8.4: crypto_secretbox_easy("xoxb-test-token ✓", nonce 100..123, key 1..32)
    // and crypto_generichash(32, "konstruct:csrf", key).
    const key = Buffer.from(new Uint8Array(32).map((_, i) => i + 1)).toString("base64");
    const nonce = new Uint8Array(24).map((_, i) => 100 + i);
    const box = Buffer.from("3zA22WOmeL5UF1ZG/qKdgCw5Teb+tzl5SqdWJBNBT4nCXW0=", "base64");
    const sealed = new Uint8Array([1, ...nonce, ...box]);
    const secrets = await SecretBox.open(key, "/tmp");
    expect(secrets.unseal(sealed)).toBe("xoxb-test-token ✓");
    expect(Buffer.from(secrets.deriveKey("csrf")).toString("hex")).toBe("b7f68187578479babde8e3445000705b72fb93a8a7e00ea5eac54e858a0855de");
  });

  test("a malformed configured key refuses to start and names the key", async () => {
    await expect(SecretBox.open("not base64!!", "/tmp")).rejects.toThrow(/secrets\.key.*base64/);
    // Characters a lenient decoder would skip are refused, as libsodium's decoder refused them.
    await expect(SecretBox.open(`${Buffer.alloc(32, 1).toString("base64").slice(0, -4)}*AA=`, "/tmp")).rejects.toThrow(/secrets\.key.*base64/);
    await expect(SecretBox.open(Buffer.alloc(16).toString("base64"), "/tmp")).rejects.toThrow(/secrets\.key.*32 bytes/);
  });
});
