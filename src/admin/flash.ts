/**
 * Flash messages after a redirect: the redirect names one of these keys (`?flash=saved`), never
 * free text, so a crafted link cannot make the console say anything else. The text is in the
 * catalogues (src/i18n/catalog, `flash.<key>`).
 */
import { type MessageKey, t } from "../i18n/i18n.ts";

const KEYS = [
  "saved",
  "created",
  "deleted",
  "restarted",
  "approved",
  "denied",
  "already_decided",
  "password_changed",
  "task_cancelled",
  "task_not_active",
  "schedule_paused",
  "schedule_resumed",
  "schedule_deleted",
  "trigger_paused",
  "trigger_resumed",
  "trigger_deleted",
  "key_revoked",
  "kb_reindexed",
  "kb_reextracted",
  "kb_scope_saved",
  "memory_deleted",
  "handoff_taken",
  "handoff_already_taken",
  "handoff_replied",
  "handoff_reply_failed",
  "handoff_not_owner",
  "handoff_noted",
  "handoff_resolved",
  "handoff_returned",
  "handoff_closed_already",
  "rolled_back",
  "rollback_slug_taken",
  "not_started",
  "memory_edited",
  "locale_saved",
  "skill_uploaded",
  "skill_saved",
  "skill_agents",
  "skill_rolled_back",
  "mcp_saved",
  "mcp_deleted",
  "mcp_read_only",
  "two_factor_on",
  "two_factor_off",
  "two_factor_reset",
  "two_factor_policy",
] as const;
export type FlashKey = (typeof KEYS)[number];
const FLASH_KEYS = new Set<string>(KEYS);

export const flashMessage = (key: string | undefined): string | undefined => (key && FLASH_KEYS.has(key) ? t(`flash.${key}` as MessageKey) : undefined);

export const withFlash = (path: string, key: FlashKey | (string & {})): string => `${path}${path.includes("?") ? "&" : "?"}flash=${key}`;
