import { createInterface } from "node:readline/promises";
import { userInfo } from "node:os";
import { and, eq } from "drizzle-orm";
import { createApp } from "../../app/create-app.ts";
import { TerminalAdapter } from "../../channels/terminal/adapter.ts";
import { agents, channels, tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { createLogger } from "../../log/logger.ts";
import { unreportedTasksOf } from "../../tasks/store.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const chat: Command = {
  name: "chat",
  usage: `Usage: konstruct chat --tenant SLUG --agent SLUG [options]

Talks to an AI employee from the terminal, through the same pipeline as Slack and Telegram
(rate limits, budgets, usage and audit apply). Type /new for a fresh conversation, /status,
/tasks, /cancel N (or all), /schedules, /help; Ctrl-D quits. Results of background tasks are
printed when they arrive; with -m the command waits for the tasks that message started. A task
still running when chat quits ends "failed: interrupted" (reported at the next start). On the embedded database the server must not be running (one process owns
the data dir); with an external database both can run.

Options:
  -t, --tenant SLUG   tenant (required)
  -a, --agent SLUG    AI employee (required)
  -m, --message TEXT  send one message, print the reply and exit
  -u, --user NAME     who you are in the audit trail (default: your login name)
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, {
      tenant: { type: "string", short: "t" },
      agent: { type: "string", short: "a" },
      message: { type: "string", short: "m" },
      user: { type: "string", short: "u" },
    });
    if (values.help) return console.log(this.usage), 0;
    if (!values.tenant || !values.agent) throw new KonstructError("usage", "--tenant and --agent are required (see konstruct chat --help)");
    const { config } = load(values.config);
    // The terminal is for the conversation; the appliance's own logs go to stderr, warnings only.
    const app = createApp(config, { listen: false, adapters: {}, log: createLogger(process.env.KONSTRUCT_LOG_LEVEL ?? "warn", process.stderr) });
    await app.start();
    try {
      const replies: ((text: string) => void)[] = [];
      const user = values.user ?? userInfo().username;
      // A reply answers the line waiting for one; anything else (a background task's result) is printed as it comes.
      const terminal = new TerminalAdapter(user, (text) => {
        const waiting = replies.shift();
        if (waiting) waiting(text);
        else console.log(text);
      });
      const since = new Date();
      const scope = await attach(app, values.tenant, values.agent, terminal);
      const ask = async (text: string) => {
        const reply = new Promise<string>((resolve) => replies.push(resolve));
        await terminal.say(text);
        console.log(await reply);
      };
      if (values.message !== undefined) {
        await ask(values.message);
        await untilReported(app, scope, user, since);
        return 0;
      }
      const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "you> " });
      rl.prompt();
      for await (const line of rl) {
        if (line.trim()) await ask(line);
        rl.prompt();
      }
      return 0;
    } finally {
      await app.stop();
    }
  },
};

/** Finds the agent and its terminal connection (created on first use), and starts it. */
async function attach(app: ReturnType<typeof createApp>, tenantSlug: string, agentSlug: string, terminal: TerminalAdapter) {
  const [tenant] = await app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, tenantSlug)));
  if (!tenant) throw new KonstructError("not_found", `no tenant '${tenantSlug}'`);
  const tenantId = tenant.id;
  const found = await app.db.withTenant(tenantId, async (tx) => {
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, agentSlug));
    if (!agent) return null;
    const name = `terminal-${agentSlug}`.slice(0, 63);
    await tx
      .insert(channels)
      .values({ tenantId, agentId: agent.id, kind: "terminal", name, mode: "terminal", secrets: app.secrets.sealJson({}), source: "terminal" })
      .onConflictDoNothing();
    const [ch] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.name, name), eq(channels.agentId, agent.id)));
    return ch && { agentId: agent.id, channelId: ch.id };
  });
  if (!found) throw new KonstructError("not_found", `no agent '${agentSlug}' in tenant '${tenantSlug}'`);
  const conn = { tenantId, ...found, kind: "terminal", adapter: terminal };
  app.gateway.connections.add(conn);
  await terminal.start(app.gateway.pipeline.sinkFor(conn));
  return { tenantId, agentId: found.agentId };
}

/** Waits until the background tasks `user` started since `since` have finished and their results were printed. */
async function untilReported(app: ReturnType<typeof createApp>, scope: { tenantId: string; agentId: string }, user: string, since: Date) {
  while ((await app.db.withTenant(scope.tenantId, (tx) => unreportedTasksOf(tx, scope.agentId, user, since))).length) await Bun.sleep(250);
}
