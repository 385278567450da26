import { expect, test } from "bun:test";
import pino from "pino";
import { KonstructError } from "../errors.ts";
import { errorResponse } from "./errors.ts";
import { scrubPaths } from "./scrub-paths.ts";

const LEAKS = [
  "ENOENT: no such file or directory, open '/root/konstruct/data/kb/handbook.pdf'",
  "cannot open /home/alice/konstruct/data/pg: permission denied",
  "worker failed at file:///work/main/src/knowledge/extract.ts:42",
  "module /$bunfs/root/konstruct not found",
  "data_dir /var/lib/konstruct has 3 MB free",
  `read ${process.cwd()}/konstruct.config.yaml failed`,
  "C:\\Users\\bob\\konstruct\\data failed",
];

test("absolute server paths become their last segment; other text stays", () => {
  for (const m of LEAKS) {
    const out = scrubPaths(m);
    expect(out).not.toMatch(/\/(root|home|work|var|\$bunfs)\/|Users\\/);
    expect(out).not.toContain(process.cwd());
  }
  expect(scrubPaths("ENOENT: no such file or directory, open '/root/konstruct/data/kb/handbook.pdf'")).toBe("ENOENT: no such file or directory, open '…/handbook.pdf'");
  for (const keep of ["no such route", "see /admin/users", "text: at most 8000 characters", "https://api.example/v1 answered 500", "a/b and 1/2"]) expect(scrubPaths(keep)).toBe(keep);
});

test("API errors and error pages never show an absolute server path", async () => {
  const log = pino({ level: "silent" });
  const err = new KonstructError("bad_request", "file: cannot read /root/konstruct/data/uploads/x.docx");
  const api = errorResponse(err, "", log, new Request("http://localhost/api/v1/kb/acme/documents", { method: "POST" }));
  expect(((await api.json()) as { error: { message: string } }).error.message).toBe("file: cannot read …/x.docx");
  const page = errorResponse(err, "", log, new Request("http://localhost/admin/knowledge", { headers: { accept: "text/html" } }));
  const html = await page.text();
  expect(html).toContain("…/x.docx");
  expect(html).not.toContain("/root/");
});
