import { describe, expect, test } from "bun:test";
import { detectLocale } from "./detect.ts";

describe("detectLocale", () => {
  test("German and English sentences are told apart", () => {
    expect(detectLocale(["Hallo, ich brauche Hilfe mit meiner Rechnung."])).toBe("de");
    expect(detectLocale(["Können Sie mir sagen, wann das Paket kommt?"])).toBe("de");
    expect(detectLocale(["Hello, I need help with my invoice please."])).toBe("en");
    expect(detectLocale(["Where is my order?", "It has not arrived yet"])).toBe("en");
  });

  test("unclear text gives null, so the caller falls back", () => {
    expect(detectLocale([])).toBeNull();
    expect(detectLocale(["4711"])).toBeNull();
    expect(detectLocale(["ok"])).toBeNull();
    // A name alone: no clear winner.
    expect(detectLocale(["Tim Müller"])).toBeNull();
  });

  test("reads a bounded amount of text", () => {
    const english = "the and is ".repeat(1000);
    expect(detectLocale([english, "ich bin nicht da und das ist gut ".repeat(10)])).toBe("en");
  });
});
