/**
 * Role templates from the compiled binary: the bundled ones are inside it (the binary runs from a
 * directory without the repository's templates/ folder), and a data-dir template is added next to
 * them while a malformed one is named.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/db.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";

let dir: { path: string; remove(): void };

beforeAll(() => {
  ensureBinary();
  dir = tempDir("konstruct-binary-templates-");
}, 300_000);
afterAll(() => dir.remove());

test("konstruct agents templates lists the bundled roles and the data dir's own", async () => {
  const data = join(dir.path, "data");
  mkdirSync(join(data, "templates"), { recursive: true });
  writeFileSync(join(data, "templates", "office-manager.md"), "---\nid: office-manager\ntitle: Office manager\ndescription: Runs the office.\nname: Olga\npersona: Organised.\n---\nKeep the office running.\n");
  writeFileSync(join(data, "templates", "bad.md"), "---\nid: bad\n---\n");
  const child = Bun.spawn([BINARY, "agents", "templates"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path, KONSTRUCT_DATA_DIR: data }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect(code).toBe(1);
  for (const id of ["customer-support", "executive-assistant", "hr-policy", "it-helpdesk", "sales-development"]) expect(stdout).toMatch(new RegExp(`^${id}\\s+bundled\\s`, "m"));
  expect(stdout).toMatch(/^office-manager\s+data\s+Office manager/m);
  expect(stderr).toContain(`template not loaded: ${join(data, "templates", "bad.md")}: title: is required`);
});
