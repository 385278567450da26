/**
 * The heartbeat's settings as konstruct.config.yaml and the Agent Designer write them (validated by
 * config/schema.ts heartbeatSchema, one rule for both) → as stored on `agents.heartbeat`.
 */
import type { z } from "zod";
import type { heartbeatSchema } from "../config/schema.ts";
import type { HeartbeatSettings } from "../db/schema/index.ts";

export type HeartbeatConfig = z.infer<typeof heartbeatSchema>;

export function toSettings(h: HeartbeatConfig): HeartbeatSettings {
  return { everyMinutes: h.every_minutes, quietHours: h.quiet_hours ?? null, checklist: h.checklist, notify: h.notify ?? null };
}

/** The inverse (`konstruct export`): stored settings → the config's keys, absent ones left out. */
export function fromSettings(s: HeartbeatSettings): HeartbeatConfig {
  const { quietHours: q, notify: n } = s;
  // Rebuilt key by key: jsonb keeps its own key order, a file reads better in the schema's.
  return { every_minutes: s.everyMinutes, ...(q ? { quiet_hours: { start: q.start, end: q.end, tz: q.tz } } : {}), checklist: s.checklist, ...(n ? { notify: { channel: n.channel, chat: n.chat } } : {}) };
}
