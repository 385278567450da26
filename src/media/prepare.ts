/**
 * Turns a message's attachments into what the agent turn reads, before the model is called: each
 * is downloaded through the channel (bounded by the largest per-kind limit and a timeout), judged
 * by its bytes (admit.ts), and either becomes context for the user's turn (an image: a part for the
 * vision model, when the agent has one) or a refusal the user is told plainly. Never throws: a channel failure is a refusal sentence too, so nothing crashes and
 * the event still ends with exactly one reply.
 */
import type { Attachment, ChannelAdapter } from "../channels/types.ts";
import { KonstructError } from "../errors.ts";
import type { AudioInput, ImageInput } from "../llm/types.ts";
import { admit, type MediaKind, type MediaLimits, tooLargeMessage } from "./admit.ts";
import type { DocumentReader } from "./read-document.ts";
import type { Heard, TranscriptionCall } from "./transcribe.ts";

export interface MediaConfig {
  max_image_mb: number;
  max_document_mb: number;
  max_audio_mb: number;
  max_files_per_message: number;
  excerpt_chars: number;
  download_timeout_ms: number;
}

export interface PreparedMedia {
  /** Sentences for the user; when there are any, the turn answers with them instead of the model. */
  refusals: string[];
  /** Lines appended to the user's turn, one block per admitted attachment. */
  context: string[];
  /** Admitted images, for the turn's vision model (only when the agent has one). */
  images: ImageInput[];
  /** A voice note was transcribed: the user spoke, so the answer may be spoken too (media/speak.ts). */
  heard?: boolean;
  /** Transcription calls made (failed ones too), for the turn's ledger: usage rows and budget. */
  calls?: TranscriptionCall[];
}

/** What the agent can take in, decided by the caller from the agent's model chain and the app's setup. */
export interface MediaAbilities {
  /** A link of the chain is flagged ` vision`. */
  seesImages: boolean;
  /** Reads PDF and Word files (read-document.ts); without it they are refused plainly. */
  readDocument?: DocumentReader;
  /** Voice notes to text (config media.transcription, gated by the caller's budget); without it they are refused plainly. */
  transcribe?: (audio: AudioInput, signal?: AbortSignal) => Promise<Heard>;
  /** Keeps an admitted file in the tenant's attachment store (media/attachments.ts); it must not throw. */
  keep?: (file: { name: string; mime: string; kind: MediaKind }, bytes: Uint8Array) => Promise<void>;
  /** A `stored` attachment's bytes (null: not the sender's, or gone); and ties it to this event instead of keeping it again. */
  stored?: { open(id: string): Promise<Uint8Array | null>; claim(id: string): Promise<void> };
}

/** Whisper endpoints pick the decoder by the file's extension: name it by the sniffed type. */
const AUDIO_EXTENSION: Record<string, string> = { "audio/ogg": "ogg", "audio/opus": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/wav": "wav", "audio/webm": "webm", "video/webm": "webm" };

const MB = 1024 * 1024;

export function limitsOf(c: MediaConfig): MediaLimits {
  return { image: c.max_image_mb * MB, document: c.max_document_mb * MB, audio: c.max_audio_mb * MB };
}

export async function prepareAttachments(adapter: Pick<ChannelAdapter, "download">, attachments: Attachment[], config: MediaConfig, can: MediaAbilities, signal?: AbortSignal): Promise<PreparedMedia> {
  const out: PreparedMedia = { refusals: [], context: [], images: [] };
  if (!attachments.length || (!adapter.download && !attachments.some((a) => a.stored))) return out;
  if (attachments.length > config.max_files_per_message) {
    out.refusals.push(`Please send at most ${config.max_files_per_message} files in one message.`);
    return out;
  }
  const limits = limitsOf(config);
  const max = Math.max(limits.image, limits.document, limits.audio);
  for (const a of attachments) {
    const timeout = AbortSignal.timeout(config.download_timeout_ms);
    let bytes: Uint8Array;
    try {
      if (a.stored) bytes = (await can.stored?.open(a.ref)) ?? fail();
      else if (adapter.download) ({ bytes } = await adapter.download(a, max, signal ? AbortSignal.any([signal, timeout]) : timeout));
      else continue;
    } catch (e) {
      out.refusals.push(e instanceof KonstructError && e.code === "too_large" ? tooLargeMessage(a.name, "file", max) : `I couldn't fetch "${a.name}" from the chat; please send it again.`);
      continue;
    }
    const verdict = await admit(a.name, bytes, limits);
    if (verdict.ok) await (a.stored ? can.stored?.claim(a.ref) : can.keep?.({ name: a.name, mime: verdict.mime, kind: verdict.kind }, bytes));
    if (!verdict.ok) out.refusals.push(verdict.message);
    else if (verdict.kind === "image" && can.seesImages) {
      // Bounded by max_image_mb (admit): at most ~1.34× that as base64 in the request.
      out.images.push({ mime: verdict.mime, base64: Buffer.from(bytes).toString("base64") });
      out.context.push(`[attached image "${a.name}" (${verdict.mime})]`);
    } else if (verdict.kind === "document" && verdict.mime !== "text/plain" && can.readDocument) {
      try {
        out.context.push(excerpt(a.name, verdict.mime, await can.readDocument(bytes, a.name, verdict.mime), config.excerpt_chars));
      } catch (e) {
        out.refusals.push((e as Error).message);
      }
    } else if (verdict.kind === "audio" && can.transcribe) {
      const mime = verdict.mime.split(";")[0]!.trim();
      const ext = AUDIO_EXTENSION[mime];
      const name = ext ? `${a.name.replace(/\.[a-z0-9]{1,5}$/i, "")}.${ext}` : a.name;
      const heard = await can.transcribe({ bytes, name, mime }, signal).catch((): Heard => ({ text: null, call: null }));
      if (heard.call) (out.calls ??= []).push(heard.call);
      if (heard.text === null) out.refusals.push(heard.refusal ?? `I couldn't transcribe "${a.name}" just now. Please try again, or type your message.`);
      else {
        out.context.push(transcript(a.name, heard.text.trim(), config.excerpt_chars));
        out.heard = true;
      }
    } else if (verdict.mime !== "text/plain") out.refusals.push(UNSUPPORTED[verdict.kind](a.name));
    else out.context.push(excerpt(a.name, "text/plain", new TextDecoder().decode(bytes), config.excerpt_chars));
  }
  return out;
}

const fail = (): never => {
  throw new KonstructError("not_found", "no such stored attachment");
};

/** What cannot be read yet is said plainly rather than handed to the model as a name it cannot open. */
const UNSUPPORTED: Record<MediaKind, (name: string) => string> = {
  image: (name) => `This AI employee cannot see images ("${name}"): none of its models is set up for pictures. Please describe it in words.`,
  audio: (name) => `I can't listen to voice notes or audio ("${name}"): no transcription is set up. Please type your message.`,
  document: (name) => `I can't read PDF or Word files in chat yet ("${name}"). Please paste the text, or send it as a .txt file.`,
};

/** A voice note as the turn (and the conversation's transcript) reads it: what was said, bounded like a document. */
function transcript(name: string, text: string, excerptChars: number): string {
  const said = text.length > excerptChars ? `${text.slice(0, excerptChars)} [… ${text.length - excerptChars} more characters not shown]` : text || "(nothing audible)";
  return `[voice note "${name}", transcribed]\n${said}`;
}

/** The document's text as the turn reads it, cut at `excerptChars` with a note saying how much was left out. */
function excerpt(name: string, mime: string, text: string, excerptChars: number): string {
  const cut = text.length > excerptChars ? `${text.slice(0, excerptChars)}\n[… ${text.length - excerptChars} more characters not shown]` : text;
  return `[attached document "${name}" (${mime}), its text follows]\n${cut}\n[end of "${name}"]`;
}
