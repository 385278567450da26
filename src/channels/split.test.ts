import { describe, expect, test } from "bun:test";
import { splitText } from "./split.ts";

const words = (n: number, w = "word") => Array.from({ length: n }, (_, i) => `${w}${i}`).join(" ");

function expectWithin(parts: string[], max: number) {
  expect(parts.length).toBeGreaterThan(0);
  for (const p of parts) {
    expect(p.length).toBeGreaterThan(0);
    expect(p.length).toBeLessThanOrEqual(max);
  }
}

describe("splitText", () => {
  test("short text stays one part, unchanged", () => {
    expect(splitText("hello\n\nworld", 100)).toEqual(["hello\n\nworld"]);
    expect(splitText("x".repeat(100), 100)).toEqual(["x".repeat(100)]);
  });

  test("rejects a nonsensical limit", () => {
    expect(() => splitText("abc", 0)).toThrow(RangeError);
  });

  test("prefers paragraph boundaries and packs greedily", () => {
    const a = "a".repeat(40);
    const b = "b".repeat(40);
    const c = "c".repeat(40);
    expect(splitText(`${a}\n\n${b}\n\n${c}`, 90)).toEqual([`${a}\n\n${b}`, c]);
  });

  test("falls back to line boundaries inside an oversized paragraph", () => {
    const lines = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(30));
    const parts = splitText(lines.join("\n"), 70);
    expectWithin(parts, 70);
    expect(parts).toEqual([`${lines[0]}\n${lines[1]}`, `${lines[2]}\n${lines[3]}`, `${lines[4]}\n${lines[5]}`]);
  });

  test("falls back to word boundaries inside an oversized line", () => {
    const text = words(200);
    const parts = splitText(text, 100);
    expectWithin(parts, 100);
    for (const p of parts) expect(p).toMatch(/^word\d+( word\d+)*$/);
    expect(parts.join(" ")).toBe(text);
  });

  test("cuts an endless word hard, never splitting a surrogate pair", () => {
    const parts = splitText("😀".repeat(10), 5);
    expectWithin(parts, 5);
    expect(parts.join("")).toBe("😀".repeat(10));
    for (const p of parts) expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  test("keeps a fenced code block whole when it fits, even with blank lines inside", () => {
    const code = "```ts\nconst a = 1;\n\nconst b = 2;\n```";
    const intro = "i".repeat(60);
    const parts = splitText(`${intro}\n\n${code}\n\nafter`, 70);
    expect(parts).toEqual([intro, `${code}\n\nafter`]);
  });

  test("an oversized code block is cut between lines and each piece re-fenced", () => {
    const body = Array.from({ length: 30 }, (_, i) => `line ${i} ${"x".repeat(20)}`);
    const text = `Before:\n\`\`\`python\n${body.join("\n")}\n\`\`\`\nAfter.`;
    const parts = splitText(text, 200);
    expectWithin(parts, 200);
    const fenced = parts.filter((p) => p.includes("```"));
    expect(fenced.length).toBeGreaterThan(1);
    for (const p of fenced) {
      const start = p.indexOf("```python\n");
      expect(start).toBeGreaterThanOrEqual(0);
      expect(p.trimEnd().endsWith("```") || p.includes("```\nAfter.")).toBe(true);
    }
    const recovered = fenced.flatMap((p) => p.split("\n").filter((l) => l.startsWith("line ")));
    expect(recovered).toEqual(body);
  });

  test("an unclosed fence is treated as code to the end", () => {
    const text = `intro\n\`\`\`\n${Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n")}`;
    const parts = splitText(text, 40);
    expectWithin(parts, 40);
    expect(parts.slice(1).every((p) => p.startsWith("```\n") && p.endsWith("\n```"))).toBe(true);
  });

  test("no empty parts from runs of blank lines", () => {
    const text = `${"a".repeat(30)}\n\n\n\n\n${"b".repeat(30)}`;
    expect(splitText(text, 32)).toEqual(["a".repeat(30), "b".repeat(30)]);
  });

  test("realistic 4000-char limit keeps every character of the content", () => {
    const paras = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ${words(30, "w")}`);
    const text = paras.join("\n\n");
    const parts = splitText(text, 4000);
    expectWithin(parts, 4000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("\n\n")).toBe(text);
  });
});
