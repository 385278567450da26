/**
 * Configuration: the shipped konstruct.config.yaml, file discovery, validation messages, KONSTRUCT_*
 * environment overrides, ${VAR} interpolation, cross-key rules and redaction. Every case passes an
 * explicit env object and a temp cwd; process.env is never read or changed.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { KonstructError } from "../errors.ts";
import { REDACTED, redactTree, redactUrl } from "../log/redact.ts";
import { findConfigFile, loadConfig, validate } from "./load.ts";

const SHIPPED = resolve(import.meta.dir, "..", "..", "konstruct.config.yaml");
const SHIPPED_TEXT = readFileSync(SHIPPED, "utf8");
const DEFAULTS = validate({});
const ETC_CONFIG_EXISTS = existsSync("/etc/konstruct/konstruct.config.yaml");

const root = mkdtempSync(join(tmpdir(), "konstruct-config-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh empty directory. */
function tmp(): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  return dir;
}
/** Writes `text` as a config file in a fresh directory and returns its path. */
function file(text: string, name = "konstruct.config.yaml"): string {
  const p = join(tmp(), name);
  writeFileSync(p, text);
  return p;
}
/** Loads YAML text with an explicit env (cwd is an empty dir so no stray file is found). */
function load(text: string, env: Record<string, string> = {}) {
  return loadConfig({ path: file(text), env, cwd: tmp() }).config;
}
/** The message of the KonstructError `fn` throws (fails the test if it doesn't throw one). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KonstructError);
    expect((e as KonstructError).code).toBe("config_invalid");
    return (e as Error).message;
  }
  throw new Error("expected a config error, got none");
}
const loadError = (text: string, env: Record<string, string> = {}) => errorOf(() => load(text, env));
const envError = (env: Record<string, string>) => errorOf(() => loadConfig({ env, cwd: tmp() }));

/** Leaf paths of a tree (arrays, even empty ones, count as leaves when empty). */
function leafPaths(node: unknown, path: string[] = []): string[][] {
  if (Array.isArray(node)) {
    if (node.length === 0) return [path];
    return node.flatMap((v, i) => leafPaths(v, [...path, String(i)]));
  }
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [path];
}

/** The lines between the example markers, uncommented by stripping one leading "# " (or a lone "#"). */
function exampleLines(text: string): { start: number; end: number; lines: string[] } {
  const all = text.split("\n");
  const start = all.indexOf("# --- example ---");
  const end = all.indexOf("# --- end example ---");
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const region = all.slice(start + 1, end);
  for (const line of region) expect(line === "#" || line.startsWith("# ")).toBe(true);
  return { start, end, lines: region.map((l) => (l === "#" ? "" : l.slice(2))) };
}
const exampleText = () => exampleLines(SHIPPED_TEXT).lines.join("\n");
/** Every ${VAR} without a default the example references, set to a plausible value. */
function exampleEnv(): Record<string, string> {
  const names = [...exampleText().matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  expect(names.length).toBeGreaterThan(0);
  return Object.fromEntries(names.map((v) => [v, `value-of-${v.toLowerCase()}`]));
}

describe("shipped konstruct.config.yaml", () => {
  test("validates to exactly the built-in defaults", () => {
    const { config, source } = loadConfig({ path: SHIPPED, env: {}, cwd: tmp() });
    expect(source).toBe(SHIPPED);
    expect(config).toEqual(DEFAULTS);
    expect(config.tenants).toEqual([]);
    expect(config.llm.providers).toEqual([]);
  });

  test("is what ./konstruct.config.yaml discovery finds, with the same result", () => {
    const dir = tmp();
    writeFileSync(join(dir, "konstruct.config.yaml"), SHIPPED_TEXT);
    const loaded = loadConfig({ env: {}, cwd: dir });
    expect(loaded.source).toBe(join(dir, "konstruct.config.yaml"));
    expect(loaded.config).toEqual(DEFAULTS);
  });

  test("documents every key of the schema: key line, default and env override name", () => {
    const lines = SHIPPED_TEXT.split("\n");
    const paths = leafPaths(DEFAULTS);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      // The key sits at the right nesting: each segment found below its parent, two spaces deeper.
      let from = 0;
      path.forEach((segment, depth) => {
        const want = new RegExp(`^${"  ".repeat(depth)}${segment}:`);
        let found = -1;
        for (let i = from; i < lines.length; i++) {
          const line = lines[i]!;
          if (want.test(line)) {
            found = i;
            break;
          }
          const indent = line.match(/^ */)![0].length;
          if (depth > 0 && line.trim() && !line.trimStart().startsWith("#") && indent < depth * 2) break;
        }
        if (found < 0) throw new Error(`konstruct.config.yaml does not document ${path.join(".")}`);
        from = found + 1;
      });
      const env = `KONSTRUCT_${path.join("__").toUpperCase()}`;
      expect(SHIPPED_TEXT, `env name of ${path.join(".")}`).toContain(env);
    }
    expect(SHIPPED_TEXT).toMatch(/\bPORT\b.*KONSTRUCT_SERVER__PORT wins/);
    expect(SHIPPED_TEXT).toContain("_FILE");
  });

  test("keeps lines within 110 characters", () => {
    const long = SHIPPED_TEXT.split("\n").filter((l) => l.length > 110);
    expect(long).toEqual([]);
  });

  test("the commented example validates when uncommented, given the env vars it references", () => {
    const env = exampleEnv();
    const config = load(exampleText(), env);
    expect(config.llm.providers.map((p) => [p.id, p.kind])).toEqual([
      ["local", "ollama"],
      ["openai", "openai"],
    ]);
    expect(config.llm.providers[1]!.api_key).toBe(env.OPENAI_API_KEY!);
    const tenant = config.tenants[0]!;
    expect(tenant.agents).toHaveLength(1);
    const agent = tenant.agents[0]!;
    expect(agent.name).not.toBe("");
    expect(agent.role).not.toBe("");
    expect(agent.persona).not.toBe("");
    expect(agent.instructions).not.toBe("");
    expect(agent.models.length).toBeGreaterThanOrEqual(2);
    const slack = agent.channels.find((c) => c.kind === "slack");
    const telegram = agent.channels.find((c) => c.kind === "telegram");
    expect(slack).toMatchObject({ mode: "events", signing_secret: env.SLACK_SIGNING_SECRET!, api_url: expect.any(String) });
    expect(telegram).toMatchObject({ mode: "polling", api_root: expect.any(String) });
    // Socket mode / webhook mode are documented and switch on with their optional ${VAR:-} secrets.
    const text = exampleText();
    for (const word of ["socket", "app_token", "webhook", "webhook_secret", "api_url", "api_root"])
      expect(text).toContain(word);
    const switched = text.replace("mode: events ", "mode: socket ").replace("mode: polling ", "mode: webhook ");
    expect(() => load(switched, env)).toThrow(/app_token: is required in socket mode/);
    const full = { ...env, SLACK_APP_TOKEN: "xapp-1", TELEGRAM_WEBHOOK_SECRET: "whs" };
    const both = load(switched, full).tenants[0]!.agents[0]!.channels;
    expect(both.map((c) => c.mode)).toEqual(["socket", "webhook", "webhook"]);
  });

  test("the example writes out every key of providers, tenants, agents and channels", () => {
    const raw = parse(exampleText()) as Record<string, unknown>;
    const validated = load(exampleText(), exampleEnv());
    const keys = (t: unknown) => leafPaths(t).map((p) => p.join("."));
    expect(keys(raw.llm).sort()).toEqual(keys(validated.llm).sort());
    expect(keys(raw.tenants).sort()).toEqual(keys(validated.tenants).sort());
  });

  test("uncommented in place (after deleting the llm/tenants defaults) it validates too", () => {
    const all = SHIPPED_TEXT.split("\n");
    const { start, end, lines } = exampleLines(SHIPPED_TEXT);
    const head = all.slice(0, start).filter((l) => !["llm:", "  providers: []", "  prices: {}", "tenants: []"].includes(l));
    const config = load([...head, ...lines, ...all.slice(end + 1)].join("\n"), exampleEnv());
    expect(config.tenants).toHaveLength(1);
    expect({ ...config, llm: DEFAULTS.llm, tenants: DEFAULTS.tenants }).toEqual(DEFAULTS);
  });
});

describe("file discovery", () => {
  test("--config path > KONSTRUCT_CONFIG > ./konstruct.config.yaml > built-in defaults", () => {
    const cwd = tmp();
    writeFileSync(join(cwd, "konstruct.config.yaml"), "server:\n  port: 1111\n");
    const fromEnv = file("server:\n  port: 2222\n", "env.yaml");
    const explicit = file("server:\n  port: 3333\n", "explicit.yaml");

    let r = loadConfig({ path: explicit, env: { KONSTRUCT_CONFIG: fromEnv }, cwd });
    expect([r.source, r.config.server.port]).toEqual([explicit, 3333]);
    r = loadConfig({ env: { KONSTRUCT_CONFIG: fromEnv }, cwd });
    expect([r.source, r.config.server.port]).toEqual([fromEnv, 2222]);
    r = loadConfig({ env: {}, cwd });
    expect([r.source, r.config.server.port]).toEqual([join(cwd, "konstruct.config.yaml"), 1111]);
    if (!ETC_CONFIG_EXISTS) {
      r = loadConfig({ env: {}, cwd: tmp() });
      expect(r.source).toBeNull();
      expect(r.config).toEqual(DEFAULTS);
    }
  });

  test("a relative --config path resolves against cwd", () => {
    const cwd = tmp();
    mkdirSync(join(cwd, "conf"));
    writeFileSync(join(cwd, "conf", "k.yaml"), "log:\n  level: debug\n");
    const r = loadConfig({ path: "conf/k.yaml", env: {}, cwd });
    expect(r.source).toBe(join(cwd, "conf", "k.yaml"));
    expect(r.config.log.level).toBe("debug");
    expect(findConfigFile({ path: "conf/k.yaml", env: {}, cwd })).toBe(join(cwd, "conf", "k.yaml"));
  });

  test("an explicit missing file is an error naming the path (no fallback)", () => {
    const cwd = tmp();
    writeFileSync(join(cwd, "konstruct.config.yaml"), "{}\n");
    const missing = join(cwd, "nope.yaml");
    expect(errorOf(() => loadConfig({ path: missing, env: {}, cwd }))).toContain(`file not found: ${missing}`);
    expect(errorOf(() => loadConfig({ env: { KONSTRUCT_CONFIG: missing }, cwd }))).toContain(missing);
  });

  test("a directory given as the config file is a read error, not 'invalid YAML'", () => {
    const dir = tmp();
    const msg = errorOf(() => loadConfig({ path: dir, env: {}, cwd: dir }));
    expect(msg).toContain(`cannot read ${dir}`);
  });

  test("an empty file (or only comments) is the defaults", () => {
    expect(load("")).toEqual(DEFAULTS);
    expect(load("# nothing here\n")).toEqual(DEFAULTS);
  });
});

describe("validation messages name the key", () => {
  test("bad YAML names the file and says invalid YAML", () => {
    const p = file("server:\n  port: [1, 2\n");
    const msg = errorOf(() => loadConfig({ path: p, env: {}, cwd: tmp() }));
    expect(msg).toContain(p);
    expect(msg).toContain("invalid YAML");
    expect(msg).not.toContain("\n");
  });

  test("duplicate YAML keys are invalid YAML", () => {
    expect(loadError("server:\n  port: 1\n  port: 2\n")).toContain("invalid YAML");
  });

  test("a top level that is not a mapping is an error", () => {
    expect(loadError("- a\n- b\n")).toContain("top level must be a mapping");
  });

  test("tenants[].escalation: the destination's channel and chat and duplicate canned titles are named", () => {
    const tenant = (escalation: unknown) => ({ tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", channels: [{ kind: "telegram", name: "tg", bot_token: "1:x" }] }], escalation }] });
    expect(errorOf(() => validate(tenant({ destination: { channel: "nope", chat: "-100" } })))).toContain("tenants[0].escalation.destination.channel: no Slack or Telegram channel named 'nope'");
    expect(errorOf(() => validate(tenant({ destination: { channel: "tg", chat: "C0123" } })))).toContain("tenants[0].escalation.destination.chat: a Telegram chat id");
    expect(errorOf(() => validate(tenant({ canned_replies: [{ title: "A", body: "x" }, { title: "A", body: "y" }] })))).toContain("tenants[0].escalation.canned_replies[1].title: duplicate canned reply title 'A'");
    expect(errorOf(() => validate(tenant({ canned_replies: [{ title: "A", body: "" }] })))).toContain("tenants[0].escalation.canned_replies[0].body");
    expect(validate(tenant({ destination: { channel: "tg", chat: "-1001" } })).tenants[0]!.escalation?.destination?.timeout_minutes).toBe(0);
    expect(errorOf(() => validate(tenant({ destination: { channel: "tg", chat: "-1001" }, next_destinations: [{ channel: "tg", chat: "C0123" }] })))).toContain("tenants[0].escalation.next_destinations[0].chat: a Telegram chat id");
    expect(errorOf(() => validate(tenant({ next_destinations: [{ channel: "tg", chat: "-1002" }] })))).toContain("tenants[0].escalation.next_destinations: next destinations need a first `destination`");
    expect(errorOf(() => validate(tenant({ business_hours: { timezone: "Mars/Olympus", week: { mon: "09:00-17:00" } } })))).toContain("tenants[0].escalation.business_hours.timezone: an IANA timezone");
    expect(errorOf(() => validate(tenant({ business_hours: { timezone: "UTC", week: { tue: "9 to 5" } } })))).toContain("tenants[0].escalation.business_hours.week.tue: '9 to 5' is not a range");
    expect(errorOf(() => validate(tenant({ business_hours: { timezone: "UTC", week: { mon: "09:00-17:00" }, holidays: ["24.12."] } })))).toContain("tenants[0].escalation.business_hours.holidays:");
    expect(errorOf(() => validate(tenant({ business_hours: { timezone: "UTC", week: { mon: "09:00-17:00" }, expected_wait_minutes: 0 } })))).toContain("tenants[0].escalation.business_hours.expected_wait_minutes:");
    expect(errorOf(() => validate(tenant({ business_hours: { timezone: "UTC", week: { mon: "09:00-17:00" }, expected_wait_minutes: 1441 } })))).toContain("tenants[0].escalation.business_hours.expected_wait_minutes:");
    expect(validate(tenant({ business_hours: { timezone: "UTC", week: { mon: "09:00-17:00" }, expected_wait_minutes: 15 } })).tenants[0]!.escalation!.business_hours!.expected_wait_minutes).toBe(15);
  });

  test("unknown keys: top level, nested, inside tenants[0].agents[0]", () => {
    expect(loadError("sever:\n  port: 1\n")).toContain("sever: unknown key");
    expect(loadError("server:\n  prot: 9000\n")).toContain("server.prot: unknown key");
    const msg = loadError(`
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        modles: []
`);
    expect(msg).toContain("tenants[0].agents[0].modles: unknown key");
  });

  test("the error names the file it came from", () => {
    const p = file("server:\n  prot: 1\n");
    expect(errorOf(() => loadConfig({ path: p, env: {}, cwd: tmp() }))).toContain(p);
  });

  test("wrong types name the key", () => {
    expect(loadError("server:\n  port: eighty\n")).toMatch(/server\.port: .*number/);
    expect(loadError("server:\n  port: 70000\n")).toContain("server.port:");
    expect(loadError("log:\n  level: loud\n")).toContain("log.level:");
    expect(loadError("tenants: {}\n")).toContain("tenants:");
    expect(loadError("llm:\n  providers:\n    - id: x\n      kind: ollama\n      base_url: not a url\n")).toContain(
      "llm.providers[0].base_url:",
    );
    expect(loadError("tenants:\n  - slug: Not_A_Slug\n    name: x\n")).toContain("tenants[0].slug:");
  });

  test("missing required keys name the key", () => {
    expect(loadError("tenants:\n  - slug: acme\n")).toContain("tenants[0].name: is required");
    const msg = loadError(`
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        channels:
          - kind: telegram
            name: tg
`);
    expect(msg).toContain("tenants[0].agents[0].channels[0].bot_token: is required");
    expect(loadError("llm:\n  providers:\n    - id: x\n      base_url: http://h\n")).toContain("llm.providers[0].kind");
  });

  test("an unknown channel kind names the key and the choices", () => {
    const msg = loadError(`
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        channels:
          - kind: discord
            name: d
            bot_token: t
`);
    expect(msg).toContain("tenants[0].agents[0].channels[0].kind: must be one of slack, telegram");
    const noKind = "tenants:\n  - slug: a\n    name: A\n    agents:\n      - slug: b\n        name: B\n        channels:\n"
      + "          - name: x\n            bot_token: t\n";
    expect(loadError(noKind)).toContain("tenants[0].agents[0].channels[0].kind: must be one of slack, telegram");
  });
});

describe("cross-key rules", () => {
  const agentWith = (extra: string) => `
llm:
  providers:
    - id: local
      kind: ollama
      base_url: http://127.0.0.1:11434
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
${extra}`;

  test("duplicate tenant slugs", () => {
    const msg = loadError("tenants:\n  - slug: a\n    name: A\n  - slug: a\n    name: B\n");
    expect(msg).toContain("tenants[1]: duplicate tenant slug 'a'");
  });

  test("duplicate provider ids, agent slugs and channel names", () => {
    const providers = "llm:\n  providers:\n" + "    - id: p\n      kind: openai\n      base_url: http://h\n".repeat(2);
    expect(loadError(providers)).toContain("llm.providers[1]: duplicate provider id 'p'");
    const agents = "tenants:\n  - slug: a\n    name: A\n    agents:\n" + "      - slug: x\n        name: X\n".repeat(2);
    expect(loadError(agents)).toContain("tenants[0].agents[1]: duplicate agent slug 'x'");
    const channel = "          - kind: telegram\n            name: tg\n            bot_token: t\n";
    expect(loadError(agentWith(`        channels:\n${channel}${channel}`))).toContain(
      "tenants[0].agents[0].channels[1].name: duplicate channel name 'tg' in tenant",
    );
  });

  test("a model naming an unknown provider", () => {
    const ok = load(agentWith("        models: [local/llama3.2]\n"));
    expect(ok.tenants[0]!.agents[0]!.models).toEqual(["local/llama3.2"]);
    const msg = loadError(agentWith("        models: [local/llama3.2, cloud/gpt]\n"));
    expect(msg).toContain("tenants[0].agents[0].models[1]: unknown provider 'cloud'");
    expect(loadError(agentWith("        models: [just-a-model]\n"))).toContain("tenants[0].agents[0].models[0]:");
  });

  test("a model that sees images: ' vision' in the text or { model, vision: true }, stored as the text", () => {
    const ok = load(agentWith("        models: [local/llava vision, {model: local/llava2, vision: true}, {model: local/plain}]\n        executor_models: [local/llava vision]\n"));
    expect(ok.tenants[0]!.agents[0]!.models).toEqual(["local/llava vision", "local/llava2 vision", "local/plain"]);
    expect(ok.tenants[0]!.agents[0]!.executor_models).toEqual(["local/llava vision"]);
    expect(loadError(agentWith("        models: [local/llava sees]\n"))).toContain("tenants[0].agents[0].models[0]:");
    expect(loadError(agentWith("        models: [{model: local/llava, eyes: true}]\n"))).toContain("tenants[0].agents[0].models[0]");
  });

  test("a heartbeat: defaults, needs models, a known notify channel, HH:MM and a real time zone", () => {
    const hb = (extra: string) => agentWith(`        models: [local/llama3.2]\n        heartbeat:\n${extra}`);
    const ok = load(hb("          quiet_hours: {start: \"22:00\", end: \"07:00\", tz: Europe/Oslo}\n"));
    expect(ok.tenants[0]!.agents[0]!.heartbeat).toEqual({ every_minutes: 30, checklist: "", quiet_hours: { start: "22:00", end: "07:00", tz: "Europe/Oslo" } });
    expect(loadError(agentWith("        heartbeat: {every_minutes: 30}\n"))).toContain("tenants[0].agents[0].heartbeat: a heartbeat needs the agent's models");
    expect(loadError(hb("          notify: {channel: nope, chat: C1}\n"))).toContain("heartbeat.notify.channel: no channel named 'nope'");
    expect(loadError(hb("          quiet_hours: {start: \"25:00\", end: \"07:00\", tz: UTC}\n"))).toContain("heartbeat.quiet_hours.start");
    expect(loadError(hb("          quiet_hours: {start: \"22:00\", end: \"07:00\", tz: Mars/Base}\n"))).toContain("IANA time zone");
    expect(loadError(hb("          every_minutes: 1\n"))).toContain("heartbeat.every_minutes");
  });

  test("slack events mode needs signing_secret; socket mode needs app_token", () => {
    const slack = (fields: string) =>
      agentWith(`        channels:\n          - kind: slack\n            name: s\n            bot_token: xoxb\n${fields}`);
    expect(loadError(slack(""))).toContain("tenants[0].agents[0].channels[0].signing_secret: is required in events mode");
    expect(load(slack("            signing_secret: sss\n")).tenants[0]!.agents[0]!.channels[0]!.mode).toBe("events");
    expect(loadError(slack("            mode: socket\n"))).toContain(
      "tenants[0].agents[0].channels[0].app_token: is required in socket mode",
    );
    expect(load(slack("            mode: socket\n            app_token: xapp\n")).tenants).toHaveLength(1);
  });

  test("telegram webhook mode needs webhook_secret", () => {
    const tg = (fields: string) =>
      agentWith(`        channels:\n          - kind: telegram\n            name: t\n            bot_token: 1:a\n${fields}`);
    expect(load(tg("")).tenants[0]!.agents[0]!.channels[0]!.mode).toBe("polling");
    expect(loadError(tg("            mode: webhook\n"))).toContain(
      "tenants[0].agents[0].channels[0].webhook_secret: is required in webhook mode",
    );
    expect(load(tg("            mode: webhook\n            webhook_secret: w\n")).tenants).toHaveLength(1);
  });
});

describe("environment overrides", () => {
  const cfg = (env: Record<string, string>, text?: string) =>
    text === undefined ? loadConfig({ env, cwd: tmp() }).config : load(text, env);

  test("KONSTRUCT_SERVER__PORT=9000 becomes the number 9000", () => {
    expect(cfg({ KONSTRUCT_SERVER__PORT: "9000" }).server.port).toBe(9000);
    expect(cfg({ KONSTRUCT_SERVER__PORT: "9000" }, "server:\n  port: 1\n").server.port).toBe(9000);
  });

  test("PORT is honoured, below KONSTRUCT_SERVER__PORT", () => {
    expect(cfg({ PORT: "7000" }).server.port).toBe(7000);
    expect(cfg({ PORT: "7000", KONSTRUCT_SERVER__PORT: "9000" }).server.port).toBe(9000);
    expect(cfg({ KONSTRUCT_SERVER__PORT: "9000", PORT: "7000" }).server.port).toBe(9000);
    expect(errorOf(() => cfg({ PORT: "http" }))).toContain("server.port:");
  });

  test("scalars are typed; strings stay verbatim", () => {
    const c = cfg({
      KONSTRUCT_DATABASE__URL: "postgres://konstruct:pw@db:5432/konstruct",
      KONSTRUCT_DATABASE__POOL_SIZE: "3",
      KONSTRUCT_LOG__LEVEL: "debug",
      KONSTRUCT_DATA_DIR: "/var/lib/konstruct",
      KONSTRUCT_SERVER__HOST: "127.0.0.1",
    });
    expect(c.database.url).toBe("postgres://konstruct:pw@db:5432/konstruct");
    expect(c.database.pool_size).toBe(3);
    expect(c.log.level).toBe("debug");
    expect(c.data_dir).toBe("/var/lib/konstruct");
    expect(c.server.host).toBe("127.0.0.1");
  });

  test("string values with YAML syntax are not reshaped", () => {
    const c = cfg({
      KONSTRUCT_TENANTS__0__SLUG: "acme",
      KONSTRUCT_TENANTS__0__NAME: "Acme: the #1 company",
      KONSTRUCT_TENANTS__0__AGENTS__0__SLUG: "ada",
      KONSTRUCT_TENANTS__0__AGENTS__0__NAME: "~",
      KONSTRUCT_TENANTS__0__AGENTS__0__PERSONA: "- dashes: and colons",
      KONSTRUCT_TENANTS__0__AGENTS__0__MODELS: "[]",
    });
    expect(c.tenants[0]!.name).toBe("Acme: the #1 company");
    expect(c.tenants[0]!.agents[0]!.name).toBe("~");
    expect(c.tenants[0]!.agents[0]!.persona).toBe("- dashes: and colons");
    expect(c.tenants[0]!.agents[0]!.models).toEqual([]);
  });

  test("KONSTRUCT_LLM__PROVIDERS__0__API_KEY sets a key inside the array from the file", () => {
    const text = `
llm:
  providers:
    - id: openai
      kind: openai
      base_url: https://api.openai.com/v1
    - id: local
      kind: ollama
      base_url: http://127.0.0.1:11434
`;
    const c = cfg({ KONSTRUCT_LLM__PROVIDERS__0__API_KEY: "sk-live-123" }, text);
    expect(c.llm.providers).toHaveLength(2);
    expect(c.llm.providers[0]).toMatchObject({ id: "openai", kind: "openai", api_key: "sk-live-123" });
    expect(c.llm.providers[1]).toMatchObject({ id: "local", api_key: "" });
  });

  test("a whole provider can come from the environment", () => {
    const c = cfg({
      KONSTRUCT_LLM__PROVIDERS__0__ID: "local",
      KONSTRUCT_LLM__PROVIDERS__0__KIND: "ollama",
      KONSTRUCT_LLM__PROVIDERS__0__BASE_URL: "http://127.0.0.1:11434",
      KONSTRUCT_LLM__PROVIDERS__0__TIMEOUT_MS: "5000",
    });
    expect(c.llm.providers).toEqual([
      { id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434", api_key: "", timeout_ms: 5000, max_concurrency: 8 },
    ]);
  });

  test("_FILE reads the value from a file, trailing newline stripped", () => {
    const secretFile = join(tmp(), "key");
    writeFileSync(secretFile, "c2VjcmV0LWtleS1ieXRlcw==\n");
    expect(cfg({ KONSTRUCT_SECRETS__KEY_FILE: secretFile }).secrets.key).toBe("c2VjcmV0LWtleS1ieXRlcw==");
    const urlFile = join(tmp(), "url");
    writeFileSync(urlFile, "postgres://u:p@h/db\r\n");
    expect(cfg({ KONSTRUCT_DATABASE__URL_FILE: urlFile }).database.url).toBe("postgres://u:p@h/db");
    const missing = join(tmp(), "absent");
    const msg = envError({ KONSTRUCT_SECRETS__KEY_FILE: missing });
    expect(msg).toContain("KONSTRUCT_SECRETS__KEY_FILE");
    expect(msg).toContain(missing);
  });

  test("both X and X_FILE set is an error naming both", () => {
    const secretFile = join(tmp(), "key");
    writeFileSync(secretFile, "abc\n");
    const msg = envError({ KONSTRUCT_SECRETS__KEY: "abc", KONSTRUCT_SECRETS__KEY_FILE: secretFile });
    expect(msg).toContain("KONSTRUCT_SECRETS__KEY ");
    expect(msg).toContain("KONSTRUCT_SECRETS__KEY_FILE");
  });

  test("an unknown env key is an error naming the key", () => {
    expect(envError({ KONSTRUCT_SERVR__PORT: "9000" })).toContain("servr");
    expect(envError({ KONSTRUCT_SERVER__PROT: "9000" })).toContain("server.prot: unknown key");
    expect(envError({ KONSTRUCT_SERVER____PORT: "1" })).toContain("KONSTRUCT_SERVER____PORT");
  });

  test("KONSTRUCT_CONFIG, KONSTRUCT_TRACE_SQL and non-KONSTRUCT variables are not keys", () => {
    const c = cfg({ KONSTRUCT_CONFIG: "", KONSTRUCT_TRACE_SQL: "/tmp/trace", HOME: "/root", PATH: "/usr/bin", DATABASE_URL: "x" });
    expect(c).toEqual(DEFAULTS);
  });

  test("a numeric-looking secret stays a string", () => {
    const text = `
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        channels:
          - kind: telegram
            name: tg
            bot_token: \${TG_TOKEN}
`;
    const viaEnv = cfg(
      {
        KONSTRUCT_SECRETS__KEY: "123456",
        KONSTRUCT_TENANTS__0__AGENTS__0__CHANNELS__0__BOT_TOKEN: "0012345",
        KONSTRUCT_LLM__PROVIDERS__0__ID: "p",
        KONSTRUCT_LLM__PROVIDERS__0__KIND: "openai",
        KONSTRUCT_LLM__PROVIDERS__0__BASE_URL: "http://h",
        KONSTRUCT_LLM__PROVIDERS__0__API_KEY: "1e10",
      },
      text.replace("${TG_TOKEN}", "placeholder"),
    );
    expect(viaEnv.secrets.key).toBe("123456");
    expect((viaEnv.tenants[0]!.agents[0]!.channels[0]! as { bot_token?: string }).bot_token).toBe("0012345");
    expect(viaEnv.llm.providers[0]!.api_key).toBe("1e10");
    const viaInterpolation = cfg({ TG_TOKEN: "987654" }, text);
    expect((viaInterpolation.tenants[0]!.agents[0]!.channels[0]! as { bot_token?: string }).bot_token).toBe("987654");
  });
});

describe("${VAR} interpolation", () => {
  const tenant = (name: string) => `tenants:\n  - slug: acme\n    name: "${name}"\n`;

  test("${VAR} and ${VAR:-default}", () => {
    expect(load(tenant("${NAME}"), { NAME: "Acme" }).tenants[0]!.name).toBe("Acme");
    expect(load(tenant("${NAME:-Fallback Inc}"), {}).tenants[0]!.name).toBe("Fallback Inc");
    expect(load(tenant("${NAME:-Fallback Inc}"), { NAME: "Set" }).tenants[0]!.name).toBe("Set");
    expect(load(tenant("${A}-${B:-b} Co"), { A: "a" }).tenants[0]!.name).toBe("a-b Co");
    expect(load("database:\n  url: ${DB_URL:-}\n").database.url).toBe("");
  });

  test("a missing variable is an error naming the key path and the variable", () => {
    const msg = loadError(`
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        channels:
          - kind: slack
            name: s
            bot_token: \${SLACK_BOT_TOKEN}
`);
    expect(msg).toContain("tenants[0].agents[0].channels[0].bot_token");
    expect(msg).toContain("SLACK_BOT_TOKEN");
    expect(msg).toContain("not set");
  });

  test("a value cannot inject YAML structure", () => {
    const evil = 'x"\nserver:\n  port: 1\nsecrets: {key: stolen}\n';
    const c = load(tenant("${NAME}"), { NAME: evil });
    expect(c.tenants[0]!.name).toBe(evil);
    expect(c.server.port).toBe(8080);
    expect(c.secrets.key).toBe("");
    expect(load("server:\n  host: ${HOST}\n", { HOST: "[1, 2]" }).server.host).toBe("[1, 2]");
  });

  test("a value that is only ${VAR} may fill a number field; other values stay text; $${ is a literal", () => {
    expect(load("server:\n  port: ${P:-8080}\n", { P: "9001" }).server.port).toBe(9001);
    expect(load("server:\n  port: ${P:-8080}\n").server.port).toBe(8080);
    const c = load(
      "tenants:\n  - slug: a\n    name: ${N}\n    agents:\n      - slug: b\n        name: B\n        instructions: run $${HOME}/x\n" +
        "        channels:\n          - kind: telegram\n            name: t\n            bot_token: ${TOKEN}\n",
      { N: "123", TOKEN: "98765" },
    );
    expect(c.tenants[0]!.agents[0]!.instructions).toBe("run ${HOME}/x");
    expect((c.tenants[0]!.agents[0]!.channels[0]! as { bot_token?: string }).bot_token).toBe("98765");
    expect(c.tenants[0]!.name).toBe("123");
    expect(errorOf(() => load("server:\n  port: ${P}\n", { P: "80x" }))).toContain("server.port");
  });

  test("only values are interpolated; env overrides are taken literally", () => {
    expect(load("log:\n  level: ${LEVEL:-warn}\n").log.level).toBe("warn");
    const c = loadConfig({ env: { KONSTRUCT_TENANTS__0__SLUG: "a", KONSTRUCT_TENANTS__0__NAME: "${X}" }, cwd: tmp() });
    expect(c.config.tenants[0]!.name).toBe("${X}");
  });
});

describe("redaction", () => {
  test("tenant secrets and MCP env/headers are redacted value by value, names kept", () => {
    const config = load(`
tenants:
  - slug: acme
    name: Acme
    secrets: { CRM_TOKEN: crm-secret-value }
    mcp_servers:
      - { name: crm, transport: http, url: "https://crm.example/mcp", headers: { Authorization: "Bearer hdr-secret" } }
      - { name: local, transport: stdio, command: /usr/bin/crm-mcp, env: { API_KEY: env-secret } }
`);
    const red = redactTree(config);
    const text = JSON.stringify(red);
    for (const secret of ["crm-secret-value", "hdr-secret", "env-secret"]) expect(text).not.toContain(secret);
    expect(red.tenants[0]!.secrets).toEqual({ CRM_TOKEN: REDACTED });
    expect(red.tenants[0]!.mcp_servers[0]!.headers).toEqual({ Authorization: REDACTED });
    expect(red.tenants[0]!.mcp_servers[1]!).toMatchObject({ command: "/usr/bin/crm-mcp", env: { API_KEY: REDACTED } });
  });

  test("MCP servers: the transport's required key is named when missing", () => {
    expect(loadError("tenants:\n  - { slug: a, name: A, mcp_servers: [{ name: x, transport: stdio }] }\n")).toContain("tenants[0].mcp_servers[0].command: is required for transport stdio");
  });

  test("redactTree hides credentials and URL passwords, leaves everything else", () => {
    const config = load(
      `
database:
  url: postgres://konstruct:db-pass-123@db.internal:5432/konstruct
redis:
  url: redis://:redis-pass@127.0.0.1:6379/0
secrets:
  key: master-key-base64
llm:
  providers:
    - id: openai
      kind: openai
      base_url: https://api.openai.com/v1
      api_key: sk-secret
tenants:
  - slug: acme
    name: Acme
    agents:
      - slug: ada
        name: Ada
        channels:
          - kind: slack
            name: s
            bot_token: xoxb-secret
            signing_secret: sign-secret
            app_token: xapp-secret
          - kind: telegram
            name: t
            mode: webhook
            bot_token: "123:tg-secret"
            webhook_secret: hook-secret
`,
    );
    const red = redactTree(config);
    const text = JSON.stringify(red);
    for (const secret of ["db-pass-123", "redis-pass", "master-key-base64", "sk-secret", "xoxb-secret", "sign-secret"])
      expect(text).not.toContain(secret);
    for (const secret of ["xapp-secret", "tg-secret", "hook-secret"]) expect(text).not.toContain(secret);
    expect(red.database.url).toBe(`postgres://konstruct:${REDACTED}@db.internal:5432/konstruct`);
    expect(red.redis.url).toBe(`redis://:${REDACTED}@127.0.0.1:6379/0`);
    expect(red.secrets.key).toBe(REDACTED);
    expect(red.llm.providers[0]).toMatchObject({ api_key: REDACTED, base_url: "https://api.openai.com/v1", id: "openai" });
    const [slack, tg] = red.tenants[0]!.agents[0]!.channels;
    expect(slack).toMatchObject({ bot_token: REDACTED, signing_secret: REDACTED, app_token: REDACTED, name: "s" });
    expect(tg).toMatchObject({ bot_token: REDACTED, webhook_secret: REDACTED, mode: "webhook" });
    // Everything that is not a credential is untouched, and the input is not mutated.
    const { database, redis, secrets, llm, tenants } = config;
    expect({ ...red, database, redis, secrets, llm, tenants }).toEqual(config);
    expect(config.llm.providers[0]!.api_key).toBe("sk-secret");
  });

  test("empty secrets stay empty (so 'not set' is visible)", () => {
    const red = redactTree(DEFAULTS);
    expect(red).toEqual(DEFAULTS);
  });

  test("redactUrl: passwords hidden even when the URL parser chokes on them", () => {
    expect(redactUrl("postgres://u:p@h/db")).toBe(`postgres://u:${REDACTED}@h/db`);
    expect(redactUrl("postgres://u@h/db")).toBe("postgres://u@h/db");
    expect(redactUrl("http://127.0.0.1:11434")).toBe("http://127.0.0.1:11434");
    const awkward = ["postgres://u:p#ss@h/db", "postgres://u:p/ss@h:5432/db", "postgres://u:12#x@h/db", "postgres://u:a@b@h/db"];
    for (const url of awkward) {
      const out = redactUrl(url);
      expect(out, url).toContain(REDACTED);
      expect(out, url).not.toMatch(/p#ss|p\/ss|12#x|a@b/);
    }
    expect(redactUrl("not a url")).toBe("not a url");
  });
});
