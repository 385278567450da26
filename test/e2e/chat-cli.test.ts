/** `konstruct chat`: the terminal channel goes through the real pipeline and remembers the chat. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { securityConfig } from "../support/outbound.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedDataDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const ROOT = join(import.meta.dir, "../..");
let llm: LlmMock;
let dir: { path: string; remove(): void };
let config: string;

beforeAll(async () => {
  llm = await startLlmMock();
  dir = await embeddedDataDir();
  config = join(dir.path, "konstruct.config.yaml");
  writeFileSync(
    config,
    JSON.stringify({
      security: securityConfig, // the emulators listen on loopback
      data_dir: dir.path,
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", role: "assistant", models: ["mock/m"] }] }],
    }),
  );
});
afterAll(async () => {
  await llm.stop();
  dir.remove();
});

const chat = async (...args: string[]) => {
  const p = Bun.spawn(["bun", join(ROOT, "src/cli/main.ts"), "chat", "-c", config, ...args], { cwd: dir.path, env: { PATH: process.env.PATH! }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
};

test("one message in, the agent's answer out; the next run continues the conversation", async () => {
  llm.replyAll("Hello from the terminal.");
  const first = await chat("-t", "acme", "-a", "ada", "-u", "admin", "-m", "My project is Apollo.");
  expect(first.err).toBe("");
  expect(first.code).toBe(0);
  expect(first.out.trim()).toBe("Hello from the terminal.");
  const second = await chat("-t", "acme", "-a", "ada", "-u", "admin", "-m", "Which project?");
  expect(second.code).toBe(0);
  const sent = llm.journal().at(-1)!.messages.map((m) => String(m.content));
  expect(sent).toContain("My project is Apollo.");
  expect(String(sent[0])).toContain("You are Ada, assistant");
}, 60_000);

test("an unknown agent is a one-line error and exit 1; missing flags are usage errors (exit 2)", async () => {
  const unknown = await chat("-t", "acme", "-a", "nobody", "-m", "hi");
  expect(unknown.code).toBe(1);
  expect(unknown.err.trim()).toBe("konstruct: no agent 'nobody' in tenant 'acme'");
  const missing = await chat("-m", "hi");
  expect(missing.code).toBe(2);
  expect(missing.err).toContain("--tenant and --agent are required");
}, 60_000);
