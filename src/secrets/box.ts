/**
 * Secrets at rest: NaCl secretbox (XSalsa20-Poly1305) under one 32-byte master key.
 * Sealed layout: version byte (1) ‖ 24-byte nonce ‖ ciphertext. The key comes from `secrets.key`
 * (base64) or, when empty, from data_dir/secret.key, generated once with mode 0600. Replicas sharing
 * an external database must share the key, so they should set `secrets.key` (doctor warns).
 */
// @noble's pure-JS secretbox and BLAKE2b give byte-for-byte libsodium's crypto_secretbox_easy and
// crypto_generichash (box.test.ts pins vectors made with libsodium); libsodium-wrappers kept ~10 MB
// of wasm and asm.js resident in every idle appliance.
import { xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { blake2b } from "@noble/hashes/blake2.js";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KonstructError } from "../errors.ts";

const VERSION = 1;
const NONCE_BYTES = 24;
const MAC_BYTES = 16;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });
const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** Keyed BLAKE2b (libsodium's crypto_generichash), `bytes` long. */
export function keyedHash(bytes: number, message: string, key: Uint8Array): Uint8Array {
  return blake2b(utf8.encode(message), { key, dkLen: bytes });
}

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
    writeFileSync(file, `${Buffer.from(randomBytes(32)).toString("base64")}\n`, {
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
    if (configuredKey) return new SecretBox(decodeKey(configuredKey, "secrets.key"), "config");
    const file = keyFile(dataDir);
    if (!existsSync(file)) return null;
    return new SecretBox(decodeKey(readFileSync(file, "utf8").trim(), file), file);
  }

  seal(plaintext: string): Uint8Array {
    const nonce = randomBytes(NONCE_BYTES);
    const box = xsalsa20poly1305(this.key, nonce).encrypt(utf8.encode(plaintext));
    const out = new Uint8Array(1 + nonce.length + box.length);
    out[0] = VERSION;
    out.set(nonce, 1);
    out.set(box, 1 + nonce.length);
    return out;
  }

  unseal(sealed: Uint8Array): string {
    const n = NONCE_BYTES;
    if (sealed[0] !== VERSION || sealed.length < 1 + n + MAC_BYTES)
      throw new KonstructError("internal", "sealed secret has an unknown format");
    try {
      return fromUtf8.decode(xsalsa20poly1305(this.key, sealed.slice(1, 1 + n)).decrypt(sealed.slice(1 + n)));
    } catch {
      throw new KonstructError("internal", "sealed secret cannot be opened with this master key (was secrets.key changed?)");
    }
  }

  /** A key for one purpose (e.g. "csrf"), derived from the master key: replicas sharing it agree. */
  deriveKey(purpose: string): Uint8Array {
    return keyedHash(32, `konstruct:${purpose}`, this.key);
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
  // Strict, as libsodium's decoder was: Buffer's own base64 decoding skips characters it does not know.
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
    throw new KonstructError("config_invalid", `config: ${where}: master key is not valid base64`);
  const key = new Uint8Array(Buffer.from(b64, "base64"));
  if (key.length !== 32) throw new KonstructError("config_invalid", `config: ${where}: master key must be 32 bytes`);
  return key;
}
