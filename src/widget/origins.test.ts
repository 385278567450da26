import { expect, test } from "bun:test";
import { parseOrigins } from "./origins.ts";

test("exact origins are kept (trailing slash dropped, duplicates once); paths, wildcards and other schemes are refused", () => {
  expect(parseOrigins("https://shop.example.com\nhttp://localhost:3000/ https://shop.example.com")).toEqual({ origins: ["https://shop.example.com", "http://localhost:3000"] });
  for (const bad of ["https://shop.example.com/page", "https://*.example.com", "ftp://example.com", "example.com", "https://user@example.com"])
    expect(parseOrigins(bad)).toHaveProperty("error");
  expect(parseOrigins("  ")).toEqual({ error: expect.stringContaining("at least one origin") });
  expect(parseOrigins(Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`).join(" "))).toHaveProperty("error");
});
