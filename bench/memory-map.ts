/**
 * Where a process's resident memory is, from /proc/<pid>/smaps: the mappings grouped by what can be
 * told from outside, largest first, and the largest anonymous ones one by one. A diagnosis for the
 * RSS figures the benches report (Linux only).
 *
 * Anonymous memory cannot be told apart from outside: JavaScriptCore's heaps (the main thread's and
 * every worker's share one allocator), the embedded Postgres's wasm memory (one 128 MB region,
 * measured) and native allocators all look alike; executable anonymous memory is JIT code. File
 * mappings are named by file (the bun executable, onnxruntime, libvips).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

export interface MemoryGroup {
  group: string;
  rss_mb: number;
  mappings: number;
}

export function memoryMap(pid: number, top = 8): MemoryGroup[] {
  const groups = new Map<string, { kb: number; n: number }>();
  for (const m of mappings(pid)) add(groups, classify(m.name, m.perms), m.rssKb);
  return [...groups]
    .map(([group, g]) => ({ group, rss_mb: Math.round(g.kb / 102.4) / 10, mappings: g.n }))
    .filter((g) => g.rss_mb > 0)
    .sort((a, b) => b.rss_mb - a.rss_mb)
    .slice(0, top);
}

function classify(name: string, perms: string): string {
  if (name === "[heap]") return "[heap] (brk malloc)";
  if (name.startsWith("[")) return name;
  if (name) return `file: ${basename(name.replace(/ \(deleted\)$/, ""))}`;
  return perms.includes("x") ? "anonymous, executable (JIT code)" : "anonymous (JS heaps, wasm memory, native allocators)";
}

function add(groups: Map<string, { kb: number; n: number }>, key: string, kb: number) {
  const g = groups.get(key) ?? { kb: 0, n: 0 };
  g.kb += kb;
  g.n++;
  groups.set(key, g);
}

interface Mapping {
  name: string;
  perms: string;
  sizeKb: number;
  rssKb: number;
}

function mappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      out.push({ perms: head[1]!, name: head[2] ?? "", sizeKb: 0, rssKb: 0 });
      continue;
    }
    const field = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (field && out.length) out.at(-1)![field[1] === "Size" ? "sizeKb" : "rssKb"] = Number(field[2]);
  }
  return out;
}

/** The largest anonymous mappings one by one (size and resident MB): the shape of what the groups lump together. */
export function largestAnonymous(pid: number, top = 10): { size_mb: number; rss_mb: number; perms: string }[] {
  const mb = (kb: number) => Math.round(kb / 102.4) / 10;
  return mappings(pid)
    .filter((m) => !m.name)
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, top)
    .map((m) => ({ size_mb: mb(m.sizeKb), rss_mb: mb(m.rssKb), perms: m.perms }));
}
