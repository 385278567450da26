/**
 * Where a process's resident memory is, from /proc/<pid>/smaps: the mappings grouped into what they
 * most likely hold, largest first. A diagnosis for the RSS figures the benches report (Linux only).
 *
 * The groups are inferred from the mapping's shape, not told by the runtime: a WebAssembly memory is
 * an anonymous reservation of several GiB (JSC reserves 4 GiB plus guard pages per wasm memory and
 * touches only what the module grows into — the embedded Postgres); glibc's per-thread malloc arenas
 * are 64 MiB reservations (onnxruntime's tensors, native libraries); `[heap]` is the main brk heap;
 * the other anonymous mappings are JSC's own heap and Bun's allocator; file mappings are named by file.
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
  let size = 0;
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] ?? "";
      continue;
    }
    const field = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    if (field[1] === "Size") size = Number(field[2]);
    else add(groups, classify(name, size), Number(field[2]));
  }
  return [...groups]
    .map(([group, g]) => ({ group, rss_mb: Math.round(g.kb / 102.4) / 10, mappings: g.n }))
    .filter((g) => g.rss_mb > 0)
    .sort((a, b) => b.rss_mb - a.rss_mb)
    .slice(0, top);
}

function classify(name: string, sizeKb: number): string {
  if (name === "[heap]") return "[heap] (brk malloc)";
  if (name.startsWith("[")) return name;
  if (name) return `file: ${basename(name.replace(/ \(deleted\)$/, ""))}`;
  if (sizeKb >= 1024 * 1024) return "anon ≥ 1 GiB reservations (wasm memory)";
  if (sizeKb === 65536 || sizeKb === 131072) return "anon 64 MiB arenas (glibc malloc)";
  return "anon other (JS heap, Bun's allocator, thread stacks)";
}

function add(groups: Map<string, { kb: number; n: number }>, key: string, kb: number) {
  const g = groups.get(key) ?? { kb: 0, n: 0 };
  g.kb += kb;
  g.n++;
  groups.set(key, g);
}
