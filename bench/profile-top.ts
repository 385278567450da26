/**
 * The top of a Bun `--cpu-prof-md` profile: the header line and the first rows of its "Hot
 * Functions (Self Time)" table, with repository paths shortened — what a closing note quotes.
 */
export function topOfProfile(md: string, rows: number, root = `${import.meta.dir.replace(/\/bench$/, "")}/`): string {
  const lines = md.split("\n");
  const head = lines.slice(0, 6).filter((l) => l.startsWith("| ") && !l.startsWith("|--"));
  const start = lines.findIndex((l) => l.startsWith("## Hot Functions"));
  if (start < 0) return "(no hot-functions table in the profile)";
  const table = lines.slice(start + 2).filter((l, i, all) => l.startsWith("|") && all.slice(0, i).every((x) => x.startsWith("|")));
  return [...head, ...table.slice(0, rows + 2)].map((l) => l.replaceAll(root, "").replace(/\/[^|`]*node_modules\//g, "~/")).join("\n");
}

if (import.meta.main) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error("usage: bun bench/profile-top.ts <profile.md> [rows]");
  console.log(topOfProfile(await Bun.file(file).text(), Number(n ?? 25)));
}
