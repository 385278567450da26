/**
 * Slack attachment download: files.info turns the file id into `url_private_download`, fetched with
 * the bot token as a Bearer header (Slack's only way in). The token goes only to Slack's file host or
 * the configured API's own origin — never to whatever host a files.info answer names — and the body
 * is read bounded (media/read-bounded.ts). Errors carry Slack's error code, never the token.
 */
import type { WebClient } from "@slack/web-api";
import { KonstructError } from "../../errors.ts";
import { readBounded, tooLarge } from "../../media/read-bounded.ts";
import type { Attachment } from "../types.ts";
import { toSendError } from "./web.ts";

const SLACK_FILE_HOSTS = new Set(["files.slack.com"]);

export async function downloadSlackFile(
  env: { web: WebClient; token: string; apiUrl?: string; fetch: typeof fetch },
  attachment: Attachment,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; mime?: string }> {
  if (attachment.size !== undefined && attachment.size > maxBytes) throw tooLarge(maxBytes);
  let file: { size?: number; mimetype?: string; url_private?: string; url_private_download?: string } | undefined;
  try {
    file = (await env.web.files.info({ file: attachment.ref })).file;
  } catch (e) {
    throw new KonstructError("unavailable", toSendError(e, "files.info").message);
  }
  if (typeof file?.size === "number" && file.size > maxBytes) throw tooLarge(maxBytes);
  const url = file?.url_private_download ?? file?.url_private;
  if (!url) throw new KonstructError("unavailable", "slack files.info returned no download URL");
  const target = new URL(url);
  const apiOrigin = env.apiUrl ? new URL(env.apiUrl).origin : undefined;
  if (!SLACK_FILE_HOSTS.has(target.hostname) && target.origin !== apiOrigin) {
    throw new KonstructError("forbidden", `slack file URL points at ${target.hostname}, not Slack: not sending the token there`);
  }
  let response: Response;
  try {
    response = await env.fetch(target, { headers: { authorization: `Bearer ${env.token}` }, signal });
  } catch (e) {
    throw new KonstructError("unavailable", `slack file download failed: ${e instanceof Error ? e.name : "network error"}`);
  }
  if (!response.ok) throw new KonstructError("unavailable", `slack file download failed: HTTP ${response.status}`);
  const bytes = await readBounded(response, maxBytes);
  const mime = file?.mimetype ?? attachment.mime;
  return { bytes, ...(mime ? { mime } : {}) };
}
