/**
 * Approval expiry on the job engine, on both databases: an approval's job is queued when its prompt
 * goes out, due at its expiry; with two replicas' engines on one database the expiry is handled
 * once (one settle, one reply); and an approval from before the job engine (no job) gets its job
 * from the start-up sweep and still expires on time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import { approvals } from "../../src/db/schema/index.ts";
import { APPROVAL_QUEUE, type ApprovalJob } from "../../src/gateway/approval-flow.ts";
import { JobEngine } from "../../src/jobs/engine.ts";
import { scriptInjectedDigest, startPages, testResolver, toolsConfig, WEB_DIGEST, writeSkill } from "../support/agent-tools.ts";
import { approvalJobs, expiryJob } from "../support/approval-jobs.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const TTL_MINUTES = 0.1; // 6 s

describe.each(DB_KINDS)("approval expiry jobs on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let pages: Awaited<ReturnType<typeof startPages>>;
  let t: TestApp;
  let tenantId = "";
  let chat = 8600;

  async function askForApproval(marker: string): Promise<{ chatId: number; id: string }> {
    scriptInjectedDigest(llm, marker, pages.url("/hostile"));
    const chatId = ++chat;
    await tg.userSends(chatId, `${marker} please`);
    const prompt = await eventually(() => tg.botReplies(chatId).find((r) => r.reply_markup?.inline_keyboard?.length), 10_000, "approval prompt");
    const id = /^kapv:([0-9a-f-]{36}):/.exec(prompt.reply_markup!.inline_keyboard.flat()[0]!.callback_data!)![1]!;
    return { chatId, id };
  }
  const expiredReplies = (chatId: number, marker: string) => tg.botReplies(chatId).filter((r) => r.visible === `The approval expired, so nothing was posted (${marker}).`);
  const approval = async (id: string) => (await t.app.db.withTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.id, id))))[0]!;

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    pages = await startPages();
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        tools: toolsConfig,
        approvals: { ttl_minutes: TTL_MINUTES },
        jobs: { poll_seconds: 0.5 },
        tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], max_tool_iterations: 6, channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
      },
      { resolver: testResolver },
    );
    tenantId = (await t.channel("acme", "tg")).tenantId;
    writeSkill(t.dataDir, "web-digest", WEB_DIGEST);
    await eventually(() => t.app.gateway.skills!.forTenant("acme").has("web-digest"), 3000, "skill hot-loaded");
  });
  afterAll(async () => {
    await t.cleanup();
    await pages.stop();
    await tg.stop();
    await llm.stop();
  });

  test("queued on creation, due at the expiry; two replicas' engines: settled once, one reply", async () => {
    const { chatId, id } = await askForApproval("jobs-once");
    const job = await eventually(() => expiryJob(t.app.db, id), 10_000, "expiry job queued");
    const { expiresAt } = await approval(id);
    expect(Math.abs(new Date(job.start_after).getTime() - expiresAt.getTime())).toBeLessThan(1000);

    // A second replica: its own engine on the same database, working the same queue with the same flow.
    const flow = t.app.gateway.approvals;
    const settled: string[] = [];
    const original = flow.settle.bind(flow);
    flow.settle = (tenant, approvalId) => (settled.push(`app:${approvalId}`), original(tenant, approvalId));
    const replica = new JobEngine({ db: t.app.db, url: t.app.config.database.url, pollSeconds: 0.5, log: pino({ level: "silent" }) }).define<ApprovalJob>(APPROVAL_QUEUE, {
      policy: "stately",
      handler: (d) => (settled.push(`replica:${d.approvalId}`), original(d.tenantId, d.approvalId)),
    });
    try {
      await replica.start(); // a job is waiting: the replica boots and its workers poll
      expect(replica.running).toBe(true);
      await eventually(() => expiredReplies(chatId, "jobs-once").length > 0, 20_000, "expiry reply");
      await Bun.sleep(2000);
      expect(settled.filter((s) => s.endsWith(id))).toHaveLength(1);
      expect(expiredReplies(chatId, "jobs-once")).toHaveLength(1);
      expect((await approval(id)).status).toBe("expired");
      expect((await approvalJobs(t.app.db, id)).map((j) => j.state)).toEqual(["completed"]);
    } finally {
      flow.settle = original;
      await replica.stop();
    }
  }, 60_000);

  test("an approval from before the job engine (no job): the start-up sweep queues it and it expires on time", async () => {
    const { chatId, id } = await askForApproval("jobs-upgrade");
    await eventually(() => expiryJob(t.app.db, id), 10_000, "expiry job queued");
    // As an upgrade finds it: pending, no job of its own.
    await t.app.db.driver.raw.query(`delete from pgboss.job where name = 'approval' and singleton_key = $1`, [`expire:${id}`]);
    await t.restart({ resolver: testResolver });
    const job = await eventually(() => expiryJob(t.app.db, id), 10_000, "expiry job queued by the start-up sweep");
    expect(Math.abs(new Date(job.start_after).getTime() - (await approval(id)).expiresAt.getTime())).toBeLessThan(1000);
    await eventually(() => expiredReplies(chatId, "jobs-upgrade").length > 0, 20_000, "expiry reply");
    expect((await approval(id)).status).toBe("expired");
    // Another start finds nothing to queue: one job per approval.
    await t.restart({ resolver: testResolver });
    await Bun.sleep(1000);
    expect(await approvalJobs(t.app.db, id)).toHaveLength(1);
    expect(expiredReplies(chatId, "jobs-upgrade")).toHaveLength(1);
  }, 60_000);
});
