/**
 * `konstruct skills import <dir>`: brings an OpenClaw or Claude skill folder in, adding a Konstruct
 * manifest translated from what the skill declares for those tools:
 *  - `allowed-tools` → manifest.tools (Claude's WebFetch is our http_fetch; tools we do not have are
 *    dropped and reported, never silently granted under another name);
 *  - `metadata.openclaw.requires.env` (and `primaryEnv`) → manifest.secrets, by name;
 *  - `requires.bins` cannot be honoured (the appliance runs no skill binaries) and is reported.
 * The policy is the most restrictive one — risk L3, approval always — until an admin edits it.
 * A folder that already has metadata.konstruct is copied unchanged.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { KonstructError } from "../errors.ts";
import { allowedTools, formatProblem, restrictiveManifest } from "./manifest.ts";
import { parseSkill } from "./parse.ts";

/** Claude Code / OpenClaw tool names → Konstruct built-ins. */
const TOOL_NAMES: Record<string, string> = { WebFetch: "http_fetch", web_fetch: "http_fetch", fetch: "http_fetch", http_fetch: "http_fetch", send_message: "send_message", message: "send_message" };

export interface ImportResult {
  name: string;
  to: string;
  translated: boolean;
  notes: string[];
}

export function importSkill(from: string, skillsDir: string): ImportResult {
  const src = resolve(from);
  const file = join(src, "SKILL.md");
  if (!existsSync(file)) throw new KonstructError("usage", `${file}: no SKILL.md in that folder`);
  const text = readFileSync(file, "utf8");
  const folder = basename(src);
  const parsed = parseSkill({ folder, file, text, source: "data" });
  if (!parsed.ok) throw new KonstructError("usage", `cannot import: ${parsed.problems.map(formatProblem).join("; ")}`);
  const to = join(skillsDir, folder);
  if (existsSync(to)) throw new KonstructError("usage", `${to} already exists; remove it first to re-import`);
  cpSync(src, to, { recursive: true });
  if (parsed.skill.declared) return { name: folder, to, translated: false, notes: [] };

  const fence = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text)!;
  const doc = parseDocument(fence[1]!);
  const raw = doc.toJS() as { "allowed-tools"?: string | string[]; metadata?: Record<string, unknown> };
  const notes: string[] = [];
  const tools = new Set<string>();
  for (const t of allowedTools(raw["allowed-tools"])) {
    const bare = t.replace(/\(.*\)$/, ""); // Claude's `Bash(git:*)` scoping
    const ours = TOOL_NAMES[bare] ?? (bare.startsWith("mcp__") ? bare : undefined);
    if (ours) tools.add(ours);
    else notes.push(`allowed-tools '${t}' has no Konstruct equivalent; not granted`);
  }
  const openclaw = (raw.metadata?.openclaw ?? {}) as { requires?: { env?: string[]; bins?: string[]; config?: string[] }; primaryEnv?: string };
  const secrets = new Set<string>();
  for (const env of [...(openclaw.requires?.env ?? []), ...(openclaw.primaryEnv ? [openclaw.primaryEnv] : [])]) {
    const name = String(env).toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    if (/^[A-Z][A-Z0-9_]*$/.test(name)) secrets.add(name);
    else notes.push(`requires.env '${env}' is not a usable secret name; skipped`);
  }
  for (const bin of openclaw.requires?.bins ?? []) notes.push(`requires.bins '${bin}': Konstruct runs no skill binaries; the skill must work without it`);
  if (secrets.size) notes.push(`set these tenant secrets before use: ${[...secrets].join(", ")}`);

  const manifest = { ...restrictiveManifest([...tools]), secrets: [...secrets] };
  doc.setIn(["metadata", "konstruct"], doc.createNode(manifest));
  writeFileSync(join(to, "SKILL.md"), `---\n${doc.toString().trimEnd()}\n---\n${text.slice(fence[0].length)}`);
  return { name: folder, to, translated: true, notes };
}
