/**
 * Form handling for the console: zod validates the posted fields, and each issue becomes a message
 * next to its field (keyed by the field name, as the form names it). Nothing posted is lost: the
 * page re-renders with the values the admin typed — except secrets, which are never echoed.
 */
import { z } from "zod";
import { locale } from "../i18n/i18n.ts";
import { KonstructError } from "../errors.ts";
import { filterId } from "./filters.ts";

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * zod's own messages (a field without a message of ours: "too big", "invalid input") in the reader's
 * language through zod's bundled locales; ours are matched in form-errors.ts. English is zod's default.
 */
const ZOD_LOCALES = { de: z.locales.de().localeError };

export function parseForm<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const lang = locale();
  const r = schema.safeParse(input, lang === "en" ? undefined : { error: ZOD_LOCALES[lang] });
  if (r.success) return { ok: true, value: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The posted body as plain strings (Elysia parses urlencoded and multipart forms into an object). */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === "object")
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = Array.isArray(v) ? String(v.at(-1) ?? "") : v === undefined || v === null ? "" : String(v);
  return out;
}

/** "a, b\nc" → ["a", "b", "c"]: list fields are typed one per line or comma separated. */
export function listField(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A unique-violation from either driver, for "that name is taken" next to the field. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === "23505";
}

/** A path id that is not even a UUID names nothing: 404, before any query sees it. */
export function uuidParam(id: string | undefined, what = "page"): string {
  if (!filterId(id)) throw new KonstructError("not_found", `no such ${what}`);
  return id!;
}

/**
 * A versioned form's version field (src/versions/). Absent = a scripted post that read nothing, so
 * nothing to be stale against; garbled = -1, which no version matches (refused as stale).
 */
export const versionField = (v: string | undefined): number | undefined => (v === undefined ? undefined : /^\d{1,9}$/.test(v) ? Number(v) : -1);
