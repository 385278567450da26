/**
 * The archive's table of contents, written last into the tar (its checksums are only known once
 * every part has been streamed). A restore trusts nothing in the archive before this manifest has
 * been read and every part's size and sha256 match it; the manifest is integrity, not authenticity
 * (someone who can rewrite the archive can rewrite the manifest too — keep backups where only the
 * operator can write).
 */
import { KonstructError } from "../errors.ts";

export const MANIFEST_NAME = "manifest.json";
export const FORMAT = "konstruct-backup";
export const FORMAT_VERSION = 1;

export interface Part {
  /** Path inside the archive: `db/pgdata.tar`, `db/pg_dump.custom` or `files/<path in data_dir>`. */
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  format_version: number;
  konstruct_version: string;
  created_at: string;
  database: "embedded" | "external";
  /** The applied migrations (tags, in order): the schema level of the dump. */
  schema: { migrations: string[] };
  includes_key: boolean;
  parts: Part[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Parses and shape-checks a manifest; anything unexpected is a refusal, never a guess. */
export function parseManifest(text: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw refuse("its manifest is not JSON");
  }
  if (m?.format !== FORMAT) throw refuse("it is not a konstruct backup");
  if (typeof m.format_version !== "number" || m.format_version > FORMAT_VERSION)
    throw refuse(`its format ${m.format_version} is newer than this konstruct understands (${FORMAT_VERSION}); use a newer konstruct`);
  if (m.database !== "embedded" && m.database !== "external") throw refuse("its manifest names no database kind");
  if (!Array.isArray(m.schema?.migrations) || !m.schema.migrations.every((t) => typeof t === "string")) throw refuse("its manifest has no schema level");
  if (!Array.isArray(m.parts) || m.parts.some((p) => typeof p?.name !== "string" || !Number.isSafeInteger(p.bytes) || p.bytes < 0 || !SHA256.test(p.sha256)))
    throw refuse("its manifest lists malformed parts");
  return m;
}

/** A backup of a schema this binary does not know (a newer konstruct made it) cannot be restored here. */
export function assertSchemaKnown(m: Manifest, known: readonly { tag: string }[]): void {
  const tags = new Set(known.map((k) => k.tag));
  const unknown = m.schema.migrations.filter((t) => !tags.has(t));
  if (unknown.length)
    throw new KonstructError(
      "schema_newer",
      `backup refused: it holds a newer schema than this konstruct knows (unknown migrations: ${unknown.join(", ")}); restore it with konstruct ${m.konstruct_version} or newer`,
    );
}

export function refuse(reason: string): KonstructError {
  return new KonstructError("unprocessable", `backup refused: ${reason}`);
}
