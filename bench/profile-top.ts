/**
 * The top of a Bun `--cpu-prof-md` profile, as a closing note quotes it: functions ranked by their
 * own samples (not the table's times, which count a descheduled interval as on-CPU time on a busy
 * machine), PGlite's wasm functions folded into one row (the embedded Postgres), and the share per
 * component (a package, a src/ folder, native code).
 */
export function topOfProfile(md: string, rows: number, root = `${import.meta.dir.replace(/\/bench$/, "")}/`): string {
  const byFn = new Map<string, number>();
  const byPart = new Map<string, number>();
  let total = 0;
  for (const m of md.matchAll(/^### `(.*?)`\n`(.*?)` \| Self: .*? \| Samples: (\d+)/gm)) {
    const n = Number(m[3]);
    total += n;
    const wasm = m[1]!.startsWith(".wasm");
    const loc = wasm ? "@electric-sql/pglite (wasm: the embedded Postgres)" : m[2]!.replace(root, "").replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, "$1");
    const fn = wasm ? "(Postgres)" : m[1]!;
    const part = loc.startsWith("src/") ? loc.split("/").slice(0, 2).join("/") : loc.replace(/:\d+$/, "");
    byFn.set(`| \`${fn}\` | ${loc} |`, (byFn.get(`| \`${fn}\` | ${loc} |`) ?? 0) + n);
    byPart.set(part, (byPart.get(part) ?? 0) + n);
  }
  if (!total) return "(no function details in the profile)";
  const pct = (n: number) => `${((n / total) * 100).toFixed(1)}%`;
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return [
    `${total} samples`,
    "| self | samples | function | where |",
    "|---:|---:|---|---|",
    ...top(byFn, rows).map(([k, n]) => `| ${pct(n)} | ${n} ${k}`),
    "",
    "| share | component |",
    "|---:|---|",
    ...top(byPart, 10).map(([k, n]) => `| ${pct(n)} | ${k} |`),
  ].join("\n");
}

if (import.meta.main) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error("usage: bun bench/profile-top.ts <profile.md> [rows]");
  console.log(topOfProfile(await Bun.file(file).text(), Number(n ?? 25)));
}
