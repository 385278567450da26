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
