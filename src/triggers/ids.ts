/**
 * The id in a trigger's URL (`/hooks/trigger/<id>`): base64url of the tenant's uuid (16 bytes) and
 * 16 random bytes. The random half makes it unguessable (128 bits); the tenant half means a
 * delivery is looked up with one indexed query inside that one tenant (RLS), never by scanning
 * tenants, and a forged id naming another tenant finds nothing there. Anything that is not
 * exactly this shape is refused before the database is asked.
 */
import { randomBytes } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newPublicId(tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error("not a uuid");
  return Buffer.concat([Buffer.from(tenantId.replaceAll("-", ""), "hex"), randomBytes(16)]).toString("base64url");
}

/** The tenant a public id names, or null when the id is malformed. */
export function tenantOf(publicId: string): string | null {
  if (!SHAPE.test(publicId)) return null;
  const bytes = Buffer.from(publicId, "base64url");
  if (bytes.length !== 32 || bytes.toString("base64url") !== publicId) return null;
  const h = bytes.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
