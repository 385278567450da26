import { describe, expect, test } from "bun:test";
import { type Manifest, restrictiveManifest, type Skill } from "../skills/manifest.ts";
import { networkAllows } from "./network.ts";
import { type CallFacts, decide } from "./policy.ts";

const skill = (name: string, m: Partial<Manifest>): Skill => ({
  name,
  description: name,
  body: "",
  manifest: { tools: [], network: [], secrets: [], risk: "L2", approval: "never", ...m },
  declared: true,
  source: "data",
  file: `${name}/SKILL.md`,
  resources: [],
});
const facts = (tool: string, o: Partial<CallFacts> = {}): CallFacts => ({ tool, arguments: {}, baseline: false, writes: false, secrets: [], ...o });

describe("tool policy", () => {
  test("baseline tools need no skill; others need an active skill listing them", () => {
    expect(decide(facts("use_skill", { baseline: true }), [])).toMatchObject({ kind: "allow", approval: false });
    expect(decide(facts("send_message"), [])).toMatchObject({ kind: "refuse" });
    expect(decide(facts("mcp__crm__delete"), [skill("crm", { tools: ["mcp__crm__*"] })])).toMatchObject({ kind: "allow" });
    expect(decide(facts("mcp__crmx__delete"), [skill("crm", { tools: ["mcp__crm__*"] })])).toMatchObject({ kind: "refuse" }); // the glob is a prefix up to the separator
    expect(decide(facts("mcp__erp__delete"), [skill("crm", { tools: ["mcp__crm__*"] })])).toMatchObject({ kind: "refuse" });
  });

  test("the strictest approval among the allowing skills wins; on-write asks only for writes", () => {
    const lax = skill("lax", { tools: ["send_message"], approval: "never" });
    const strict = skill("strict", { tools: ["send_message"], approval: "on-write" });
    expect(decide(facts("send_message", { writes: true }), [lax, strict])).toMatchObject({ kind: "allow", approval: true, skill: "strict" });
    expect(decide(facts("send_message", { writes: false }), [lax, strict])).toMatchObject({ kind: "allow", approval: false });
    const always = skill("always", { tools: ["kb_search"], approval: "always" });
    expect(decide(facts("kb_search"), [always])).toMatchObject({ approval: true });
  });

  test("an imported skill without a manifest asks for every call", () => {
    const imported = { ...skill("imported", {}), manifest: restrictiveManifest(["http_fetch"]), declared: false };
    expect(decide(facts("http_fetch", { arguments: { url: "https://x.test/" } }), [imported])).toMatchObject({ kind: "refuse" }); // no network granted
    expect(decide(facts("send_message", { writes: true }), [imported])).toMatchObject({ kind: "refuse" });
  });

  test("secrets must be listed by the skill that allows the call", () => {
    const s = skill("api", { tools: ["http_fetch"], network: ["api.test"], secrets: ["API_KEY"] });
    const call = (secrets: string[]) => facts("http_fetch", { arguments: { url: "https://api.test/v1" }, secrets });
    expect(decide(call(["API_KEY"]), [s])).toMatchObject({ kind: "allow" });
    expect(decide(call(["OTHER"]), [s])).toEqual({ kind: "refuse", reason: "http_fetch refused: api may not use secret(s) OTHER" });
  });

  test("network patterns match parsed hosts and paths, never substrings", () => {
    const allows = (p: string[], url: string) => networkAllows(p, new URL(url));
    expect(allows(["good.com"], "https://good.com/a")).toBe(true);
    expect(allows(["good.com"], "https://good.com.evil.com/")).toBe(false);
    expect(allows(["good.com"], "https://evil.com/?next=good.com")).toBe(false);
    expect(allows(["*.good.com"], "https://api.good.com/")).toBe(true);
    expect(allows(["*.good.com"], "https://good.com/")).toBe(true);
    expect(allows(["*.good.com"], "https://notgood.com/")).toBe(false);
    expect(allows(["good.com/api/*"], "https://good.com/api/v1")).toBe(true);
    expect(allows(["good.com/api/*"], "https://good.com/admin")).toBe(false);
    expect(allows(["*"], "https://anything.example/")).toBe(true);
  });
});
