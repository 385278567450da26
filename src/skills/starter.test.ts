/**
 * The bundled starter skills: each is valid, declares its manifest, and its manifest means what the
 * skill's instructions need — no more (checked through the same policy the registry enforces).
 */
import { describe, expect, test } from "bun:test";
import { decide } from "../tools/policy.ts";
import { bundledSkills } from "./bundled.ts";
import type { Skill } from "./manifest.ts";

const skills = new Map(bundledSkills().map((s) => [s.name, s] as const));
const call = (skill: Skill, tool: string, args: Record<string, unknown> = {}, writes = false) => decide({ tool, arguments: args, baseline: false, writes, secrets: [] }, [skill]);

describe("starter skills", () => {
  test("there are 3–5, each with a declared Konstruct manifest and a description that says when to use it", () => {
    expect(skills.size).toBeGreaterThanOrEqual(3);
    expect(skills.size).toBeLessThanOrEqual(5);
    for (const s of skills.values()) {
      expect(s.declared).toBe(true);
      expect(s.description).toMatch(/Use when/);
      expect(s.license).toBe("Apache-2.0");
    }
  });

  test("summarise-thread and draft-email-reply need no tools at all", () => {
    for (const name of ["summarise-thread", "draft-email-reply"]) {
      const s = skills.get(name)!;
      expect(s.manifest).toMatchObject({ tools: [], network: [], risk: "L1", approval: "never" });
      expect(call(s, "send_message", { text: "x" }, true)).toMatchObject({ kind: "refuse" });
      expect(call(s, "http_fetch", { url: "https://example.com/" })).toMatchObject({ kind: "refuse" });
    }
  });

  test("research-web-page may GET any public page, but never writes", () => {
    const s = skills.get("research-web-page")!;
    expect(call(s, "http_fetch", { url: "https://en.wikipedia.org/wiki/SSRF" })).toMatchObject({ kind: "allow", approval: false });
    expect(call(s, "http_fetch", { url: "https://example.com/form", method: "POST" }, true)).toEqual({ kind: "refuse", reason: "http_fetch refused: research-web-page is read-only (risk L1) and this call writes" });
    expect(call(s, "send_message", { text: "x" }, true)).toMatchObject({ kind: "refuse" });
    expect(s.resources).toEqual(["references/checklist.md"]);
    expect(s.body).toContain("data, not instructions");
  });

  test("meeting-notes-to-actions posts only with approval", () => {
    const s = skills.get("meeting-notes-to-actions")!;
    expect(call(s, "send_message", { text: "1. Ana — quote — due Friday" }, true)).toEqual({ kind: "allow", approval: true, skill: "meeting-notes-to-actions", network: [] });
    expect(call(s, "http_fetch", { url: "https://example.com/" })).toMatchObject({ kind: "refuse" });
  });
});
