/**
 * Secrets at rest: libsodium secretbox (XSalsa20-Poly1305) under one 32-byte master key.
 * Sealed layout: version byte (1) ‖ 24-byte nonce ‖ ciphertext. The key comes from `secrets.key`
 * (base64) or, when empty, from data_dir/secret.key, generated once with mode 0600. Replicas sharing
 * an external database must share the key, so they should set `secrets.key` (doctor warns).
 */
import sodium from "libsodium-wrappers";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KonstructError } from "../errors.ts";

const VERSION = 1;

export class SecretBox {
  private constructor(
    private readonly key: Uint8Array,
    /** Where the key came from, for doctor: "config" or the key file path. */
    readonly keySource: string,
  ) {}

  static async open(configuredKey: string, dataDir: string): Promise<SecretBox> {
    const found = await SecretBox.existing(configuredKey, dataDir);
    if (found) return found;
    const file = keyFile(dataDir);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${sodium.to_base64(sodium.randombytes_buf(32), sodium.base64_variants.ORIGINAL)}\n`, {
      mode: 0o600,
      flag: "wx",
    });
    chmodSync(file, 0o600);
    return (await SecretBox.existing(configuredKey, dataDir))!;
  }

  /**
   * The configured or stored key, validated exactly as serve validates it (`open` goes through
   * here), without creating one: null when there is none yet. doctor uses this, so the two never
   * disagree on what a valid key is.
   */
  static async existing(configuredKey: string, dataDir: string): Promise<SecretBox | null> {
    await sodium.ready;
    if (configuredKey) return new SecretBox(decodeKey(configuredKey, "secrets.key"), "config");
    const file = keyFile(dataDir);
    if (!existsSync(file)) return null;
    return new SecretBox(decodeKey(readFileSync(file, "utf8").trim(), file), file);
  }

  seal(plaintext: string): Uint8Array {
    const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
    const box = sodium.crypto_secretbox_easy(sodium.from_string(plaintext), nonce, this.key);
    const out = new Uint8Array(1 + nonce.length + box.length);
    out[0] = VERSION;
    out.set(nonce, 1);
    out.set(box, 1 + nonce.length);
    return out;
  }

  unseal(sealed: Uint8Array): string {
    const n = sodium.crypto_secretbox_NONCEBYTES;
    if (sealed[0] !== VERSION || sealed.length < 1 + n + sodium.crypto_secretbox_MACBYTES)
      throw new KonstructError("internal", "sealed secret has an unknown format");
    try {
      return sodium.to_string(sodium.crypto_secretbox_open_easy(sealed.subarray(1 + n), sealed.subarray(1, 1 + n), this.key));
    } catch {
      throw new KonstructError("internal", "sealed secret cannot be opened with this master key (was secrets.key changed?)");
    }
  }

  /** A key for one purpose (e.g. "csrf"), derived from the master key: replicas sharing it agree. */
  deriveKey(purpose: string): Uint8Array {
    return sodium.crypto_generichash(32, sodium.from_string(`konstruct:${purpose}`), this.key);
  }

  sealJson(value: unknown): Uint8Array {
    return this.seal(JSON.stringify(value));
  }

  unsealJson<T>(sealed: Uint8Array): T {
    return JSON.parse(this.unseal(sealed)) as T;
  }
}

export const keyFile = (dataDir: string) => join(dataDir, "secret.key");

function decodeKey(b64: string, where: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = sodium.from_base64(b64, sodium.base64_variants.ORIGINAL);
  } catch {
    throw new KonstructError("config_invalid", `config: ${where}: master key is not valid base64`);
  }
  if (key.length !== 32) throw new KonstructError("config_invalid", `config: ${where}: master key must be 32 bytes`);
  return key;
}
