/**
 * The Agent Designer's heartbeat fields: on/off, interval, quiet hours, the checklist (HEARTBEAT.md)
 * and where a reach-out goes. They are validated by the same schema as `heartbeat:` in
 * konstruct.config.yaml (config/schema.ts heartbeatSchema), so the console cannot store what the
 * file would refuse; the notify channel's existence is checked against the tenant when saving.
 */
import type { HeartbeatSettings } from "../../db/schema/index.ts";
import { heartbeatSchema } from "../../config/schema.ts";
import { toSettings } from "../../heartbeat/settings.ts";
import { type Parsed, parseForm } from "../forms.ts";

/** Schema path → form field, so each error sits next to its input. */
const FIELD: Record<string, string> = {
  every_minutes: "heartbeat_every_minutes",
  checklist: "heartbeat_checklist",
  "quiet_hours.start": "heartbeat_quiet_start",
  "quiet_hours.end": "heartbeat_quiet_end",
  "quiet_hours.tz": "heartbeat_quiet_tz",
  "notify.channel": "heartbeat_notify_channel",
  "notify.chat": "heartbeat_notify_chat",
};

export function parseHeartbeatForm(f: Record<string, string>): Parsed<HeartbeatSettings | null> {
  if (f.heartbeat !== "on") return { ok: true, value: null };
  const v = (k: string) => (f[`heartbeat_${k}`] ?? "").trim();
  const quiet = v("quiet_start") || v("quiet_end");
  const notify = v("notify_channel") || v("notify_chat");
  const input = {
    every_minutes: v("every_minutes") || "30",
    checklist: (f.heartbeat_checklist ?? "").replace(/\r\n/g, "\n").trim(),
    ...(quiet ? { quiet_hours: { start: v("quiet_start"), end: v("quiet_end"), tz: v("quiet_tz") || "UTC" } } : {}),
    ...(notify ? { notify: { channel: v("notify_channel"), chat: v("notify_chat") } } : {}),
  };
  const r = parseForm(heartbeatSchema, input);
  if (r.ok) return { ok: true, value: toSettings(r.value) };
  const errors: Record<string, string> = {};
  for (const [k, msg] of Object.entries(r.errors)) errors[FIELD[k] ?? "heartbeat"] ??= k === "notify.chat" || k === "notify.channel" ? `${msg} (a reach-out needs both a channel and a chat)` : msg;
  return { ok: false, errors };
}

export function heartbeatToForm(h: HeartbeatSettings | null): Record<string, string> {
  if (!h) return { heartbeat: "off", heartbeat_every_minutes: "30" };
  return {
    heartbeat: "on",
    heartbeat_every_minutes: String(h.everyMinutes),
    heartbeat_checklist: h.checklist,
    heartbeat_quiet_start: h.quietHours?.start ?? "",
    heartbeat_quiet_end: h.quietHours?.end ?? "",
    heartbeat_quiet_tz: h.quietHours?.tz ?? "",
    heartbeat_notify_channel: h.notify?.channel ?? "",
    heartbeat_notify_chat: h.notify?.chat ?? "",
  };
}
