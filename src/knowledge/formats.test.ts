/**
 * One handbook as Markdown, HTML, DOCX and an untagged PDF (test/fixtures/kb/formats, made by
 * make-formats.ts) gives the same sections and the same normalized text; no Markdown escapes reach the
 * text, and the PDFs' headings come from their font sizes or, all text at one size, from the outline.
 */
import { describe, expect, test } from "bun:test";
import { chunkMarkdown } from "./chunk.ts";
import { extractDocument } from "./extract.ts";
import { normalizedText } from "./normalize.ts";

const FILES = ["manual.md", "manual.html", "manual.docx", "manual.pdf", "manual-outline.pdf"] as const;
const read = async (name: string) => new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/formats/${name}`).arrayBuffer());
const extracted = Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await extractDocument(await read(f), f)] as const)));
const sections = (text: string) => [...new Set(chunkMarkdown(text).map((c) => c.section))];

const SECTIONS = [
  "Field Service Manual",
  "Field Service Manual > Safety > Protective gear",
  "Field Service Manual > Safety > Incidents",
  "Field Service Manual > Visits > Before a visit",
  "Field Service Manual > Visits > Rates",
  "Field Service Manual > Contacts",
];

describe("one handbook in four formats", () => {
  test.each(FILES)("%s: the same title and sections", (f) => {
    expect(extracted[f]!.title).toBe("Field Service Manual");
    expect(sections(extracted[f]!.text)).toEqual(SECTIONS);
  });

  test.each(FILES)("%s: the same normalized text, without Markdown escapes", (f) => {
    const text = normalizedText(extracted[f]!.text);
    expect(text).toBe(normalizedText(extracted["manual.md"]!.text));
    expect(text).not.toContain("\\");
    for (const s of ["at level 3. Read it", "marked with * is cut", "with ** is also", "1) step back", "dispatch_team@example.com", "[extension 5]", "Task Hours Rate Inspection 1 80 EUR"]) expect(text).toContain(s);
  });
});

describe("normalized text", () => {
  test("drops headings marks, list markers, table pipes and separator rows, and folds whitespace", () => {
    expect(normalizedText("# Title\n\n- one\n* two\n\u2022 three\n1. four\n2) five\n\n| A | B |\n| --- | :-: |\n| 1 | 2 |\n\nwrapped\nline  here")).toBe("Title one two three four five A B 1 2 wrapped line here");
  });

  test("keeps what only looks like markup inside a line", () => {
    expect(normalizedText("level 3. then 1) step - and * and | pipe\n---")).toBe("level 3. then 1) step - and * and pipe ---");
  });
});
