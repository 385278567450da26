/**
 * Turns a validation failure ("email: not an e-mail address") into an error next to that field;
 * anything that is not a client error is rethrown for http/errors.ts.
 */
import { KonstructError } from "../errors.ts";
import type { FieldErrors } from "../../views/admin/form.tsx";

export function fieldErrors(e: unknown, fallbackField = "form"): FieldErrors {
  if (!(e instanceof KonstructError) || (e.status !== 400 && e.status !== 409)) throw e;
  const m = /^([a-z_]+): (.+)$/.exec(e.message);
  return m ? { [m[1]!]: m[2]! } : { [fallbackField]: e.message };
}
