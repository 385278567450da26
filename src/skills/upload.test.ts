/**
 * Skill uploads: a valid folder (zipped with or without its top folder, or as loose files) unpacks
 * and validates; invalid SKILL.md gives the validator's own field errors; limits hold — a zip bomb
 * stops while inflating (its header may lie), too many files, oversized uploads and paths that
 * leave the folder are refused.
 */
import { describe, expect, test } from "bun:test";
import { zipSync } from "fflate";
import { unpackSkill, UPLOAD_LIMITS } from "./upload.ts";

const enc = (s: string) => new TextEncoder().encode(s);
export const VALID = `---\nname: order-lookup\ndescription: Look up an order.\nmetadata:\n  konstruct:\n    tools: [mcp__orders__get_order]\n    risk: L1\n    approval: never\n---\nCall the tool.\n`;

describe("unpackSkill", () => {
  test("a zipped folder, a bare zip and loose files give the same valid skill", () => {
    const folder = unpackSkill({ zip: zipSync({ "order-lookup": { "SKILL.md": enc(VALID), references: { "faq.md": enc("# faq") } } }) });
    const bare = unpackSkill({ zip: zipSync({ "SKILL.md": enc(VALID) }) });
    const loose = unpackSkill({ files: [{ path: "order-lookup/SKILL.md", data: enc(VALID) }] });
    for (const u of [folder, bare, loose]) {
      expect(u.ok).toBe(true);
      if (u.ok) expect([u.folder, u.parsed.skill.manifest.risk, u.parsed.skill.manifest.tools]).toEqual(["order-lookup", "L1", ["mcp__orders__get_order"]]);
    }
    if (folder.ok) expect([...folder.files.keys()].sort()).toEqual(["SKILL.md", "references/faq.md"]);
  });

  test("an invalid SKILL.md reports each field as skills validate does", () => {
    const bad = VALID.replace("risk: L1", "risk: L9").replace("description: Look up an order.", "description: ''");
    const u = unpackSkill({ zip: zipSync({ "order-lookup": { "SKILL.md": enc(bad) } }) });
    expect(u.ok).toBe(false);
    if (!u.ok) {
      expect(u.errors).toContain("order-lookup/SKILL.md: metadata.konstruct.risk: must be one of L1, L2, L3");
      expect(u.errors).toContain("order-lookup/SKILL.md: description: is required");
    }
    const named = unpackSkill({ zip: zipSync({ other: { "SKILL.md": enc(VALID) } }) });
    expect(named.ok ? [] : named.errors).toEqual(["other/SKILL.md: name: 'order-lookup' must match its folder name 'other'"]);
    expect(unpackSkill({ zip: zipSync({ x: { "README.md": enc("hi") } }) })).toEqual({ ok: false, errors: ["no SKILL.md at the top of the folder"] });
    expect(unpackSkill({ zip: enc("not a zip at all") }).ok).toBe(false);
  });

  test("a zip bomb stops at the unpacked limit; big, crowded and escaping uploads are refused", () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const bomb = zipSync({ "SKILL.md": enc(VALID), "assets/zeros.bin": zeros }, { level: 9 });
    expect(bomb.length).toBeLessThan(UPLOAD_LIMITS.uploadBytes);
    const t0 = performance.now();
    const u = unpackSkill({ zip: bomb });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(u).toEqual({ ok: false, errors: ["not a usable zip: assets/zeros.bin is larger than 1 MB unpacked"] });
    const spread = zipSync(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`assets/z${i}.bin`, new Uint8Array(900 * 1024)])));
    expect(unpackSkill({ zip: spread })).toEqual({ ok: false, errors: ["not a usable zip: the folder is larger than 4 MB unpacked"] });
    const crowded = zipSync(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`assets/f${i}.txt`, enc("x")])));
    expect(unpackSkill({ zip: crowded })).toEqual({ ok: false, errors: ["not a usable zip: more than 100 files"] });
    expect(unpackSkill({ zip: new Uint8Array(UPLOAD_LIMITS.uploadBytes + 1) })).toEqual({ ok: false, errors: ["the upload is larger than 2 MB"] });
    const escape = unpackSkill({ files: [{ path: "SKILL.md", data: enc(VALID) }, { path: "../../etc/passwd", data: enc("x") }] });
    expect(escape).toEqual({ ok: false, errors: ["../../etc/passwd: not a plain relative path inside the folder"] });
  });
});
