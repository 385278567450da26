/**
 * A skill folder as uploaded from the console: one zip, or several files (a folder picked in the
 * browser, each named by its relative path). Invariant: every limit holds before anything is
 * written — the upload's size, the number of entries, each entry's and the whole folder's
 * inflated size (counted while inflating, never trusted from the zip's own header: a zip bomb
 * stops at the limit) — and no path leaves the folder. The SKILL.md is then validated exactly as
 * `konstruct skills validate` does (parse.ts).
 */
import { Unzip, UnzipInflate } from "fflate";
import { parseSkill, type Parsed } from "./parse.ts";

export const UPLOAD_LIMITS = { uploadBytes: 2 * 1024 * 1024, files: 100, fileBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024 };
export type UploadLimits = typeof UPLOAD_LIMITS;

export type Unpacked = { ok: true; folder: string; files: Map<string, Uint8Array>; parsed: Extract<Parsed, { ok: true }> } | { ok: false; errors: string[] };

const fail = (...errors: string[]): Unpacked => ({ ok: false, errors });
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MB`;

/** Inflates a zip entry by entry, counting bytes as they come; throws past a limit. */
function unzip(zip: Uint8Array, l: UploadLimits): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  const u = new Unzip((file) => {
    if (file.name.endsWith("/")) return; // a directory entry
    if (out.size >= l.files) throw new Error(`more than ${l.files} files`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (err) throw err;
      size += data.length;
      total += data.length;
      if (size > l.fileBytes) throw new Error(`${file.name} is larger than ${mb(l.fileBytes)} unpacked`);
      if (total > l.totalBytes) throw new Error(`the folder is larger than ${mb(l.totalBytes)} unpacked`);
      chunks.push(data);
      if (final) out.set(file.name, Buffer.concat(chunks));
    };
    out.set(file.name, new Uint8Array(0));
    file.start();
  });
  u.register(UnzipInflate);
  // Small pushes keep each inflate step small, so a bomb is caught within a chunk's worth of output.
  for (let i = 0; i < zip.length; i += 16 * 1024) u.push(zip.subarray(i, i + 16 * 1024), i + 16 * 1024 >= zip.length);
  return out;
}

function safePath(p: string): string | null {
  const clean = p.replace(/\\/g, "/").replace(/^\.\//, "");
  if (!clean || clean.startsWith("/") || /^[a-zA-Z]:/.test(clean) || clean.split("/").some((s) => s === ".." || s === "" || s === ".")) return null;
  return clean.length <= 300 ? clean : null;
}

/** Unpacks and validates; `zip` when one .zip was sent, else `files` by relative path. */
export function unpackSkill(input: { zip: Uint8Array } | { files: { path: string; data: Uint8Array }[] }, l: UploadLimits = UPLOAD_LIMITS): Unpacked {
  let raw: Map<string, Uint8Array>;
  if ("zip" in input) {
    if (input.zip.length > l.uploadBytes) return fail(`the upload is larger than ${mb(l.uploadBytes)}`);
    try {
      raw = unzip(input.zip, l);
    } catch (e) {
      return fail(`not a usable zip: ${(e as Error).message}`);
    }
  } else {
    if (input.files.length > l.files) return fail(`more than ${l.files} files`);
    const total = input.files.reduce((n, f) => n + f.data.length, 0);
    if (total > l.uploadBytes) return fail(`the upload is larger than ${mb(l.uploadBytes)}`);
    const big = input.files.find((f) => f.data.length > l.fileBytes);
    if (big) return fail(`${big.path} is larger than ${mb(l.fileBytes)}`);
    raw = new Map(input.files.map((f) => [f.path, f.data]));
  }
  const paths = new Map<string, Uint8Array>();
  for (const [p, data] of raw) {
    if (p.startsWith("__MACOSX/") || p.endsWith("/.DS_Store") || p === ".DS_Store") continue;
    const safe = safePath(p);
    if (!safe) return fail(`${p.slice(0, 100)}: not a plain relative path inside the folder`);
    paths.set(safe, data);
  }
  // A folder zipped as a whole has one top-level directory; its name is the skill's folder.
  const tops = new Set([...paths.keys()].map((p) => (p.includes("/") ? p.split("/")[0]! : "")));
  const top = tops.size === 1 && !tops.has("") ? [...tops][0]! : "";
  const files = new Map([...paths].map(([p, d]) => [top ? p.slice(top.length + 1) : p, d]));
  const md = files.get("SKILL.md");
  if (!md) return fail("no SKILL.md at the top of the folder");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(md);
  const folder = top || /^name:\s*["']?([a-z0-9-]{1,64})["']?\s*$/m.exec(text)?.[1] || "";
  if (!folder) return fail("SKILL.md: name: is required");
  const resources = [...files.keys()].filter((p) => /^(references|scripts|assets)\//.test(p));
  const parsed = parseSkill({ folder, file: `${folder}/SKILL.md`, text, source: "tenant", resources });
  if (!parsed.ok) return fail(...parsed.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`));
  return { ok: true, folder, files, parsed };
}
