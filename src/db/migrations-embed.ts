/**
 * Bun macro: runs at bundle/transpile time, so the SQL in migrations/ is compiled into the binary
 * (and read fresh from disk when running from source). Import it `with { type: "macro" }`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface EmbeddedMigration {
  idx: number;
  tag: string;
  hash: string;
  statements: string[];
}

export function embeddedMigrations(): EmbeddedMigration[] {
  const dir = join(import.meta.dir, "../../migrations");
  const journal = JSON.parse(readFileSync(join(dir, "meta/_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  return journal.entries.map(({ idx, tag }) => {
    const sql = readFileSync(join(dir, `${tag}.sql`), "utf8");
    return {
      idx,
      tag,
      hash: createHash("sha256").update(sql).digest("hex"),
      statements: sql
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    };
  });
}
