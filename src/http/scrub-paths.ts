/**
 * Error text for HTTP clients never names a file on the server: an absolute path (the data dir,
 * the install or checkout, a temp file, the binary's $bunfs) tells an attacker the layout and the
 * user it runs as. It becomes `…/<last segment>`, which keeps a message like "cannot read
 * …/handbook.pdf" useful. The server log keeps the full text.
 */
const ROOTS = ["root", "home", "tmp", "var", "usr", "opt", "etc", "srv", "mnt", "media", "data", "work", "proc", "run", "snap", "private", "Users", "\\$bunfs", "B:"];
const ABSOLUTE = new RegExp(`(^|[\\s"'(=:,\\[])((?:file://)?/(?:${ROOTS.join("|")})(?:/[^\\s"'),\\]]*)?)`, "g");
const WINDOWS = /(^|[\s"'(=:,[])([A-Za-z]:\\[^\s"'),\]]*)/g;

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.length > 1 ? `…/${parts.at(-1)}` : "…";
}

export function scrubPaths(message: string, extra: string[] = [process.cwd()]): string {
  let out = message;
  for (const p of extra) if (p.length > 1) out = out.split(p).join("…");
  return out.replace(ABSOLUTE, (_m, pre: string, path: string) => `${pre}${lastSegment(path)}`).replace(WINDOWS, (_m, pre: string, path: string) => `${pre}${lastSegment(path)}`);
}
