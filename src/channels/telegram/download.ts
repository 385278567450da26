/**
 * Telegram attachment download: getFile turns a file_id into a file_path, then the bytes come from
 * `{apiRoot}/file/bot<token>/<file_path>`. The declared file_size is checked before the download and
 * the body is read bounded (media/read-bounded.ts), so a lying size cannot make us buffer more than
 * maxBytes. The token is part of the URL: it is redacted from every error this throws.
 */
import type { Api } from "grammy";
import { KonstructError } from "../../errors.ts";
import { readBounded, tooLarge } from "../../media/read-bounded.ts";
import type { Attachment } from "../types.ts";
import { grammySignal } from "./poll.ts";
import { type GrammyErrors, redact, toSendError } from "./send.ts";

export async function downloadFile(
  env: { api: Api; errors: GrammyErrors; apiRoot: string; token: string; fetch: typeof fetch },
  attachment: Attachment,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; mime?: string }> {
  if (attachment.size !== undefined && attachment.size > maxBytes) throw tooLarge(maxBytes);
  let file;
  try {
    file = await env.api.getFile(attachment.ref, signal ? grammySignal(signal) : undefined);
  } catch (e) {
    if (e instanceof env.errors.GrammyError && /too big/i.test(e.description)) throw tooLarge(maxBytes);
    throw toSendError(e, env.errors, env.token);
  }
  if (file.file_size !== undefined && file.file_size > maxBytes) throw tooLarge(maxBytes);
  if (!file.file_path) throw new KonstructError("unavailable", "telegram getFile returned no file_path");
  const url = `${env.apiRoot}/file/bot${env.token}/${file.file_path}`;
  let response: Response;
  try {
    response = await env.fetch(url, { signal });
  } catch (e) {
    throw new KonstructError("unavailable", `telegram file download failed: ${redact(String(e), env.token)}`);
  }
  if (!response.ok) throw new KonstructError("unavailable", `telegram file download failed: HTTP ${response.status}`);
  const bytes = await readBounded(response, maxBytes);
  return { bytes, ...(attachment.mime ? { mime: attachment.mime } : {}) };
}
