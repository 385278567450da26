/** PDF headings from font sizes, on PDFs made here with pdf-lib: wrapped titles, long large lines, page breaks. */
import { expect, test } from "bun:test";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { extractDocument } from "./extract.ts";

async function pdfOf(pages: [text: string, size: number, y: number][][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    for (const [text, size, y] of lines) page.drawText(text, { x: 50, y, size, font });
  }
  return pdf.save();
}

test("a title over two lines is one heading; a long line in large type is body text; a page starts a paragraph", async () => {
  const bytes = await pdfOf([
    [["Quarterly Report on the Maintenance", 18, 800], ["of the Northern Fleet", 18, 779], ["Body text at the usual size, the most used one.", 11, 740], ["It goes on here, with more words than the titles have,", 11, 726], ["so that this size is the body size of the report.", 11, 712]],
    [["It is set in large type but has far too many words to be a title at all", 13, 800], ["Closing words of the report.", 11, 760]],
  ]);
  expect((await extractDocument(bytes, "report.pdf")).text).toBe(
    "# Quarterly Report on the Maintenance of the Northern Fleet\n\nBody text at the usual size, the most used one.\nIt goes on here, with more words than the titles have,\nso that this size is the body size of the report.\n\nIt is set in large type but has far too many words to be a title at all\n\nClosing words of the report.",
  );
});

test("a body line that starts like a Markdown heading is escaped, not taken for a section", async () => {
  const bytes = await pdfOf([[["# not a heading, just a hash", 11, 800], ["and more body text at this size.", 11, 786]]]);
  expect((await extractDocument(bytes, "hash.pdf")).text).toBe("\\# not a heading, just a hash\nand more body text at this size.");
});
