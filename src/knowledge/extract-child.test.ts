/**
 * Decompression bombs and runaway converters, with a real bomb (test/support/zip-bomb.ts: a 1.5 MB
 * DOCX whose document.xml inflates to 1.5 GB). The zip guard refuses it from its declared sizes, and
 * from what inflation produces when the headers lie; with the guards out of the way the child is
 * killed at its deadline (the bomb) or its memory limit (a huge text) — the server never grows.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { KonstructError } from "../errors.ts";
import { docxBomb } from "../../test/support/zip-bomb.ts";
import { type ChildLimits, extractInChild, rssMb } from "./extract-child.ts";
import { DEFAULT_EXTRACT_LIMITS, extractDocument } from "./extract.ts";
import { checkZip } from "./zip-guard.ts";

const DOCX = new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/onboarding.docx`).arrayBuffer());
const BOMB = await docxBomb(DOCX, { inflatedMb: 1500 });
const LIAR = await docxBomb(DOCX, { inflatedMb: 1500, declaredBytes: 4096 });
/** Plain text the limits below let through, too big for the child's memory: a file, so this process never holds it. */
const HUGE_TEXT = join(mkdtempSync(join(tmpdir(), "kx-")), "huge.txt");
writeFileSync(HUGE_TEXT, "");
for (let i = 0; i < 160; i++) appendFileSync(HUGE_TEXT, Buffer.alloc(1024 * 1024, 65));
const GUARD = { maxEntries: 2000, maxBytes: 64 * 1024 * 1024, maxRatio: 100 };
const LIMITS: ChildLimits = { ...DEFAULT_EXTRACT_LIMITS, timeoutMs: 30_000, maxRssMb: 400 };
/** Limits that let the bomb through to mammoth: only the child's own bounds are left. */
const NO_GUARD: ChildLimits = { ...LIMITS, maxUnzippedBytes: 2 ** 40, maxZipRatio: 1e9, maxTextChars: 1e12 };

afterAll(() => rmSync(dirname(HUGE_TEXT), { recursive: true, force: true }));

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "accepted",
    (e) => (e instanceof KonstructError ? `${e.code}: ${e.message}` : `other: ${e}`),
  );

describe("zip guard", () => {
  test("the bomb is small on disk", () => {
    expect(BOMB.byteLength).toBeLessThan(2 * 1024 * 1024);
  });

  test("a real DOCX passes; entry count and declared size are checked before inflating", () => {
    expect(() => checkZip(DOCX, "ok.docx", GUARD)).not.toThrow();
    expect(() => checkZip(DOCX, "many.docx", { ...GUARD, maxEntries: 5 })).toThrow(/has 17 entries \(at most 5\)/);
    expect(() => checkZip(BOMB, "bomb.docx", GUARD)).toThrow(/would unpack to 1500 MB \(at most 64 MB\)/);
  });

  test("headers that lie: the running count of inflated bytes stops it", () => {
    expect(() => checkZip(LIAR, "liar.docx", GUARD)).toThrow(/unpacks more than 100 times its size|unpacks to more than 64 MB/);
    expect(() => checkZip(LIAR, "liar.docx", { ...GUARD, maxRatio: 1e9 })).toThrow(/unpacks to more than 64 MB/);
  });

  test("extractDocument refuses the bomb as unprocessable", async () => {
    expect(await refusal(extractDocument(LIAR, "liar.docx", "", DEFAULT_EXTRACT_LIMITS))).toMatch(/^unprocessable: 'liar.docx' was refused: it unpacks/);
  });
});

describe("extraction child", () => {
  test("extracts and chunks a real document", async () => {
    const { doc, chunks } = await extractInChild(DOCX, "onboarding.docx", "", LIMITS);
    expect(doc.title).toBe("Onboarding Guide");
    expect(chunks.map((c) => c.section)).toEqual(["Onboarding Guide > First day", "Onboarding Guide > First week"]);
  });

  test("the guard refuses the bomb inside the child", async () => {
    expect(await refusal(extractInChild(LIAR, "liar.docx", "", LIMITS))).toMatch(/^unprocessable: 'liar.docx' was refused: it unpacks/);
  });

  test("past the limits, the memory limit kills the child; the server's RSS does not move", async () => {
    const before = rssMb(process.pid)!;
    let peak = before;
    const watch = setInterval(() => (peak = Math.max(peak, rssMb(process.pid)!)), 20);
    const outcome = await refusal(extractInChild(Bun.file(HUGE_TEXT), "huge.txt", "", { ...NO_GUARD, maxRssMb: 250 }));
    clearInterval(watch);
    expect(outcome).toBe("unprocessable: 'huge.txt' was refused: extraction needed more than 250 MB of memory");
    expect(peak - before).toBeLessThan(100);
  });

  test("past the guard, the deadline kills the child", async () => {
    const outcome = await refusal(extractInChild(BOMB, "slow.docx", "", { ...NO_GUARD, maxRssMb: 1200, timeoutMs: 1000 }));
    expect(outcome).toMatch(/^unprocessable: 'slow.docx' was refused: extraction (took longer than 1 s|needed more than 1200 MB of memory)$/);
  });

  test("text longer than the limit is refused, for plain text before decoding", async () => {
    const long = new TextEncoder().encode("word ".repeat(5000));
    expect(await refusal(extractInChild(long, "long.md", "", { ...LIMITS, maxTextChars: 10_000 }))).toBe("unprocessable: 'long.md' was refused: its text is longer than 10000 characters");
  });
});
