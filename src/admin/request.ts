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
