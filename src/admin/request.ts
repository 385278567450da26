/** Small request helpers shared by the console's handlers. */
import type { Database } from "../db/database.ts";
import { KonstructError } from "../errors.ts";

export function database(deps: { db: () => Database | null }): Database {
  const db = deps.db();
  if (!db) throw new KonstructError("db_unavailable", "starting up: the database is not open yet");
  return db;
}

/** A text field of a parsed form (or JSON) body; "" when absent. */
export function formText(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof v === "string" ? v : "";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id: anything that is not a UUID names nothing (404), rather than reaching the database. */
export function idParam(value: string | undefined, what = "record"): string {
  if (!value || !UUID.test(value)) throw new KonstructError("not_found", `no such ${what}`);
  return value.toLowerCase();
}
