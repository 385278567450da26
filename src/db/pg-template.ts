/**
 * The pre-initialised data dir a fresh embedded database is restored from (see embedded.ts). From
 * source there is none and PGlite runs initdb; `bun run build` replaces this module with one that
 * embeds the dump it made with the same PGlite (scripts/build.ts).
 */
export function pgTemplate(): Blob | null {
  return null;
}
