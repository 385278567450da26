/**
 * PDF and Word files sent in chat are read by the knowledge base's own extractor, in its child
 * process and under the same limits (config.knowledge: zip-bomb guard, page count, text length,
 * memory and time): a hostile file sent in chat can do no more than the same file uploaded. The file
 * is named by its sniffed type, since the extractor picks the format by extension and a chat file's
 * name is whatever the sender chose.
 */
import { KonstructError } from "../errors.ts";
import { type ChildLimits, extractInChild } from "../knowledge/extract-child.ts";

/** Resolves to the document's text (Markdown), or rejects with a sentence fit for the user. */
export type DocumentReader = (bytes: Uint8Array, name: string, mime: string) => Promise<string>;

const EXTENSION: Record<string, string> = {
  "application/pdf": ".pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
};

export function documentReader(limits: ChildLimits): DocumentReader {
  return async (bytes, name, mime) => {
    const ext = EXTENSION[mime];
    if (!ext) throw new Error(`I can't read "${name}" (${mime}).`);
    const named = name.toLowerCase().endsWith(ext) ? name : `${name}${ext}`;
    try {
      return (await extractInChild(bytes, named, mime, limits)).doc.text;
    } catch (e) {
      // The extractor's refusals name the file and the limit; anything else stays generic.
      const why = e instanceof KonstructError && e.code === "unprocessable" ? ` (${e.message})` : "";
      throw new Error(`I couldn't read "${name}"${why}. Please paste the text, or send it as a .txt file.`);
    }
  };
}
