/**
 * The widget's three calls (all POST with a text/plain JSON body, so a browser sends no preflight):
 *   session   a new anonymous visitor: `{ token }` to keep in localStorage
 *   messages  `{ token, id, text, files? }`: one message into the pipeline; `id` (the widget's own, per
 *             message) makes a retry the same inbound event, so a message is answered exactly once;
 *             `files: [{ name, data (base64) }]` are judged and kept first (files.ts)
 *   poll      `{ token }`: the visitor's chat; while a reply is pending it waits (bounded) for it
 */
import { widgetChatKey } from "../channels/widget/adapter.ts";
import type { WidgetDeps, WidgetGuard } from "./guard.ts";
import { acceptFiles, maxMessageBody } from "./files.ts";
import { json, readJson, WidgetError } from "./http.ts";
import { issueVisitor } from "./token.ts";
import { visitorLog } from "./log.ts";

/** How long one poll waits for a pending reply before answering anyway (the widget polls again). */
export const POLL_WAIT_MS = 8_000; // under Bun.serve's default idle timeout (10 s)
const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;

export async function newSession(guard: WidgetGuard, id: string, request: Request): Promise<Response> {
  const widget = await guard.open(id, request, "send");
  const { token } = issueVisitor(widget.adapter.visitorKey, widget.id);
  return json(200, { token }, widget.origin);
}

export async function sendMessage(deps: WidgetDeps, guard: WidgetGuard, id: string, request: Request): Promise<Response> {
  const widget = await guard.open(id, request, "send");
  const body = await readJson(request, maxMessageBody(deps.config.widget));
  const visitorId = await guard.visitor(widget, body.token, true);
  const text = typeof body.text === "string" ? body.text.trim() : "";
  const hasFiles = Array.isArray(body.files) && body.files.length > 0;
  if (!text && !hasFiles) throw new WidgetError(400, "bad_request", "text: a message is required");
  const max = deps.config.widget.max_chars;
  if (text.length > max) throw new WidgetError(413, "too_long", `Messages are limited to ${max} characters.`);
  if (typeof body.id !== "string" || !MESSAGE_ID.test(body.id)) throw new WidgetError(400, "bad_request", "id: 8-64 letters, digits, - or _");
  // Judged and kept before the message is recorded: a refused file is this request's error, and the turn finds the rest stored.
  const files = await acceptFiles(deps.config, deps.attachments(), { tenantId: widget.tenantId, channelId: widget.id, userKey: `visitor:${visitorId}` }, body.files);
  await widget.adapter.say(visitorId, body.id, text, files);
  return json(202, { accepted: true }, widget.origin);
}

export async function poll(guard: WidgetGuard, id: string, request: Request): Promise<Response> {
  const widget = await guard.open(id, request, "poll");
  const visitorId = await guard.visitor(widget, (await readJson(request)).token, false);
  const chatKey = widgetChatKey(visitorId);
  const deadline = Date.now() + POLL_WAIT_MS;
  for (;;) {
    const log = await visitorLog(widget.db, widget.tenantId, widget.id, chatKey);
    const left = deadline - Date.now();
    if (!log.pending || left <= 0 || request.signal.aborted) return json(200, log, widget.origin);
    await widget.adapter.nextSend(chatKey, Math.min(1000, left));
  }
}
