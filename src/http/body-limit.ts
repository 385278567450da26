/**
 * Request bodies are bounded per route before anything reads them — before Elysia parses a form,
 * before adminAuth's CSRF check, before a webhook's signature is computed:
 *   /hooks/*                          512 KB (Slack and Telegram send a few KB)
 *   KB uploads (API and console),     knowledge.max_upload_total_mb, for a signed-in caller only
 *   web chat messages with files
 *   skill uploads (console)           2 MB (+ multipart framing), for a signed-in caller only
 *   widget messages                   widget.max_files × widget.max_file_mb as base64 (+ 64 KB): a visitor's
 *                                     files (src/widget/files.ts; the route checks origin, token and limits)
 *   everything else                   256 KB (console forms, API JSON)
 * A signed-in upload that would leave data_dir below disk.min_free_mb is refused from its headers
 * (507; its handler checks again with the files' real sizes, e.g. for a chunked body).
 * A declared Content-Length over the limit is refused at once (413); a body without one (chunked)
 * is counted as it streams and cut off at the limit (bounded-read.ts). Who is signed in is looked
 * up from the session cookie or bearer token only for upload routes, and only when the body is large.
 */
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { tokenPrincipal } from "../admin/accounts/access-tokens.ts";
import { sessionPrincipal } from "../admin/accounts/sessions.ts";
import { SESSION_COOKIE } from "../admin/auth/plugin.ts";
import { KonstructError } from "../errors.ts";
import { boundedBody } from "../bounded-read.ts";
import { type DiskSpace, requireSpace } from "../db/disk-space.ts";
import { maxMessageBody } from "../widget/files.ts";

export const HOOK_BODY_BYTES = 512 * 1024;
export const FORM_BODY_BYTES = 256 * 1024;
/** Room for the multipart framing around the files themselves. */
const MULTIPART_SLACK = 1024 * 1024;
const UPLOAD = [/^\/api\/v1\/kb\/[^/]+\/documents$/, /^\/kb\/[^/]+\/partials\/upload$/, /^\/admin\/chat\/[^/]+\/messages$/];
/** A skill folder (src/skills/upload.ts checks its own, tighter limits after this). */
const SKILL_UPLOAD = "/admin/skills/upload";
const SKILL_UPLOAD_BYTES = 2 * 1024 * 1024;
const WIDGET_MESSAGES = /^\/widget\/[^/]+\/messages$/;

export interface BodyLimitDeps {
  config: Config;
  db: () => Database | null;
  disk: DiskSpace;
}

/** The request to hand on (its body bounded if it streams), or throws 413. */
export async function limitBody(deps: BodyLimitDeps, request: Request): Promise<Request> {
  if (!request.body || request.method === "GET" || request.method === "HEAD") return request;
  const path = new URL(request.url).pathname;
  const skill = path === SKILL_UPLOAD;
  const upload = skill || UPLOAD.some((r) => r.test(path));
  const small = path.startsWith("/hooks/") ? HOOK_BODY_BYTES : WIDGET_MESSAGES.test(path) ? Math.max(FORM_BODY_BYTES, maxMessageBody(deps.config.widget)) : FORM_BODY_BYTES;
  const large = (skill ? SKILL_UPLOAD_BYTES : deps.config.knowledge.max_upload_total_mb * 1024 * 1024) + MULTIPART_SLACK;
  const declared = request.headers.get("content-length");
  const length = declared === null ? null : Number(declared);
  if (length !== null && length <= small) return request;
  const limit = upload && (await signedIn(deps, request)) ? large : small;
  if (length !== null && (!Number.isFinite(length) || length > limit)) throw tooLarge(limit, upload && limit === small);
  if (upload && limit === large) requireSpace(deps.disk, length ?? 0);
  if (length !== null) return request;
  return new Request(request, { body: boundedBody(request.body, limit, () => tooLarge(limit, false)) });
}

function tooLarge(limit: number, signIn: boolean): KonstructError {
  return new KonstructError("too_large", `request body larger than ${Math.round(limit / 1024)} KB${signIn ? " (sign in to upload larger files)" : ""}`);
}

async function signedIn(deps: BodyLimitDeps, request: Request): Promise<boolean> {
  const db = deps.db();
  if (!db) return false;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer) return (await tokenPrincipal(db, bearer)) !== null;
  const sid = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(request.headers.get("cookie") ?? "")?.[1];
  return !!sid && (await sessionPrincipal(db, decodeURIComponent(sid), deps.config.admin.session_ttl_hours * 3_600_000)) !== null;
}
