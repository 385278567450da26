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

test("-m that starts a background task prints the agent's answer, then the task's result, and exits", async () => {
  llm.on({ lastUser: "research the quick thing", hasToolResult: false }, { toolCalls: [{ name: "start_task", arguments: { goal: "Quick terminal research" } }] });
  llm.on({ lastUser: "research the quick thing", hasToolResult: true }, { text: "On it — task #1." });
  llm.on({ lastUser: "Goal: Quick terminal research" }, { text: "Quick findings: all green.", delayMs: 1500 });
  const run = await chat("-t", "acme", "-a", "ada", "-u", "tasker", "-m", "research the quick thing");
  expect(run.err).toBe("");
  expect(run.code).toBe(0);
  const lines = run.out.trim().split("\n");
  expect(lines[0]).toBe("On it — task #1.");
  expect(run.out).toContain("**Task #1 done** — Quick terminal research\n\nQuick findings: all green.");
  expect(run.out.match(/Task #1 done/g)).toHaveLength(1);
}, 60_000);

test("interactive: /tasks, /status and /cancel N see and stop a running background task", async () => {
  llm.on({ lastUser: "research the slow thing", hasToolResult: false }, { toolCalls: [{ name: "start_task", arguments: { goal: "Slow terminal research" } }] });
  llm.on({ lastUser: "research the slow thing", hasToolResult: true }, { text: "On it — task #2." });
  llm.on({ lastUser: "Goal: Slow terminal research" }, { text: "never printed", delayMs: 20_000 });
  const p = Bun.spawn(["bun", join(ROOT, "src/cli/main.ts"), "chat", "-c", config, "-t", "acme", "-a", "ada", "-u", "tasker"], { cwd: dir.path, env: { PATH: process.env.PATH! }, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let out = "";
  void (async () => {
    for await (const chunk of p.stdout) out += new TextDecoder().decode(chunk);
  })();
  const say = async (line: string, expected: string | RegExp) => {
    const from = out.length;
    p.stdin.write(`${line}\n`);
    await p.stdin.flush();
    const deadline = Date.now() + 20_000;
    while (!(typeof expected === "string" ? out.slice(from).includes(expected) : expected.test(out.slice(from)))) {
      if (Date.now() > deadline) throw new Error(`no '${expected}' after '${line}'; output:\n${out}`);
      await Bun.sleep(50);
    }
    return out.slice(from);
  };
  try {
    await say("research the slow thing", "On it — task #2.");
    await say("/tasks", /#2 running · \d+s · step 1 · \$0\.0000 — Slow terminal research/);
    const status = await say("/status", /#2 running/);
    expect(status).toContain("Ada");
    const cancelledAt = Date.now();
    await say("/cancel 2", "Cancelled task #2.");
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    await say("/tasks", "No tasks running or queued.");
    await say("/cancel all", "You have no running or queued tasks.");
  } finally {
    p.stdin.end();
  }
  expect(await p.exited).toBe(0);
  expect(out).not.toContain("never printed");
  expect(out).not.toContain("Task #2 failed");
}, 60_000);
