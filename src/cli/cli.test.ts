/**
 * The `konstruct` CLI run for real as a subprocess: exit codes (0 ok, 1 run-time failure, 2 bad usage
 * or bad config), one-line `konstruct: <reason>` errors, secret redaction, and the commands against
 * an embedded database in a temp data dir. Each child gets a fresh temp cwd and a minimal env.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };

const MAIN = resolve(import.meta.dir, "main.ts");
const COMMANDS = ["serve", "admin", "skills", "backup", "restore", "export", "import", "migrate", "doctor", "config", "version"];
/** Each child pays Bun start-up (~0.5 s); embedded-database ones also boot PGlite (~1-3 s, first ~3 s). */
const TIMEOUT = 30_000;
const DB_TIMEOUT = 90_000;

const root = mkdtempSync(join(tmpdir(), "konstruct-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function tmp(): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  return dir;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `bun main.ts ...args` in `cwd` (default: a fresh temp dir) with only PATH, HOME and `env`. */
async function run(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}) {
  const cwd = opts.cwd ?? tmp();
  const started = performance.now();
  const child = Bun.spawn(["bun", MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr, ms: performance.now() - started } satisfies Result;
}

/** stderr is exactly one `konstruct: ...` line; returns it. */
function oneLine(r: Result): string {
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]!).toStartWith("konstruct: ");
  return lines[0]!;
}

function configFile(text: string): { dir: string; path: string } {
  const dir = tmp();
  const path = join(dir, "konstruct.config.yaml");
  writeFileSync(path, text);
  return { dir, path };
}

describe("usage", () => {
  test("no arguments: usage and exit 2", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain("Usage: konstruct <command>");
    for (const c of COMMANDS) expect(out).toContain(c);
  }, TIMEOUT);

  test("--help: usage and exit 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: konstruct <command>");
  }, TIMEOUT);

  test("unknown command: exit 2 naming it", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("konstruct: unknown command 'frobnicate'");
    expect(r.stderr).toContain("Usage: konstruct <command>");
  }, TIMEOUT);

  for (const name of COMMANDS) {
    test(`${name} --help: its usage and exit 0`, async () => {
      const r = await run([name, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: konstruct ${name}`);
      expect(r.stderr).toBe("");
    }, TIMEOUT);
  }

  test("an unknown flag: exit 2 with a one-line reason naming it", async () => {
    for (const name of ["config", "serve"]) {
      const r = await run([name, "--bogus"]);
      expect(r.code).toBe(2);
      expect(oneLine(r)).toContain("--bogus");
    }
  }, TIMEOUT);

  test("version prints the version from package.json", async () => {
    for (const args of [["version"], ["--version"]]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`konstruct ${pkg.version} (bun `);
    }
  }, TIMEOUT);
});

describe("models", () => {
  test("help names real hub ids; status says the default model is built in", async () => {
    const help = await run(["models", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Xenova/all-MiniLM-L6-v2");
    const status = await run(["models", "status"]);
    expect({ code: status.code, out: status.stdout }).toEqual({ code: 0, out: "konstruct/use-lite-en: built in\n" });
  }, TIMEOUT);

  test("pull refuses the built-in id and ids that cannot exist on the hub: exit 2, one line, nothing downloaded", async () => {
    const builtin = await run(["models", "pull", "konstruct/use-lite-en"]);
    expect(builtin.code).toBe(2);
    expect(oneLine(builtin)).toBe("konstruct: konstruct/use-lite-en is built in, nothing to pull");
    for (const id of ["all-MiniLM-L6-v2", "../../etc/passwd", "a/b/c", "owner/..", "Xenova/all MiniLM"]) {
      const r = await run(["models", "pull", id]);
      expect({ id, code: r.code }).toEqual({ id, code: 2 });
      expect(oneLine(r)).toContain("is not a Hugging Face model id (owner/name), e.g. Xenova/all-MiniLM-L6-v2");
    }
    const none = await run(["models", "pull"]);
    expect(none.code).toBe(2);
    expect(oneLine(none)).toContain("Xenova/all-MiniLM-L6-v2");
  }, TIMEOUT);
});

describe("config", () => {
  const SECRETS = ["xoxb-slack-bot-secret", "slack-signing-secret", "sk-openai-secret", "db-password-123", "tg-secret"];
  const text = `
database:
  url: postgres://konstruct:db-password-123@db.example.internal:5432/konstruct
llm:
  providers:
    - id: openai
      kind: openai
      base_url: https://api.openai.com/v1
      api_key: sk-openai-secret
tenants:
  - slug: acme
    name: Acme Inc
    agents:
      - slug: ada
        name: Ada
        models: [openai/gpt-4o-mini]
        channels:
          - kind: slack
            name: slack
            bot_token: xoxb-slack-bot-secret
            signing_secret: slack-signing-secret
          - kind: telegram
            name: tg
            bot_token: \${TG_TOKEN}
`;

  test("prints the resolved config without any secret value", async () => {
    const { dir, path } = configFile(text);
    const r = await run(["config"], { cwd: dir, env: { TG_TOKEN: "12345:tg-secret" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`# source: ${path}`);
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
    expect(r.stdout).toContain("[redacted]");
    expect(r.stdout).toContain("postgres://konstruct:[redacted]@db.example.internal:5432/konstruct");
    expect(r.stdout).toContain("Acme Inc");
    expect(r.stdout).toContain("https://api.openai.com/v1");
    expect(r.stdout).toContain("port: 8080");
  }, TIMEOUT);

  test("secrets from KONSTRUCT_* env and --config are redacted too", async () => {
    const { path } = configFile(text);
    const r = await run(["config", "--config", path], {
      env: {
        TG_TOKEN: "12345:tg-secret",
        KONSTRUCT_LLM__PROVIDERS__0__API_KEY: "sk-from-env-secret",
        KONSTRUCT_SECRETS__KEY: "master-key-secret",
      },
    });
    expect(r.code).toBe(0);
    for (const s of [...SECRETS, "sk-from-env-secret", "master-key-secret"]) expect(r.stdout).not.toContain(s);
  }, TIMEOUT);

  test("no file: built-in defaults", async () => {
    const r = await run(["config"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# source: built-in defaults");
    expect(r.stdout).toContain("tenants: []");
  }, TIMEOUT);

  test("bad YAML: exit 2, one line naming the file", async () => {
    const { dir, path } = configFile("server:\n  port: [8080\n");
    const r = await run(["config"], { cwd: dir });
    expect(r.code).toBe(2);
    const line = oneLine(r);
    expect(line).toContain("invalid YAML");
    expect(line).toContain(path);
  }, TIMEOUT);

  test("unknown key: exit 2, one line naming the key", async () => {
    const { dir } = configFile("server:\n  prot: 9000\n");
    const r = await run(["config"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain("server.prot: unknown key");
  }, TIMEOUT);

  test("missing --config file and unknown env key: exit 2", async () => {
    let r = await run(["config", "--config", "/nonexistent/k.yaml"]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain("/nonexistent/k.yaml");
    r = await run(["config"], { env: { KONSTRUCT_SERVR__PORT: "9000" } });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain("servr");
  }, TIMEOUT);
});

describe("serve failures", () => {
  test("a bad config: exit 2 naming the key", async () => {
    const { dir } = configFile(
      "tenants:\n  - slug: acme\n    name: Acme\n    agents:\n      - slug: ada\n        name: A\n        modles: []\n",
    );
    const r = await run(["serve"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain("tenants[0].agents[0].modles: unknown key");
  }, TIMEOUT);

  test("an unreachable external database: exit 1 with 'cannot connect' after its attempts", async () => {
    const r = await run(["serve"], {
      env: { KONSTRUCT_DATABASE__URL: "postgres://nobody@127.0.0.1:1/x", KONSTRUCT_DATABASE__CONNECT_ATTEMPTS: "2" },
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(1);
    const line = oneLine(r);
    expect(line).toContain("cannot connect");
    expect(line).toContain("2 attempt");
    expect(r.ms).toBeLessThan(10_000);
  }, TIMEOUT);

  test("a data_dir without disk.min_free_mb free: exit 2 with one line, nothing written", async () => {
    const dir = tmp();
    const data = join(dir, "data");
    const r = await run(["serve"], { cwd: dir, env: { KONSTRUCT_DATA_DIR: data, KONSTRUCT_DISK__MIN_FREE_MB: "1000000000", KONSTRUCT_LOG__LEVEL: "warn" } });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(new RegExp(`^konstruct: data_dir ${data} has \\d+ MB free; at least 1000000000 MB needed \\(disk\\.min_free_mb\\)$`));
    expect(readdirSync(data)).toEqual([]);
  }, DB_TIMEOUT);

  test("a port already in use: exit 1 with 'already in use'", async () => {
    const busy = Bun.serve({ port: 0, fetch: () => new Response("busy") });
    try {
      const dir = tmp();
      const r = await run(["serve"], {
        cwd: dir,
        env: { KONSTRUCT_SERVER__PORT: String(busy.port), KONSTRUCT_DATA_DIR: join(dir, "data"), KONSTRUCT_LOG__LEVEL: "warn" },
        timeoutMs: 40_000,
      });
      expect(r.code).toBe(1);
      const line = oneLine(r);
      expect(line).toContain("already in use");
      expect(line).toContain(String(busy.port));
    } finally {
      busy.stop(true);
    }
  }, DB_TIMEOUT);
});

describe("embedded database: migrate and doctor", () => {
  const dir = tmp();
  const env = { KONSTRUCT_DATA_DIR: join(dir, "data") };

  test("migrate applies the migrations, then --status reports none pending", async () => {
    const first = await run(["migrate"], { cwd: dir, env, timeoutMs: 60_000 });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    // A new embedded data dir is created and migrated in one step (db/first-boot.ts).
    expect(first.stdout).toMatch(/^schema is up to date \(\d+ migrations applied\)/m);
    const again = await run(["migrate"], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("schema is up to date");
    const status = await run(["migrate", "--status"], { cwd: dir, env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("pending: none");
  }, DB_TIMEOUT);

  test("doctor: exit 0, reports pgvector and migrations", async () => {
    const r = await run(["doctor"], { cwd: dir, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+pgvector/m);
    expect(r.stdout).toMatch(/^ok\s+migrations\s+.*current/m);
    expect(r.stdout).not.toMatch(/^fail/m);
  }, DB_TIMEOUT);

  test("doctor: an unreachable LLM provider fails (exit 1) and is named", async () => {
    const { path } = configFile(
      "llm:\n  providers:\n    - id: local-llm\n      kind: ollama\n      base_url: http://127.0.0.1:1\n",
    );
    const r = await run(["doctor", "--config", path], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fail\s+llm local-llm\s+.*127\.0\.0\.1:1/m);
    expect(r.stdout).toMatch(/^ok\s+database/m);
  }, DB_TIMEOUT);

  test("doctor: redis reachable is ok; unreachable fails with exit 1", async () => {
    const ok = await run(["doctor"], { cwd: dir, env: { ...env, KONSTRUCT_REDIS__URL: "redis://127.0.0.1:6379" } });
    expect(ok.stdout).toMatch(/^ok\s+redis\s+redis:\/\/127\.0\.0\.1:6379 answered PONG/m);
    expect(ok.code).toBe(0);
    const bad = await run(["doctor", "--json"], { cwd: dir, env: { ...env, KONSTRUCT_REDIS__URL: "redis://127.0.0.1:1" } });
    expect(bad.code).toBe(1);
    const checks = JSON.parse(bad.stdout) as { name: string; status: string }[];
    expect(checks.find((c) => c.name === "redis")?.status).toBe("fail");
  }, DB_TIMEOUT);
});
