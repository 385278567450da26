/**
 * Decides what an attachment is from its bytes — never from its name or the channel's claimed MIME —
 * and whether it may be used. file-type reads the magic numbers; bytes it does not recognise count
 * as plain text only when they are valid UTF-8 without NULs (a disguised binary has either). Every
 * refusal carries a sentence meant for the user, so the turn can answer it plainly.
 */
// file-type (with strtok3 and its inflate) costs several MB once loaded: loaded with the first attachment.
let fileType: Promise<typeof import("file-type")> | null = null;

export type MediaKind = "image" | "document" | "audio";

export interface MediaLimits {
  /** Per kind, in bytes. */
  image: number;
  document: number;
  audio: number;
}

export type Admission =
  | { ok: true; kind: MediaKind; mime: string }
  | { ok: false; reason: "refused_type" | "too_large"; message: string };

const IMAGE = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const DOCUMENT = new Set([
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]);
const AUDIO = new Set(["audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/wav", "audio/webm", "video/webm", "audio/aac"]);

/** The MIME type the bytes really are, or undefined when nothing is recognised. */
export async function sniff(bytes: Uint8Array): Promise<string | undefined> {
  const found = await (await (fileType ??= import("file-type"))).fileTypeFromBuffer(bytes);
  if (found) return found.mime;
  return isText(bytes) ? "text/plain" : undefined;
}

export async function admit(name: string, bytes: Uint8Array, limits: MediaLimits): Promise<Admission> {
  const mime = await sniff(bytes);
  const kind = mime ? kindOf(mime.split(";")[0]!.trim()) : undefined;
  if (!kind || !mime) {
    const what = mime ? `of type ${mime.split(";")[0]}` : "of a type I don't recognise";
    return { ok: false, reason: "refused_type", message: `I can't use "${name}": it is ${what}. I accept images, PDF, Word, text files and voice notes.` };
  }
  if (bytes.byteLength > limits[kind]) return { ok: false, reason: "too_large", message: tooLargeMessage(name, kind, limits[kind]) };
  return { ok: true, kind, mime };
}

function kindOf(base: string): MediaKind | undefined {
  if (IMAGE.has(base)) return "image";
  if (DOCUMENT.has(base) || base === "text/plain") return "document";
  return AUDIO.has(base) ? "audio" : undefined;
}

export function tooLargeMessage(name: string, kind: MediaKind | "file", max: number): string {
  return `"${name}" is too large: ${kind === "file" ? "files" : `${kind} files`} may be at most ${formatMb(max)}.`;
}

function formatMb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
