/**
 * The scope's schema, shared by config as code (tenants[].agents[].scope) and the Agent Designer
 * (one topic / example per line, decline sentences as `lang: sentence` lines), so the console cannot
 * store what the file would refuse. Every field is bounded (count and length) before it is trusted.
 */
import { z } from "zod";
import { DEFAULT_DECLINE } from "./anchors.ts";
import type { ScopeSettings } from "./types.ts";

const line = (max: number) => z.string().trim().min(1).max(max);
const LANG = /^(default|[a-z]{2,3}(-[A-Za-z]{2,4})?)$/;

export const scopeSchema = z.strictObject({
  /** Whose assistant this is and what it is for, e.g. "Front desk of Bright Smile Dental: appointments, treatments, prices". */
  business: z.string().trim().min(10, "needs at least 10 characters (what the business does)").max(500),
  /** What the agent may talk about, one short phrase each. */
  topics: z.array(line(200)).min(1, "name at least one topic").max(30, "at most 30 topics"),
  /** Requests this agent must decline, besides the built-in ones (poems, homework, code, politics, …). */
  off_topic_examples: z.array(line(300)).max(30, "at most 30 examples").default([]),
  /** The decline sentence by language (`default` for any other). */
  decline: z
    .record(z.string(), line(500))
    .default({})
    .superRefine((d, ctx) => {
      const keys = Object.keys(d);
      if (keys.length > 20) ctx.addIssue({ code: "custom", message: "at most 20 languages" });
      // Checked here (not as the record's key schema) so the message names the key and says what is wanted.
      for (const k of keys) if (!LANG.test(k)) ctx.addIssue({ code: "custom", path: [k], message: "is a language code such as en, de or pt-BR, or 'default'" });
    }),
});
export type ScopeConfig = z.infer<typeof scopeSchema>;

export function toSettings(c: ScopeConfig): ScopeSettings {
  return { business: c.business, topics: c.topics, offTopicExamples: c.off_topic_examples ?? [], decline: c.decline ?? {} };
}

/** The inverse (`konstruct export`): stored settings → the config's keys. */
export function fromSettings(s: ScopeSettings): ScopeConfig {
  return { business: s.business, topics: s.topics, off_topic_examples: s.offTopicExamples, decline: s.decline };
}

/** The sentence the local check declines with: English (the check judges English only), else `default`, else ours. */
export function declineSentence(s: ScopeSettings): string {
  return s.decline.en ?? s.decline.default ?? DEFAULT_DECLINE;
}

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));

/** Designer fields → scope (null when the business is empty: unscoped), or errors by field. */
export function parseScopeForm(f: Record<string, string>): { ok: true; value: ScopeSettings | null } | { ok: false; errors: Record<string, string> } {
  const business = (f.scope_business ?? "").trim();
  const raw = { topics: f.scope_topics ?? "", examples: f.scope_off_topic ?? "", decline: f.scope_decline ?? "" };
  if (!business && !raw.topics.trim() && !raw.examples.trim() && !raw.decline.trim()) return { ok: true, value: null };
  if (Object.values(raw).some((v) => v.length > 20_000)) return { ok: false, errors: { scope_business: "the scope fields are limited to 20,000 characters each" } };
  const decline: Record<string, string> = {};
  for (const [i, l] of lines(raw.decline).entries()) {
    const m = /^([A-Za-z-]{2,10})\s*:\s*(.+)$/.exec(l);
    if (!m) return { ok: false, errors: { scope_decline: `line ${i + 1}: write 'language: sentence', e.g. en: Sorry, I can only help with bookings.` } };
    decline[m[1]!.toLowerCase() === "default" ? "default" : m[1]!] = m[2]!;
  }
  const r = scopeSchema.safeParse({ business, topics: lines(raw.topics), off_topic_examples: lines(raw.examples), decline });
  if (r.success) return { ok: true, value: toSettings(r.data) };
  const field: Record<string, string> = { business: "scope_business", topics: "scope_topics", off_topic_examples: "scope_off_topic", decline: "scope_decline" };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const [head, index] = issue.path;
    const at = typeof index === "number" ? `line ${index + 1}: ` : typeof index === "string" ? `${index}: ` : "";
    errors[field[String(head)] ?? "scope_business"] ??= `${at}${issue.message}`;
  }
  return { ok: false, errors };
}

export function scopeToForm(s: ScopeSettings | null): Record<string, string> {
  return {
    scope_business: s?.business ?? "",
    scope_topics: (s?.topics ?? []).join("\n"),
    scope_off_topic: (s?.offTopicExamples ?? []).join("\n"),
    scope_decline: Object.entries(s?.decline ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n"),
  };
}
