/** Real PDF, DOCX and HTML fixtures (test/fixtures/kb, made by make-fixtures.ts) → the expected clean text and chunks. */
import { describe, expect, test } from "bun:test";
import { KonstructError } from "../errors.ts";
import { chunkMarkdown } from "./chunk.ts";
import { extractDocument } from "./extract.ts";

const fixture = async (name: string) => new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/${name}`).arrayBuffer());

describe("document extraction", () => {
  test("PDF: text of every page, the larger first line as a heading, title from the metadata", async () => {
    expect(await extractDocument(await fixture("policy.pdf"), "policy.pdf", "application/pdf")).toEqual({
      format: "pdf",
      title: "Security Policy",
      text: "# Security Policy\n\nPasswords must be at least 14 characters long.\n\nBadges must be worn visibly inside the office.\n\nReport phishing emails to security@example.com.",
    });
  });

  test("DOCX: headings kept as Markdown headings", async () => {
    expect(await extractDocument(await fixture("onboarding.docx"), "onboarding.docx")).toEqual({
      format: "docx",
      title: "Onboarding Guide",
      text: "# Onboarding Guide\n\n## First day\n\nCollect your laptop from the IT desk on the second floor.\n\n## First week\n\nMeet your buddy every morning at 9:00.",
    });
  });

  test("HTML: Markdown without head, scripts, styles or navigation; title from <title>", async () => {
    expect(await extractDocument(await fixture("travel.html"), "travel.html", "text/html")).toEqual({
      format: "html",
      title: "Travel Guide",
      text: "# Travel Guide\n\nBook flights at least **14 days** in advance.\n\n## Trains\n\nFirst class is allowed for journeys longer than four hours.\n\n* Keep your tickets\n* Upload receipts",
    });
  });

  test("unsupported, unreadable or empty uploads are refused with the reason", async () => {
    await expect(extractDocument(new Uint8Array([1, 2]), "photo.png", "image/png")).rejects.toThrow(/unsupported document type 'photo.png'/);
    await expect(extractDocument(new TextEncoder().encode("not a pdf"), "broken.pdf")).rejects.toThrow(/could not read 'broken.pdf' as pdf/);
    await expect(extractDocument(new TextEncoder().encode("  \n\n "), "empty.txt")).rejects.toBeInstanceOf(KonstructError);
  });
});

describe("chunking", () => {
  test("by headings, each chunk knowing its heading path", () => {
    const chunks = chunkMarkdown("# Guide\n\nIntro.\n\n## A\n\nAlpha text.\n\n### A1\n\nDeep.\n\n## B\n\nBeta.");
    expect(chunks.map((c) => [c.section, c.content])).toEqual([
      ["Guide", "Intro."],
      ["Guide > A", "Alpha text."],
      ["Guide > A > A1", "Deep."],
      ["Guide > B", "Beta."],
    ]);
  });

  test("long sections become overlapping windows cut at sentence ends", () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i} has exactly six words.`);
    const chunks = chunkMarkdown(`## Long\n\n${sentences.join(" ")}`, { maxWords: 40, overlapWords: 12 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.content.split(/\s+/).length).toBeLessThanOrEqual(40);
    // Consecutive windows share their boundary sentences, and together cover every sentence.
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.content.startsWith(chunks[i - 1]!.content.split(". ").slice(-2).join(". ").split(". ")[0]!)).toBe(true);
    for (const s of sentences) expect(chunks.some((c) => c.content.includes(s))).toBe(true);
  });
});
