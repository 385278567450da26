/**
 * A tenant's retention in days per kind of data: its `tenants[].retention` keys over the platform
 * `retention:` defaults (config as code; a tenant not in the config takes the defaults). 0 = forever.
 */
import type { Config } from "../config/schema.ts";

export const KINDS = ["messages", "deliveries", "audit", "llm_calls", "files", "memories"] as const;
export type Kind = (typeof KINDS)[number];
export type RetentionDays = Record<Kind, number>;

export function retentionFor(config: Pick<Config, "retention" | "tenants">, slug: string): RetentionDays {
  const own = config.tenants.find((t) => t.slug === slug)?.retention ?? {};
  const base = config.retention;
  return {
    messages: own.messages_days ?? base.messages_days,
    deliveries: own.deliveries_days ?? base.deliveries_days,
    audit: own.audit_days ?? base.audit_days,
    llm_calls: own.llm_calls_days ?? base.llm_calls_days,
    files: own.files_days ?? base.files_days,
    memories: own.memories_days ?? base.memories_days,
  };
}

/** Whether any tenant could have anything to delete (else the daily job is not even queued). */
export function anyRetention(config: Pick<Config, "retention" | "tenants">): boolean {
  const some = (d: Partial<Record<string, number | undefined>>) => Object.entries(d).some(([k, v]) => k.endsWith("_days") && (v ?? 0) > 0);
  return some(config.retention) || config.tenants.some((t) => some(t.retention));
}
