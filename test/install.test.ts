/**
 * install.sh, run for real against scratch directories: a fake repo root (package.json +
 * konstruct.config.yaml), a fake `konstruct` executable (--binary), a temp --prefix and a temp
 * KONSTRUCT_INSTALL_ROOT, so nothing under the real /etc, /var or dist/ is touched and no root-only
 * step (useradd, chown, systemctl) runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const INSTALL_SH = resolve(import.meta.dir, "..", "install.sh");
const CONFIG_TEXT = "# test config\nserver:\n  port: 8080\n";

let tmp: string;
let repo: string;
let fakeBinary: string;

function install(args: string[], opts: { root?: string; cwd?: string } = {}) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (opts.root === undefined) delete env.KONSTRUCT_INSTALL_ROOT;
  else env.KONSTRUCT_INSTALL_ROOT = opts.root;
  const p = Bun.spawnSync(["bash", INSTALL_SH, ...args], { cwd: opts.cwd ?? repo, env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: p.stdout.toString() + p.stderr.toString() };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "konstruct-install-"));
  repo = join(tmp, "repo");
  mkdirSync(repo);
  writeFileSync(join(repo, "package.json"), JSON.stringify({ name: "konstruct", version: "0.0.0" }, null, 2));
  writeFileSync(join(repo, "konstruct.config.yaml"), CONFIG_TEXT);
  fakeBinary = join(tmp, "fake-konstruct");
  writeFileSync(fakeBinary, '#!/bin/sh\necho "konstruct 0.0.0-test"\n');
  chmodSync(fakeBinary, 0o755);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("install.sh --systemd with KONSTRUCT_INSTALL_ROOT", () => {
  const args = () => ["--no-build", "--binary", fakeBinary, "--prefix", join(tmp, "prefix"), "--systemd"];
  const root = () => join(tmp, "root");
  const bin = () => join(tmp, "prefix", "bin", "konstruct");
  const unitPath = () => join(root(), "etc/systemd/system/konstruct.service");
  const configPath = () => join(root(), "etc/konstruct/konstruct.config.yaml");

  test("first run installs the binary, the unit and the config", () => {
    const r = install(args(), { root: root() });
    expect(r.code, r.out).toBe(0);

    expect(readFileSync(bin(), "utf8")).toBe(readFileSync(fakeBinary, "utf8"));
    expect(statSync(bin()).mode & 0o777).toBe(0o755);
    expect(existsSync(`${bin()}.new`)).toBe(false);

    const unit = readFileSync(unitPath(), "utf8");
    expect(unit).toContain("User=konstruct\n");
    expect(unit).toContain(`ExecStart=${bin()} serve --config /etc/konstruct/konstruct.config.yaml\n`);
    expect(unit).toContain("StateDirectory=konstruct\n");
    expect(unit).toContain("Environment=KONSTRUCT_DATA_DIR=/var/lib/konstruct\n");
    for (const opt of ["NoNewPrivileges=true", "ProtectSystem=strict", "ReadWritePaths=/var/lib/konstruct", "PrivateTmp=true", "Restart=on-failure", "RestartPreventExitStatus=2"])
      expect(unit).toContain(`${opt}\n`);

    expect(readFileSync(configPath(), "utf8")).toBe(CONFIG_TEXT);
    expect(statSync(configPath()).mode & 0o777).toBe(0o640);
    expect(statSync(join(root(), "var/lib/konstruct")).isDirectory()).toBe(true);

    // Root-only steps are printed, not run.
    expect(r.out).toContain("skipped creating the user");
    expect(r.out).toContain("useradd --system");
    expect(r.out).not.toContain("+ useradd");
    expect(r.out).not.toContain("+ systemctl");
  });

  test("re-run is idempotent and keeps the operator's config", () => {
    const unitBefore = readFileSync(unitPath(), "utf8");
    const unitMtime = statSync(unitPath()).mtimeMs;
    const edited = `${CONFIG_TEXT}# edited by the operator\n`;
    writeFileSync(configPath(), edited);

    const r = install(args(), { root: root() });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("already up to date");
    expect(r.out).toContain("kept as is");

    expect(readFileSync(bin(), "utf8")).toBe(readFileSync(fakeBinary, "utf8"));
    expect(statSync(bin()).mode & 0o777).toBe(0o755);
    expect(readFileSync(unitPath(), "utf8")).toBe(unitBefore);
    expect(statSync(unitPath()).mtimeMs).toBe(unitMtime);
    expect(readFileSync(configPath(), "utf8")).toBe(edited);
  });

  test("a changed binary is replaced on re-run", () => {
    const newer = join(tmp, "fake-konstruct-2");
    writeFileSync(newer, '#!/bin/sh\necho "konstruct 0.0.1-test"\n');
    chmodSync(newer, 0o755);
    const r = install(["--binary", newer, "--prefix", join(tmp, "prefix")]);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(bin(), "utf8")).toContain("0.0.1-test");
  });
});

describe("install.sh edge cases", () => {
  test("--dry-run prints the actions and changes nothing", () => {
    const prefix = join(tmp, "dry-prefix");
    const root = join(tmp, "dry-root");
    const r = install(["--binary", fakeBinary, "--prefix", prefix, "--systemd", "--dry-run"], { root });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`+ install -m 0755 ${fakeBinary} ${prefix}/bin/konstruct.new`);
    expect(r.out).toContain("ExecStart=");
    expect(existsSync(prefix)).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  test("writes a stub config when the repository has none", () => {
    const bare = join(tmp, "bare-repo");
    mkdirSync(bare);
    writeFileSync(join(bare, "package.json"), JSON.stringify({ name: "konstruct" }));
    const root = join(tmp, "stub-root");
    const r = install(["--binary", fakeBinary, "--prefix", join(tmp, "stub-prefix"), "--systemd"], { root, cwd: bare });
    expect(r.code, r.out).toBe(0);
    const stub = readFileSync(join(root, "etc/konstruct/konstruct.config.yaml"), "utf8");
    // Comments only: parses to nothing, so the loader uses its built-in defaults.
    expect(stub.split("\n").every((l) => l === "" || l.startsWith("#"))).toBe(true);
  });

  test("refuses to run outside the repository root", () => {
    const r = install(["--binary", fakeBinary, "--prefix", join(tmp, "x")], { cwd: tmp });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("repository root");
  });

  test("fails on a missing binary, a relative prefix and an unknown option", () => {
    expect(install(["--binary", join(tmp, "nope"), "--prefix", join(tmp, "y")]).code).not.toBe(0);
    expect(install(["--binary", fakeBinary, "--prefix", "relative/dir"]).code).not.toBe(0);
    expect(install(["--bogus"]).code).not.toBe(0);
  });

  test("--help exits 0 and documents the flags", () => {
    const r = install(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--prefix", "--systemd", "--no-build", "--binary", "--dry-run", "KONSTRUCT_INSTALL_ROOT"])
      expect(r.out).toContain(flag);
  });
});
