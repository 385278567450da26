/** The archive reader's bounds, on archives built by hand: nothing outside staging, nothing unlisted, no more than the room. */
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import { tempDir } from "../../test/support/db.ts";
import { FORMAT, FORMAT_VERSION } from "./manifest.ts";
import { allowedName, unpackArchive } from "./unpack.ts";

const work = tempDir("konstruct-unpack-");
afterAll(() => work.remove());

type Entry = { name: string; data?: string; type?: "file" | "symlink"; linkname?: string };

async function archive(entries: Entry[], listed: Entry[] = entries.filter((e) => e.name !== "manifest.json")): Promise<string> {
  const file = join(work.path, `${Math.random().toString(36).slice(2)}.tar.gz`);
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), createWriteStream(file));
  const parts = listed.map((e) => ({ name: e.name, bytes: Buffer.byteLength(e.data ?? ""), sha256: createHash("sha256").update(e.data ?? "").digest("hex") }));
  const manifest = { format: FORMAT, format_version: FORMAT_VERSION, konstruct_version: "0", created_at: "", database: "embedded", schema: { migrations: [] }, includes_key: false, parts };
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? "file", linkname: e.linkname }, e.type === "symlink" ? undefined : e.data ?? "");
  pack.entry({ name: "manifest.json" }, JSON.stringify(manifest));
  pack.finalize();
  await done;
  return file;
}

test("names: only the database parts, the manifest and files under skills/, tenants/, attachments/, instance-id, secret.key", () => {
  for (const ok of ["manifest.json", "db/pgdata.tar", "db/pg_dump.custom", "files/secret.key", "files/instance-id", "files/skills/a/SKILL.md", "files/tenants/acme/skills/x/SKILL.md", "files/attachments/0b6f0c2e-6d7a-4c1e-9a8b-1c2d3e4f5a6b/ab/ab12"]) expect(allowedName(ok)).toBe(true);
  for (const bad of ["files/../etc/passwd", "files/skills/../../x", "/etc/passwd", "files/pg/PG_VERSION", "files/secret.key/x", "files/skills", "db/other", "files/tenants/./x", "files//x", "files/attachments", "files/attachments/../pg/x"]) expect(allowedName(bad)).toBe(false);
});

test("a verified archive unpacks into staging and nowhere else", async () => {
  const staging = join(work.path, "ok");
  const m = await unpackArchive(await archive([{ name: "files/skills/a/SKILL.md", data: "hello" }]), staging, 1 << 20);
  expect(m.parts.map((p) => p.name)).toEqual(["files/skills/a/SKILL.md"]);
  expect(readFileSync(join(staging, "files/skills/a/SKILL.md"), "utf8")).toBe("hello");
});

test("refused: a link, a traversal, an unlisted part, a missing part, more than the room", async () => {
  const cases: [Promise<string>, string][] = [
    [archive([{ name: "files/skills/x", type: "symlink", linkname: "/etc/passwd" }], []), 'unexpected entry "files/skills/x"'],
    [archive([{ name: "files/skills/../../../evil", data: "x" }], []), "unexpected entry"],
    [archive([{ name: "files/instance-id", data: "x" }], []), "part files/instance-id is not in the manifest"],
    [archive([], [{ name: "files/instance-id", data: "x" }]), "part files/instance-id is missing"],
    [archive([{ name: "files/instance-id", data: "x".repeat(5000) }]), "it unpacks to more than"],
  ];
  for (const [file, reason] of cases) {
    const staging = join(work.path, `refused-${Math.random().toString(36).slice(2)}`);
    await expect(unpackArchive(await file, staging, 4096)).rejects.toThrow(reason);
    expect(existsSync(join(work.path, "evil"))).toBe(false);
  }
  expect(readdirSync(work.path).filter((n) => n === "evil")).toEqual([]);
});
