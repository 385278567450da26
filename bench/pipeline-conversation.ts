/**
 * bench:pipeline --scenario conversation — what a message costs inside a conversation with a
 * history, the way people use an AI employee: the same few chats, a reply awaited before the next
 * message. Telegram (telegram-test-api behind the test shim, long polling) and Slack threads (the
 * Slack emulator, signed app_mention events in a thread), 1 and 8 concurrent chats, histories of 10,
 * 100 and 1,000 turns; memory and knowledge on with the real embedding model (the repository's test
 * model), the instant LLM mock. Baselines in the same run: a bare grammY echo bot (Telegram) and the
 * bare bolt echo app (Slack), driven the same way.
 *
 * Histories are seeded directly in the database (the app stopped in between: the embedded database
 * is one process's): each chat gets H turns (a user message and a reply), a rolling summary covering
 * all but the newest turns, and memories about its user (real embeddings). The measured messages go
 * through the full pipeline. Each chat grows by the measured turns; H is the history at the start.
 *
 * Reported per channel, chat count and history: msg/s (messages ÷ wall time), p50/p99 (user message
 * sent → reply accepted by the emulator) and the app's main-thread CPU per message
 * (/proc/<pid>/task/<pid>/stat: the JS thread, where the embedded database runs too), plus whole
 * process CPU per message, and the app's RSS after each phase (the model is loaded by then).
 * Env: BENCH_TURNS (measured messages per chat), BENCH_HISTORIES (10,100,1000) and BENCH_CHATS
 * (1,8) to measure part of the grid (for profiling: targets not measured are reported as null),
 * BENCH_PROFILE_OUT (where to keep the whole markdown profile).
 * `--external-postgres`: the app (and the seeding) on a fresh database of the external server
 * (KTEST_PG_URL, as the tests) instead of the embedded one, so the database's work is off the app's
 * thread; each phase then also reports the server's CPU per message (every `postgres` process).
 * `--quick`: fewer turns, for development. `--profile`: the app runs under
 * Bun's --cpu-prof (markdown) and the top of the profile is printed. `--trace-sql`: the app traces
 * the embedded database's statements (src/db/sql-trace.ts); each phase then reports statements and
 * database milliseconds per message, and the costliest statements are printed. Ends with one JSON line.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/database.ts";
import { rowsOf } from "../src/db/set-sql.ts";
import { Memory } from "../src/memory/memory.ts";
import { detectVectorStore } from "../src/vectors/store.ts";
import { LOOPBACK_ALLOWED } from "../test/support/outbound.ts";
import { EMBEDDINGS_CONFIG, testEmbedder } from "../test/support/models.ts";
import { createExternalDatabase } from "../test/support/db.ts";
import { largestAnonymous, type MemoryGroup, memoryMap } from "./memory-map.ts";
import { freePort, percentile, printJsonLast, spawnReady, stopMs, tempDir, withTimeout } from "./lib.ts";
import { topOfProfile } from "./profile-top.ts";
import { summariseTrace } from "../src/db/sql-trace.ts";

const QUICK = process.argv.includes("--quick");
const PROFILE = process.argv.includes("--profile");
const EXTERNAL = process.argv.includes("--external-postgres");
// The trace wraps PGlite's executor: there is nothing to wrap on an external server.
const TRACE_SQL = process.argv.includes("--trace-sql") && !EXTERNAL;
const HISTORIES = (process.env.BENCH_HISTORIES ?? "10,100,1000").split(",").map(Number);
const CHATS = (process.env.BENCH_CHATS ?? "1,8").split(",").map(Number);
/** Measured messages per chat (after WARM per chat, not counted). */
const TURNS = Number(process.env.BENCH_TURNS ?? (QUICK ? 12 : 40));
const WARM = QUICK ? 3 : 5;
/** Turns per channel that warm the app up once, on fresh chats, before the first measured phase. */
const APP_WARM = QUICK ? 60 : 150;
const root = join(import.meta.dir, "..");
const round = (x: number) => Math.round(x * 10) / 10;

// ── peers ───────────────────────────────────────────────────────────────────────────────────
const peersProc = Bun.spawn(["bun", join(import.meta.dir, "conversation-peers.ts")], { cwd: root, stdout: "pipe", stderr: "inherit" });
process.on("exit", () => peersProc.kill("SIGKILL"));
const peers = JSON.parse(await withTimeout(firstLine(peersProc.stdout), 60_000, "peers did not start")) as {
  controlUrl: string;
  llmUrl: string;
  telegram: { apiRoot: string; konstructToken: string; grammyToken: string };
  slack: Record<"bolt" | "konstruct", { apiUrl: string; botToken: string; signingSecret: string; teamId: string; channel: string; humanUserId: string }>;
};
const control = (path: string, body: object) => fetch(`${peers.controlUrl}${path}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ ms?: number; error?: string }>);

/** User + system CPU in ms from a /proc `stat` file's text (clock ticks of 10 ms). */
function statCpuMs(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

/** Main-thread and whole-process CPU of `pid`, in ms. */
function cpuMs(pid: number): { main: number; all: number } {
  return { main: statCpuMs(readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8")), all: statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8")) };
}

interface Phase {
  msgs_per_s: number;
  p50_ms: number;
  p99_ms: number;
  cpu_main_ms_per_msg?: number;
  cpu_process_ms_per_msg?: number;
  /** The app's resident memory right after the phase (the embedding model is loaded by then), anonymous and file-backed. */
  rss_mb?: number;
  rss_anon_mb?: number;
  rss_file_mb?: number;
  /** With --external-postgres: the server's CPU per message (all its processes). */
  cpu_db_server_ms_per_msg?: number;
  /** With --trace-sql: statements the database ran, and milliseconds it held the JS thread, per message. */
  sql_statements_per_msg?: number;
  sql_ms_per_msg?: number;
}

/** CPU of every `postgres` process on this machine, in ms (the external server's backends and helpers). */
function serverCpuMs(): number {
  let ms = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.includes("(postgres)")) ms += statCpuMs(stat);
    } catch {
      // gone between the listing and the read
    }
  }
  return ms;
}

/** VmRSS, RssAnon and RssFile of `pid` in MB. */
function rssOf(pid: number): Pick<Phase, "rss_mb" | "rss_anon_mb" | "rss_file_mb"> {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mb = (k: string) => Math.round(Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024);
  return { rss_mb: mb("VmRSS"), rss_anon_mb: mb("RssAnon"), rss_file_mb: mb("RssFile") };
}

/** Where the app's memory was when its RSS peaked (bench/memory-map.ts). */
let peak: { rss: number; phase: string; map: MemoryGroup[]; anon: ReturnType<typeof largestAnonymous> } = { rss: 0, phase: "", map: [], anon: [] };

/** `chats` closed loops (one message, its reply, the next), `turns` messages each after `warm`. */
async function phase(target: string, chats: string[], turns: number, warm: number, pid?: number): Promise<Phase> {
  const one = async (chat: string, i: number) => {
    const r = await control("/turn", { target, chat, text: `Question ${i} in this chat: could you look at the order and tell me what to do next?` });
    if (r.error !== undefined || r.ms === undefined) throw new Error(`${target}: ${r.error}`);
    return r.ms;
  };
  await Promise.all(chats.map(async (c) => { for (let i = 0; i < warm; i++) await one(c, i); }));
  const cpu0 = pid ? cpuMs(pid) : null;
  // The echoes are measured for their CPU too (the same transport's bare cost); the rest is the app's.
  const app = target.endsWith("-konstruct");
  const server0 = pid && app && EXTERNAL ? serverCpuMs() : 0;
  const t0 = performance.now();
  const w0 = performance.timeOrigin + t0;
  const lat: number[] = [];
  await Promise.all(chats.map(async (c) => { for (let i = 0; i < turns; i++) lat.push(await one(c, warm + i)); }));
  const wall = performance.now() - t0;
  const out: Phase = { msgs_per_s: Math.round((lat.length / wall) * 1000), p50_ms: round(percentile(lat, 50)), p99_ms: round(percentile(lat, 99)) };
  if (cpu0 && pid) {
    const cpu1 = cpuMs(pid);
    out.cpu_main_ms_per_msg = round((cpu1.main - cpu0.main) / lat.length);
    out.cpu_process_ms_per_msg = round((cpu1.all - cpu0.all) / lat.length);
    if (app && EXTERNAL) out.cpu_db_server_ms_per_msg = round((serverCpuMs() - server0) / lat.length);
    if (app) Object.assign(out, rssOf(pid));
    if (app && (out.rss_mb ?? 0) > peak.rss) peak = { rss: out.rss_mb!, phase: `${target}, ${chats.length} chat(s)`, map: memoryMap(pid), anon: largestAnonymous(pid) };
  }
  if (TRACE_SQL && pid && app) {
    await Bun.sleep(400); // the app flushes its trace every 250 ms
    const sqlUsed = summariseTrace(readFileSync(traceFile, "utf8"), w0, w0 + wall);
    out.sql_statements_per_msg = round(sqlUsed.statements / lat.length);
    out.sql_ms_per_msg = round(sqlUsed.ms / lat.length);
    traced.push([w0, w0 + wall]);
  }
  return out;
}

const show = (label: string, p: Phase) =>
  console.log(`  ${label.padEnd(28)} ${String(p.msgs_per_s).padStart(6)} msg/s  p50 ${p.p50_ms} ms  p99 ${p.p99_ms} ms${p.cpu_main_ms_per_msg !== undefined ? `  main-thread CPU ${p.cpu_main_ms_per_msg} ms/msg (process ${p.cpu_process_ms_per_msg}${p.cpu_db_server_ms_per_msg !== undefined ? `, database server ${p.cpu_db_server_ms_per_msg}` : ""})${p.rss_mb !== undefined ? `, RSS ${p.rss_mb} MB` : ""}` : ""}${p.sql_ms_per_msg !== undefined ? `, SQL ${p.sql_statements_per_msg} statements ${p.sql_ms_per_msg} ms/msg` : ""}`);
const chatIds = (base: number, n: number) => Array.from({ length: n }, (_, i) => String(base + i));

// ── baselines: bare grammY echo (Telegram) and bare bolt echo (Slack) ──────────────────────────
const baseDir = tempDir("conv-base");
const grammy = Bun.spawn(["bun", join(import.meta.dir, "grammy-echo.ts")], {
  cwd: root,
  env: { ...process.env, BOT_TOKEN: peers.telegram.grammyToken, API_ROOT: peers.telegram.apiRoot },
  stdout: Bun.file(join(baseDir, "grammy.log")),
  stderr: Bun.file(join(baseDir, "grammy.log")),
});
process.on("exit", () => grammy.kill("SIGKILL"));
const boltPort = freePort();
const bolt = Bun.spawn(["bun", join(import.meta.dir, "bolt-echo.ts")], {
  cwd: root,
  env: { ...process.env, PORT: String(boltPort), BOT_TOKEN: peers.slack.bolt.botToken, SIGNING_SECRET: peers.slack.bolt.signingSecret, SLACK_API_URL: peers.slack.bolt.apiUrl },
  stdout: Bun.file(join(baseDir, "bolt.log")),
  stderr: Bun.file(join(baseDir, "bolt.log")),
});
process.on("exit", () => bolt.kill("SIGKILL"));
await withTimeout(
  (async () => {
    while (!(await fetch(`http://127.0.0.1:${boltPort}/slack/events`, { method: "POST" }).then(() => true, () => false))) await Bun.sleep(50);
  })(),
  30_000,
  "bolt echo app did not start",
);
await control("/slack-url", { target: "bolt", url: `http://127.0.0.1:${boltPort}/slack/events` });
const echo: Record<string, Record<string, Phase>> = { grammy_echo: {}, bolt_echo: {} };
console.log("baselines (same harness, same run):");
for (const n of CHATS) {
  echo.grammy_echo![`chats_${n}`] = await phase("tg-grammy", chatIds(9_000_000 + n * 100, n), TURNS * 2, WARM, grammy.pid);
  show(`grammY echo, ${n} chat(s)`, echo.grammy_echo![`chats_${n}`]!);
  echo.bolt_echo![`chats_${n}`] = await phase("slack-bolt", chatIds(1_800_000_000 + n * 100, n).map((t) => `${t}.000000`), TURNS * 2, WARM, bolt.pid);
  show(`bolt echo, ${n} chat(s)`, echo.bolt_echo![`chats_${n}`]!);
}
grammy.kill("SIGTERM");
bolt.kill("SIGTERM");

// ── the appliance ───────────────────────────────────────────────────────────────────────────
const dir = tempDir("conversation");
const external = EXTERNAL ? await createExternalDatabase() : null;
const port = freePort();
const config = join(dir, "konstruct.config.yaml");
const profDir = join(dir, "prof");
writeFileSync(
  config,
  JSON.stringify({
    data_dir: join(dir, "data"),
    ...(external ? { database: { url: external.url } } : {}),
    server: { host: "127.0.0.1", port },
    log: { level: "info" },
    security: { allow_private_hosts: LOOPBACK_ALLOWED },
    ...EMBEDDINGS_CONFIG,
    llm: { providers: [{ id: "mock", kind: "openai", base_url: peers.llmUrl, max_concurrency: 256 }] },
    limits: { tenant: { capacity: 1_000_000_000, refill_per_sec: 1e9 }, connection: { capacity: 1_000_000_000, refill_per_sec: 1e9 }, user: { capacity: 1_000_000_000, refill_per_sec: 1e9 } },
    tenants: [
      {
        slug: "bench",
        name: "Bench",
        agents: [
          {
            slug: "ada",
            name: "Ada",
            models: ["mock/gpt-bench"],
            channels: [
              { kind: "telegram", name: "tg", bot_token: peers.telegram.konstructToken, api_root: peers.telegram.apiRoot },
              { kind: "slack", name: "slack", bot_token: peers.slack.konstruct.botToken, signing_secret: peers.slack.konstruct.signingSecret, api_url: peers.slack.konstruct.apiUrl, team_id: peers.slack.konstruct.teamId },
            ],
          },
        ],
      },
    ],
  }),
);
const appLog = join(dir, "konstruct.log");
const traceFile = join(dir, "sql.trace");
const traced: [number, number][] = [];
const startApp = async (profile: boolean) => {
  const flags = profile ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profDir}`] : [];
  const from = await Bun.file(appLog).exists() ? (await Bun.file(appLog).text()).length : 0;
  const { proc } = await spawnReady({ cmd: ["bun", ...flags, join(root, "src/cli/main.ts"), "serve", "-c", config], cwd: dir, env: { ...process.env, ...(TRACE_SQL ? { KONSTRUCT_TRACE_SQL: traceFile } : {}) } as Record<string, string>, url: `http://127.0.0.1:${port}/readyz`, log: appLog, timeoutMs: 90_000 });
  const until = Date.now() + 30_000;
  for (;;) {
    const log = (await Bun.file(appLog).text()).slice(from);
    if (log.includes('"msg":"slack identity"') && log.includes('"msg":"telegram bot identified"')) break;
    if (Date.now() > until) throw new Error(`channels did not identify themselves; log tail:\n${log.split("\n").slice(-10).join("\n")}`);
    await Bun.sleep(50);
  }
  return proc;
};
let app = await startApp(false);
await stopMs(app);

// Seed histories: per channel and history length, 8 chats (the 1-chat phase uses the first).
const db = await openDatabase({ url: external?.url ?? "", dataDir: join(dir, "data"), poolSize: 1, connectAttempts: 1 });
const [tenant] = await db.platform((tx) => rowsOf<{ id: string }>(tx, sql`select id from tenants where slug = 'bench'`));
const tenantId = tenant!.id;
const ids = await db.withTenant(tenantId, (tx) => rowsOf<{ agent: string; tg: string; slack: string }>(tx, sql`select (select id from agents where slug = 'ada') as agent, (select id from channels where name = 'tg') as tg, (select id from channels where name = 'slack') as slack`));
const { agent: agentId, tg: tgChannel, slack: slackChannel } = ids[0]!;
const vectors = await detectVectorStore(db.driver.raw);
const embedder = testEmbedder();
embedder.onReady = (dims) => vectors.prepare(db.driver.raw, dims);
const memory = new Memory({ db, embedder, vectors });
const tgChat = (h: number, i: number) => 5_000_000 + h * 10 + i;
const slackThread = (h: number, i: number) => `1700${String(h).padStart(6, "0")}.00000${i}`;
const slackUser = peers.slack.konstruct.humanUserId;
const FACTS = ["prefers answers in bullet points", "works in the Hamburg warehouse", "is responsible for returns over 500 EUR", "asked last week about the forklift maintenance schedule", "uses the order system on a tablet"];
console.log("seeding histories…");
for (const h of HISTORIES) {
  for (let i = 0; i < 8; i++) {
    for (const [channelId, chatKey, userKey] of [[tgChannel, String(tgChat(h, i)), String(tgChat(h, i))], [slackChannel, `${peers.slack.konstruct.channel}:${slackThread(h, i)}`, slackUser]] as const) {
      await db.withTenant(tenantId, async (tx) => {
        const [conv] = await rowsOf<{ id: string }>(tx, sql`insert into conversations (tenant_id, agent_id, channel_id, chat_key) values (${tenantId}::uuid, ${agentId}::uuid, ${channelId}::uuid, ${chatKey}) returning id`);
        // H turns, a minute apart, ending an hour ago; the summary covers all but the newest 6.
        await tx.execute(sql`insert into messages (tenant_id, conversation_id, role, content, tokens, created_at)
          select ${tenantId}::uuid, ${conv!.id}::uuid, r.role, r.content, ceil(length(r.content) / 3.5)::int + 4,
            now() - interval '1 hour' - make_interval(mins => ${h} - g) + (case when r.role = 'assistant' then interval '1 second' else interval '0' end)
          from generate_series(1, ${h}) g,
          lateral (values ('user', 'Earlier question ' || g || ': where does order ' || (1000 + g) || ' stand, and who handles the return?'),
                          ('assistant', 'Order ' || (1000 + g) || ' shipped on Tuesday; returns over 500 EUR go to the warehouse lead, who confirms within a day.')) r(role, content)`);
        if (h > 6)
          await tx.execute(sql`insert into conversation_memory (tenant_id, conversation_id, summary, summarized_until)
            values (${tenantId}::uuid, ${conv!.id}::uuid, ${`The user asked about orders 1001 to ${1000 + h - 6}; each shipped, and returns over 500 EUR go to the warehouse lead.`},
              now() - interval '1 hour' - make_interval(mins => 6) + interval '2 seconds')`);
      });
      if (channelId === tgChannel || (h === HISTORIES[0] && i === 0))
        for (const fact of FACTS) await memory.remember(tenantId, { agentId, userKey, kind: "fact", content: `The user ${fact}.` });
    }
  }
}
await embedder.close?.();
await db.close();

app = await startApp(PROFILE);
await control("/slack-url", { target: "konstruct", url: `http://127.0.0.1:${port}/hooks/slack/${slackChannel}` });
console.log(`konstruct: ${external ? "external Postgres (this machine)" : "embedded database"}, full pipeline, memory and knowledge on (real embedding model), instant LLM mock`);
// The app's code is warmed (JIT tiers) on chats of its own before anything is measured: a server
// runs for days, and a first phase measured right after start paid the compiler threads' work too.
await phase("tg-konstruct", [String(tgChat(0, 0))], APP_WARM, 0);
await phase("slack-konstruct", [slackThread(0, 0)], APP_WARM, 0);
const results: Record<string, Record<string, Phase>> = { telegram: {}, slack: {} };
for (const h of HISTORIES) {
  for (const n of CHATS) {
    const tg = await phase("tg-konstruct", Array.from({ length: n }, (_, i) => String(tgChat(h, i))), TURNS, WARM, app.pid);
    results.telegram![`h${h}_chats_${n}`] = tg;
    show(`telegram, ${h} turns, ${n} chat(s)`, tg);
    const sl = await phase("slack-konstruct", Array.from({ length: n }, (_, i) => slackThread(h, i)), TURNS, WARM, app.pid);
    results.slack![`h${h}_chats_${n}`] = sl;
    show(`slack, ${h} turns, ${n} chat(s)`, sl);
  }
}
await stopMs(app, 60_000);
await external?.drop();

const cpuMax = Math.max(...Object.values(results).flatMap((r) => Object.values(r).map((p) => p.cpu_main_ms_per_msg ?? 0)));
// A run of part of the chats (BENCH_CHATS, for profiling) reports null for the targets it did not measure.
const tg8 = Math.min(...HISTORIES.flatMap((h) => results.telegram![`h${h}_chats_8`]?.msgs_per_s ?? []));
const added = Math.max(...HISTORIES.flatMap((h) => results.telegram![`h${h}_chats_1`]?.p50_ms ?? [])) - (echo.grammy_echo!.chats_1?.p50_ms ?? 0);
const rss8 = Math.max(...Object.values(results).flatMap((r) => HISTORIES.flatMap((h) => r[`h${h}_chats_8`]?.rss_mb ?? [])));
// ±Infinity: that part of the grid was not measured (BENCH_CHATS); neither PASS nor MISS.
const verdict = (v: number, pass: boolean, what: string) => (Number.isFinite(v) ? `${pass ? "PASS" : "MISS"} (${what})` : "not measured");
console.log(`\ntargets: ≤ 2 ms main-thread CPU/msg at every history ${verdict(cpuMax, cpuMax <= 2, `worst ${cpuMax}`)}; ≥ 500 msg/s at 8 Telegram chats ${verdict(tg8, tg8 >= 500, `worst ${tg8}`)}; p50 added ≤ 5 ms at 1 chat ${verdict(added, added <= 5, `worst ${round(added)} ms over grammY echo`)}; RSS ≤ 300 MB under the 8-chat load, model loaded ${verdict(rss8, rss8 <= 300, `max ${rss8} MB`)}`);
console.log(`\nthe app's memory at its peak (${peak.rss} MB after ${peak.phase}), by mapping:\n${peak.map.map((g) => `  ${String(g.rss_mb).padStart(7)} MB  ${g.group} (${g.mappings})`).join("\n")}\nlargest anonymous mappings: ${peak.anon.map((a) => `${a.rss_mb}/${a.size_mb} MB ${a.perms}`).join(", ")}`);
if (TRACE_SQL && traced.length) {
  const all = summariseTrace(readFileSync(traceFile, "utf8"), traced[0]![0], traced.at(-1)![1]);
  console.log(`\nthe database's costliest statements over the measured phases (ms of the JS thread; ${all.statements} statements, ${round(all.ms)} ms):`);
  for (const st of all.byStatement.slice(0, 12)) console.log(`  ${String(round(st.ms)).padStart(8)} ms  ×${String(st.n).padEnd(6)} p50 ${st.p50.toFixed(2)}  p90 ${st.p90.toFixed(2)}  ${st.text}`);
}
if (PROFILE) {
  const md = readdirSync(profDir).find((f) => f.endsWith(".md"));
  if (md && process.env.BENCH_PROFILE_OUT) writeFileSync(process.env.BENCH_PROFILE_OUT, readFileSync(join(profDir, md)));
  if (md) console.log(`\ntop of the app's CPU profile (self time; ${join(profDir, md)}):\n${topOfProfile(readFileSync(join(profDir, md), "utf8"), 25)}`);
  else console.log(`no profile written in ${profDir}`);
}
printJsonLast({
  bench: "pipeline",
  scenario: "conversation",
  database: external ? "external" : "embedded",
  quick: QUICK,
  turns_per_chat: TURNS,
  histories: HISTORIES,
  konstruct: results,
  ...echo,
  worst_cpu_main_ms_per_msg: cpuMax,
  worst_telegram_8_chats_msgs_per_s: tg8,
  worst_p50_added_ms_1_chat: round(added),
  max_rss_mb_8_chats: rss8,
  memory_at_peak: { phase: peak.phase, rss_mb: peak.rss, groups: peak.map, largest_anonymous: peak.anon },
});
process.exit(0);

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let buf = "";
  for await (const chunk of stream) {
    buf += new TextDecoder().decode(chunk);
    const nl = buf.indexOf("\n");
    if (nl >= 0) return buf.slice(0, nl);
  }
  throw new Error("peers exited before printing their addresses");
}
