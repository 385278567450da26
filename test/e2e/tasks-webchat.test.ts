/**
 * Background tasks in the console's web chat (in-process, both databases, signed-in admin over
 * HTTP): the agent starts a task and answers at once; /tasks and /status list it; /cancel N stops
 * it; another task's result lands in the chat log once; another tenant's admin sees none of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../support/admin.ts";
import { eventually } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { agents } from "../../src/db/schema/index.ts";

describe.each(DB_KINDS)("background tasks in the web chat on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let ada = "";
  let gus = "";

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Sure.");
    llm.on({ lastUser: "research", hasToolResult: false }, { toolCalls: [{ name: "start_task", arguments: { goal: "Web research" } }] });
    llm.on({ lastUser: "research", hasToolResult: true }, { text: "On it — started." });
    llm.on({ lastUser: "Goal: Web research" }, { text: "never shown", delayMs: 20_000 });
    f = await consoleFixture(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      jobs: { poll_seconds: 0.5 },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
      ],
    });
    s = await f.sessions();
    ada = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
    gus = (await f.app().db.withTenant(f.globex, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  /** The chat log as text (tags dropped), for one browser. */
  const log = async (b: Browser, tenant: string, agent: string) =>
    (await (await b.fetch(`/admin/chat/${agent}/log?tenant=${tenant}`, { headers: { "hx-request": "true" } })).text()).replace(/<[^>]+>/g, "").replace(/&#39;|&#x27;/g, "'");
  /** Sends `text` and waits until the log holds `expected` one more time than before. */
  async function say(b: Browser, tenant: string, agent: string, text: string, expected: string | RegExp): Promise<string> {
    const count = (t: string) => (typeof expected === "string" ? t.split(expected).length - 1 : (t.match(new RegExp(expected, "g")) ?? []).length);
    const before = count(await log(b, tenant, agent));
    expect((await b.fetch(`/admin/chat/${agent}/messages?tenant=${tenant}`, { form: { text } })).status).toBe(200);
    return eventually(async () => {
      const now = await log(b, tenant, agent);
      return count(now) > before ? now : null;
    }, 15_000, `'${expected}' after '${text}'`);
  }

  test("/tasks, /status and /cancel N in the web chat; another tenant sees nothing", async () => {
    const admin = s.tenantAdmin!;
    await say(admin, f.acme, ada, "research the market", "On it — started.");
    await eventually(async () => (await f.app().db.withTenant(f.acme, (tx) => tx.query.tasks.findFirst()))?.status === "running", 10_000, "task running");
    await say(admin, f.acme, ada, "/tasks", /#1 running · \d+s · step \d · \$0\.0000 — Web research/);
    const status = await say(admin, f.acme, ada, "/status", /Ada[\s\S]*#1 running/);
    expect(status).toContain("Your tasks:");

    // Another tenant's admin, in their own web chat: neither sees nor cancels it.
    await say(s.otherAdmin!, f.globex, gus, "/tasks", "No tasks running or queued.");
    await say(s.otherAdmin!, f.globex, gus, "/cancel 1", "There is no running or queued task #1 of yours.");

    const at = Date.now();
    await say(admin, f.acme, ada, "/cancel 1", "Cancelled task #1.");
    await eventually(() => f.app().tasks.executor.running.size === 0, 1500, "executor let go");
    expect(Date.now() - at).toBeLessThan(3000);
    await say(admin, f.acme, ada, "/tasks", "No tasks running or queued.");
    expect(await log(admin, f.acme, ada)).not.toContain("never shown");
  }, 60_000);

  test("a task's result lands in the web chat log once", async () => {
    const admin = s.tenantAdmin!;
    llm.on({ lastUser: "Goal: Web research" }, { text: "Findings for the web chat.", delayMs: 500 });
    await say(admin, f.acme, ada, "research again", "On it — started.");
    const text = await eventually(async () => {
      const t = await log(admin, f.acme, ada);
      return t.includes("Findings for the web chat.") ? t : null;
    }, 15_000, "task result in the log");
    expect(text).toContain("Task #2 done");
    await Bun.sleep(1500);
    expect((await log(admin, f.acme, ada)).split("Findings for the web chat.").length - 1).toBe(1);
  }, 60_000);
});
