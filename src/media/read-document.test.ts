/**
 * PDF and Word files sent in chat go through the knowledge base's extraction child with its limits:
 * real fixtures become text (also when the sender named the file wrongly), a decompression bomb and
 * a document over the page limit are refused with a sentence naming why, never thrown past prepare.
 */
import { describe, expect, test } from "bun:test";
import type { Attachment } from "../channels/types.ts";
import { docxBomb } from "../../test/support/zip-bomb.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../knowledge/extract.ts";
import { prepareAttachments } from "./prepare.ts";
import { documentReader } from "./read-document.ts";

const fixture = async (name: string) => new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/${name}`).arrayBuffer());
const PDF = await fixture("policy.pdf");
const DOCX = await fixture("onboarding.docx");
const LIMITS = { ...DEFAULT_EXTRACT_LIMITS, timeoutMs: 30_000, maxRssMb: 400 };
const read = documentReader(LIMITS);
const CONFIG = { max_image_mb: 1, max_document_mb: 1, max_audio_mb: 1, max_files_per_message: 3, excerpt_chars: 8000, download_timeout_ms: 5000 };
const channel = (files: Record<string, Uint8Array>) => ({ download: async (a: Attachment) => ({ bytes: files[a.ref]! }) });
const att = (ref: string, name: string): Attachment => ({ ref, name });

describe("documents sent in chat", () => {
  test("PDF and DOCX become text through the extraction child; a wrong name does not matter", async () => {
    expect(await read(PDF, "policy.pdf", "application/pdf")).toContain("Passwords must be at least 14 characters long.");
    expect(await read(PDF, "scan.jpg", "application/pdf")).toContain("Report phishing emails");
    expect(await read(DOCX, "guide", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toContain("## First day");
  });

  test("a decompression bomb is refused by the zip guard with a sentence, and so is a PDF over the page limit", async () => {
    const bomb = await docxBomb(DOCX, { inflatedMb: 200 });
    const out = await prepareAttachments(channel({ b: bomb }), [att("b", "bomb.docx")], { ...CONFIG, max_document_mb: 5 }, { seesImages: false, readDocument: read });
    expect(out.context).toEqual([]);
    expect(out.refusals).toHaveLength(1);
    expect(out.refusals[0]).toMatch(/^I couldn't read "bomb.docx" \(.*refused.*\)\. Please paste the text/);
    await expect(documentReader({ ...LIMITS, maxPdfPages: 0 })(PDF, "policy.pdf", "application/pdf")).rejects.toThrow(/pages \(at most 0\)/);
  });

  test("the text goes into the turn under a header, cut at excerpt_chars with a note", async () => {
    const out = await prepareAttachments(channel({ p: PDF }), [att("p", "policy.pdf")], { ...CONFIG, excerpt_chars: 40 }, { seesImages: false, readDocument: read });
    expect(out.refusals).toEqual([]);
    const [block] = out.context;
    expect(block).toStartWith('[attached document "policy.pdf" (application/pdf), its text follows]\n# Security Policy\n\nPasswords must be at ');
    expect(block).toMatch(/\n\[… \d+ more characters not shown\]\n\[end of "policy.pdf"\]$/);
  });

  test("without a reader a PDF is refused plainly, as before", async () => {
    const out = await prepareAttachments(channel({ p: PDF }), [att("p", "policy.pdf")], CONFIG, { seesImages: false });
    expect(out.refusals[0]).toContain(`can't read PDF or Word files in chat yet ("policy.pdf")`);
  });
});
